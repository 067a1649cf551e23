/** A covariance ellipse in data units: centre, semi-axes for 1σ and the angle of the first axis (radians, counter-clockwise from +x). */
export interface Ellipse {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  readonly angle: number;
}

/**
 * The n-σ ellipse {x : (x − μ)ᵀ Σ⁻¹ (x − μ) = n²} of a 2×2 covariance [[a, b], [b, c]]: its axes
 * are the eigenvectors, with semi-axes n·√λ. Negative round-off in an eigenvalue is taken as 0.
 */
export function covarianceEllipse(cx: number, cy: number, a: number, b: number, c: number, n = 1): Ellipse {
  const mid = (a + c) / 2;
  const radius = Math.hypot((a - c) / 2, b);
  const l1 = Math.max(mid + radius, 0);
  const l2 = Math.max(mid - radius, 0);
  const angle = radius === 0 ? 0 : 0.5 * Math.atan2(2 * b, a - c);
  return { cx, cy, rx: n * Math.sqrt(l1), ry: n * Math.sqrt(l2), angle };
}

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  // From integer multiples, not by adding up steps, so round-off neither drops nor adds a tick.
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i <= Math.floor(hi / step + 1e-9); i++) ticks.push(i === 0 ? 0 : i * step);
  return ticks;
}

/**
 * Labels for evenly spaced ticks, with as many decimals as their spacing needs (so that −4.7651
 * and −4.7652 do not both read −4.765), and exponents only for very large or small values.
 */
export function formatTicks(ticks: readonly number[]): string[] {
  if (ticks.length === 0) return [];
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0]) || 1;
  const largest = Math.max(...ticks.map(Math.abs));
  if (largest >= 1e6 || (largest > 0 && largest < 1e-4)) return ticks.map((t) => (t === 0 ? '0' : t.toExponential(Math.max(1, Math.min(6, Math.ceil(Math.log10(largest / step)))))));
  const decimals = Math.max(0, Math.min(12, Math.ceil(-Math.log10(step) - 1e-9)));
  return ticks.map((t) => t.toFixed(decimals));
}
