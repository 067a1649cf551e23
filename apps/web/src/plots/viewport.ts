import { paddedRange } from './canvas.js';

/** The data window a 2-D plot shows, and how zoom and pan change it (pure: unit-tested). */
export interface Window2 {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** A component drawn in the plot: its location and, when it has one, its 2×2 marginal covariance. */
export interface DrawnComponent {
  readonly location: readonly [number, number];
  readonly covariance: readonly [number, number, number] | null;
}

/** Ellipses are drawn at 1σ and 2σ; the view must hold the 2σ one. */
export const OUTER_SIGMA = 2;

/**
 * The smallest window (padded by 6 %) holding every drawn point and every component with its
 * 2σ ellipse: the ellipse {v : vᵀΣ⁻¹v = n²} spans n·√Σxx either side in x and n·√Σyy in y.
 */
export function fitWindow(values: Float64Array, rows: number, cols: number, x: number, y: number, components: readonly DrawnComponent[], binary: boolean): Window2 {
  let xLo = Infinity;
  let xHi = -Infinity;
  let yLo = Infinity;
  let yHi = -Infinity;
  for (let i = 0; i < rows; i++) {
    const vx = values[i * cols + x];
    const vy = values[i * cols + y];
    if (vx < xLo) xLo = vx;
    if (vx > xHi) xHi = vx;
    if (vy < yLo) yLo = vy;
    if (vy > yHi) yHi = vy;
  }
  if (binary) [xLo, xHi, yLo, yHi] = [Math.min(xLo, -0.25), Math.max(xHi, 1.25), Math.min(yLo, -0.25), Math.max(yHi, 1.25)];
  for (const c of components) {
    const hx = c.covariance ? OUTER_SIGMA * Math.sqrt(Math.max(0, c.covariance[0])) : 0;
    const hy = c.covariance ? OUTER_SIGMA * Math.sqrt(Math.max(0, c.covariance[2])) : 0;
    if (!Number.isFinite(hx) || !Number.isFinite(hy)) continue;
    xLo = Math.min(xLo, c.location[0] - hx);
    xHi = Math.max(xHi, c.location[0] + hx);
    yLo = Math.min(yLo, c.location[1] - hy);
    yHi = Math.max(yHi, c.location[1] + hy);
  }
  const [xMin, xMax] = paddedRange(xLo, xHi);
  const [yMin, yMax] = paddedRange(yLo, yHi);
  return { xMin, xMax, yMin, yMax };
}

/** Zooms by `factor` (< 1: in) about the data point (ax, ay), which stays under the cursor. */
export function zoomWindow(w: Window2, factor: number, ax: number, ay: number): Window2 {
  return { xMin: ax + (w.xMin - ax) * factor, xMax: ax + (w.xMax - ax) * factor, yMin: ay + (w.yMin - ay) * factor, yMax: ay + (w.yMax - ay) * factor };
}

/** Moves the window by (dx, dy) in data units. */
export function panWindow(w: Window2, dx: number, dy: number): Window2 {
  return { xMin: w.xMin + dx, xMax: w.xMax + dx, yMin: w.yMin + dy, yMax: w.yMax + dy };
}
