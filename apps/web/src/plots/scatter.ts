import { chartFrame, drawAxes } from './axes.js';
import { type Frame, prepareCanvas, toPixelX, toPixelY } from './canvas.js';
import { componentColor, cssColor, darker, lighter } from './colors.js';
import { covarianceEllipse, type Ellipse } from './geometry.js';
import type { PlotTheme } from './theme.js';
import { OUTER_SIGMA, type DrawnComponent, type Window2 } from './viewport.js';

export interface ScatterInput {
  /** drawnRows × cols row-major. */
  readonly values: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** The two columns shown. */
  readonly x: number;
  readonly y: number;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Each row's colour, 0xRRGGBB. */
  readonly colors: Uint32Array;
  /** 0/1 data: points are jittered so that they do not pile up on four corners. */
  readonly binary: boolean;
  /** The data window shown (zoom and pan change it). */
  readonly window: Window2;
  readonly components: readonly DrawnComponent[];
  /** Each component's earlier locations in the shown columns, oldest first: the means' trail. */
  readonly trail: readonly (readonly [number, number])[][];
  readonly theme: PlotTheme;
}

/** What was drawn for each component, in data units (the page publishes it for tests). */
export interface ComponentShape {
  readonly component: number;
  readonly mean: [number, number];
  /** The 2×2 marginal covariance [Σxx, Σxy, Σyy] of the shown columns, or null (k-means, Bernoulli). */
  readonly covariance: [number, number, number] | null;
  /** The 1σ ellipse (2σ has twice its semi-axes), or null. */
  readonly ellipse: Ellipse | null;
}

