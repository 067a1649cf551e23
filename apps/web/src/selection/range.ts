/**
 * The competitive y-range of a criterion chart (smaller is better): from the best value to the
 * median of all finite values, padded by 8 %. Half the candidates or more stay in view, and one
 * far-off family (spherical on wine) no longer flattens the curves that matter.
 */
export function competitiveRange(values: readonly (number | null)[]): [number, number] | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const best = finite[0];
  const median = finite[Math.floor((finite.length - 1) / 2)];
  const span = median - best || Math.max(1, Math.abs(best) * 1e-3);
  return [best - 0.08 * span, best + 1.08 * span];
}

/** For the log view: each value's distance above the best, plus 1 (so the best sits at 1 on a log axis). */
export function aboveBest(values: readonly (number | null)[]): (number | null)[] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const best = Math.min(...finite);
  return values.map((v) => (v === null || !Number.isFinite(v) ? null : v - best + 1));
}
