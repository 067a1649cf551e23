/** A canvas sized to its CSS box at the device pixel ratio; the context draws in CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, options: { willReadFrequently?: boolean } = {}): { ctx: CanvasRenderingContext2D; width: number; height: number; dpr: number } {
  const dpr = Math.max(1, Math.min(3, globalThis.devicePixelRatio || 1));
  const width = Math.max(1, canvas.clientWidth);
  const height = Math.max(1, canvas.clientHeight);
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: options.willReadFrequently ?? false });
  if (!ctx) throw new Error('this browser gives no 2D canvas');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height, dpr };
}

export interface Frame {
  /** Plot area in CSS pixels. */
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

export function toPixelX(frame: Frame, x: number): number {
  return frame.left + ((x - frame.xMin) / (frame.xMax - frame.xMin)) * frame.width;
}

export function toPixelY(frame: Frame, y: number): number {
  return frame.top + frame.height - ((y - frame.yMin) / (frame.yMax - frame.yMin)) * frame.height;
}

/** [lo, hi] padded by `pad` of its width; a single value gets a unit-wide range. */
export function paddedRange(lo: number, hi: number, pad = 0.06): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi <= lo) return [lo - 0.5, hi + 0.5];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}