/** A deterministic jitter in [−0.5, 0.5) per row and axis (a small integer hash). */
function jitter(i: number, axis: number): number {
  let h = Math.imul(i ^ (axis * 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 - 0.5;
}

const JITTER = 0.3;

/** Row i's drawn position in data units (0/1 data jittered). */
export function drawnPoint(input: ScatterInput, i: number): [number, number] {
  const spread = input.binary ? JITTER : 0;
  return [input.values[i * input.cols + input.x] + spread * jitter(i, 0), input.values[i * input.cols + input.y] + spread * jitter(i, 1)];
}

/** The plot area for a canvas of this size. */
export function scatterFrame(width: number, height: number, window: Window2): Frame {
  return chartFrame(width, height, window, 56);
}

/** The drawn row nearest to pixel (px, py) within `radius` pixels, or −1. */
export function rowAtPixel(input: ScatterInput, frame: Frame, px: number, py: number, radius = 8): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < input.rows; i++) {
    const [vx, vy] = drawnPoint(input, i);
    const dx = toPixelX(frame, vx) - px;
    const dy = toPixelY(frame, vy) - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/**
 * The points as alpha-blended discs written straight into the canvas pixels (one getImageData /
 * putImageData: a canvas, not a charting library, because 20 000 points must redraw within a
 * frame while zooming), then axes, trails, ellipses and means drawn on top.
 */
export function drawScatter(canvas: HTMLCanvasElement, input: ScatterInput): ComponentShape[] {
  // The points are blended into the pixels read back from the canvas on every draw.
  const { ctx, width, height, dpr } = prepareCanvas(canvas, { willReadFrequently: true });
  const frame = scatterFrame(width, height, input.window);
  ctx.fillStyle = input.theme.background;
  ctx.fillRect(frame.left, frame.top, frame.width, frame.height);
  drawAxes(ctx, frame, input.xTitle, input.yTitle, input.theme);
  drawPoints(ctx, frame, dpr, input);

  const shapes: ComponentShape[] = [];
  ctx.save();
  ctx.beginPath();
  ctx.rect(frame.left, frame.top, frame.width, frame.height);
  ctx.clip();
  // Outlines stand out from the points: darker on a light background, lighter on a dark one.
  const outline = (j: number) => (input.theme.dark ? lighter(componentColor(j)) : darker(componentColor(j)));
  input.trail.forEach((path, j) => drawTrail(ctx, frame, path, outline(j)));
  input.components.forEach((c, j) => {
    const mean: [number, number] = [c.location[0], c.location[1]];
    const covariance = c.covariance === null ? null : ([...c.covariance] as [number, number, number]);
    const ellipse = covariance === null ? null : covarianceEllipse(mean[0], mean[1], ...covariance);
    const color = outline(j);
    if (ellipse)
      for (const n of [1, OUTER_SIGMA]) {
        strokeEllipse(ctx, frame, ellipse, n);
        const lineWidth = n === 1 ? 2.25 : 1.5;
        ctx.setLineDash(n === 1 ? [] : [6, 4]);
        ctx.lineWidth = lineWidth + 2.5;
        ctx.strokeStyle = input.theme.halo;
        ctx.stroke();
        ctx.lineWidth = lineWidth;
        ctx.strokeStyle = cssColor(color);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    drawMean(ctx, toPixelX(frame, mean[0]), toPixelY(frame, mean[1]), color, input.theme);
    shapes.push({ component: j, mean, covariance, ellipse });
  });
  ctx.restore();
  return shapes;
}

function drawTrail(ctx: CanvasRenderingContext2D, frame: Frame, path: readonly (readonly [number, number])[], color: [number, number, number]): void {
  if (path.length === 0) return;
  ctx.beginPath();
  path.forEach(([x, y], q) => (q === 0 ? ctx.moveTo(toPixelX(frame, x), toPixelY(frame, y)) : ctx.lineTo(toPixelX(frame, x), toPixelY(frame, y))));
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = cssColor(color, 0.7);
  ctx.stroke();
  ctx.fillStyle = cssColor(color, 0.7);
  for (const [x, y] of path) {
    ctx.beginPath();
    ctx.arc(toPixelX(frame, x), toPixelY(frame, y), 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function strokeEllipse(ctx: CanvasRenderingContext2D, frame: Frame, e: Ellipse, n: number): void {
  const sx = frame.width / (frame.xMax - frame.xMin);
  const sy = frame.height / (frame.yMax - frame.yMin);
  ctx.save();
  // The path in data units (y up); stroked after restore, so the line width stays in pixels.
  ctx.translate(toPixelX(frame, e.cx), toPixelY(frame, e.cy));
  ctx.scale(sx, -sy);
  ctx.beginPath();
  ctx.ellipse(0, 0, n * e.rx, n * e.ry, e.angle, 0, 2 * Math.PI);
  ctx.restore();
}

function drawMean(ctx: CanvasRenderingContext2D, x: number, y: number, color: [number, number, number], theme: PlotTheme): void {
  ctx.beginPath();
  ctx.arc(x, y, 6, 0, 2 * Math.PI);
  ctx.fillStyle = theme.background;
  ctx.fill();
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = cssColor(color);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x - 3, y - 3);
  ctx.lineTo(x + 3, y + 3);
  ctx.moveTo(x + 3, y - 3);
  ctx.lineTo(x - 3, y + 3);
  ctx.lineWidth = 1.75;
  ctx.stroke();
}

function drawPoints(ctx: CanvasRenderingContext2D, frame: Frame, dpr: number, input: ScatterInput): void {
  const left = Math.round(frame.left * dpr);
  const top = Math.round(frame.top * dpr);
  const w = Math.round(frame.width * dpr);
  const h = Math.round(frame.height * dpr);
  if (w <= 0 || h <= 0) return;
  const image = ctx.getImageData(left, top, w, h);
  const pixels = image.data;
  const radius = (input.rows <= 2_000 ? 3.2 : input.rows <= 10_000 ? 2.2 : 1.5) * dpr;
  const alpha = input.rows <= 2_000 ? 0.85 : 0.6;
  const disc: number[] = [];
  const r = Math.ceil(radius);
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= radius * radius) disc.push(dx, dy);
  const sx = w / (frame.xMax - frame.xMin);
  const sy = h / (frame.yMax - frame.yMin);
  for (let i = 0; i < input.rows; i++) {
    const [vx, vy] = drawnPoint(input, i);
    const px = Math.round((vx - frame.xMin) * sx);
    const py = Math.round(h - (vy - frame.yMin) * sy);
    const c = input.colors[i];
    const cr = (c >>> 16) & 255;
    const cg = (c >>> 8) & 255;
    const cb = c & 255;
    for (let q = 0; q < disc.length; q += 2) {
      const x = px + disc[q];
      const y = py + disc[q + 1];
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const o = (y * w + x) * 4;
      pixels[o] += (cr - pixels[o]) * alpha;
      pixels[o + 1] += (cg - pixels[o + 1]) * alpha;
      pixels[o + 2] += (cb - pixels[o + 2]) * alpha;
      pixels[o + 3] = 255;
    }
  }
  ctx.putImageData(image, left, top);
}
