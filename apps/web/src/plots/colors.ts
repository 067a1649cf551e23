/** Component colours (Tableau 10), then evenly spaced hues past ten components. */
const TABLEAU: readonly [number, number, number][] = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
];

function hsl(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

export function componentColor(j: number): [number, number, number] {
  return j < TABLEAU.length ? TABLEAU[j] : hsl((j * 137.508) % 360, 0.6, 0.55);
}

export function cssColor([r, g, b]: readonly [number, number, number], alpha = 1): string {
  return alpha === 1 ? `rgb(${r} ${g} ${b})` : `rgb(${r} ${g} ${b} / ${alpha})`;
}

/** The colour darkened towards black by `amount` (0: as it is, 1: black): outlines that stand out on their own points. */
export function darker([r, g, b]: readonly [number, number, number], amount = 0.35): [number, number, number] {
  const f = 1 - amount;
  return [Math.round(r * f), Math.round(g * f), Math.round(b * f)];
}

/** The colour lightened towards white by `amount`: outlines that stand out on a dark background. */
export function lighter([r, g, b]: readonly [number, number, number], amount = 0.45): [number, number, number] {
  return [Math.round(r + (255 - r) * amount), Math.round(g + (255 - g) * amount), Math.round(b + (255 - b) * amount)];
}

/** Unassigned points (before the first E-step). */
export const NEUTRAL: [number, number, number] = [140, 140, 140];

/**
 * Each row's colour as the responsibility-weighted mix of the component colours (a soft
 * assignment shows as an in-between colour), packed as 0xRRGGBB.
 */
export function mixedColors(responsibilities: Float64Array | null, rows: number, k: number): Uint32Array {
  const out = new Uint32Array(rows);
  const neutral = (NEUTRAL[0] << 16) | (NEUTRAL[1] << 8) | NEUTRAL[2];
  if (responsibilities === null || k === 0) return out.fill(neutral);
  const palette = Array.from({ length: k }, (_, j) => componentColor(j));
  for (let i = 0; i < rows; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let j = 0; j < k; j++) {
      const w = responsibilities[i * k + j];
      r += w * palette[j][0];
      g += w * palette[j][1];
      b += w * palette[j][2];
    }
    out[i] = (Math.min(255, Math.round(r)) << 16) | (Math.min(255, Math.round(g)) << 8) | Math.min(255, Math.round(b));
  }
  return out;
}

/** The two ends of the colour ramp of `columnColors`: a column's lowest and highest value (0 and 1 for 0/1 data). */
export const RAMP: readonly [[number, number, number], [number, number, number]] = [componentColor(0), componentColor(1)];

/**
 * Each row's colour by its value in one column, from RAMP[0] at the column's minimum to RAMP[1]
 * at its maximum (a constant column: RAMP[0]), packed as 0xRRGGBB.
 */
export function columnColors(values: Float64Array, rows: number, cols: number, column: number): Uint32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < rows; i++) {
    const v = values[i * cols + column];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const [a, b] = RAMP;
  const out = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = hi > lo ? (values[i * cols + column] - lo) / (hi - lo) : 0;
    const c = [0, 1, 2].map((q) => Math.round(a[q] + t * (b[q] - a[q])));
    out[i] = (c[0] << 16) | (c[1] << 8) | c[2];
  }
  return out;
}

/** Low and high ends of the uncertainty ramp: certain rows pale, uncertain rows deep red. */
export const UNCERTAINTY_RAMP: readonly [[number, number, number], [number, number, number]] = [
  [200, 210, 220],
  [200, 30, 40],
];

/**
 * Each row's colour by its uncertainty 1 − max_j r_ij, from 0 (certain) to 1 − 1/K (as uncertain
 * as K components allow), packed as 0xRRGGBB; also returns the uncertainties.
 */
export function uncertaintyColors(responsibilities: Float64Array, rows: number, k: number): { colors: Uint32Array; uncertainty: Float64Array } {
  const colors = new Uint32Array(rows);
  const uncertainty = new Float64Array(rows);
  const top = k > 1 ? 1 - 1 / k : 1;
  const [a, b] = UNCERTAINTY_RAMP;
  for (let i = 0; i < rows; i++) {
    let max = 0;
    for (let j = 0; j < k; j++) max = Math.max(max, responsibilities[i * k + j]);
    const u = 1 - max;
    uncertainty[i] = u;
    // A square-root ramp: the few percent of doubt near a boundary already show.
    const t = Math.sqrt(Math.min(1, Math.max(0, u / top)));
    const c = [0, 1, 2].map((q) => Math.round(a[q] + t * (b[q] - a[q])));
    colors[i] = (c[0] << 16) | (c[1] << 8) | c[2];
  }
  return { colors, uncertainty };
}
