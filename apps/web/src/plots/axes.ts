import { type Frame, toPixelX, toPixelY } from './canvas.js';
import { formatTicks, niceTicks } from './geometry.js';
import type { PlotTheme } from './theme.js';

/** Grid lines, tick labels and axis titles around `frame`. */
export function drawAxes(ctx: CanvasRenderingContext2D, frame: Frame, xTitle: string, yTitle: string, theme: PlotTheme): void {
  ctx.save();
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.ink;
  const xTicks = niceTicks(frame.xMin, frame.xMax, Math.max(2, Math.floor(frame.width / 80)));
  const yCount = Math.max(2, Math.floor(frame.height / 50));
  let yTicks = niceTicks(frame.yMin, frame.yMax, yCount);
  // A range just over a round step can leave a single tick: take the next finer step then.
  if (yTicks.length < 3) yTicks = niceTicks(frame.yMin, frame.yMax, 2 * yCount);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xLabels = formatTicks(xTicks);
  const yLabels = formatTicks(yTicks);
  for (const [i, t] of xTicks.entries()) {
    const x = Math.round(toPixelX(frame, t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, frame.top);
    ctx.lineTo(x, frame.top + frame.height);
    ctx.stroke();
    ctx.fillText(xLabels[i], x, frame.top + frame.height + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const [i, t] of yTicks.entries()) {
    const y = Math.round(toPixelY(frame, t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(frame.left, y);
    ctx.lineTo(frame.left + frame.width, y);
    ctx.stroke();
    ctx.fillText(yLabels[i], frame.left - 5, y);
  }
  ctx.strokeStyle = theme.frame;
  ctx.strokeRect(frame.left + 0.5, frame.top + 0.5, frame.width - 1, frame.height - 1);
  ctx.fillStyle = theme.ink;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(xTitle, frame.left + frame.width / 2, frame.top + frame.height + 34);
  ctx.translate(12, frame.top + frame.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'top';
  ctx.fillText(yTitle, 0, 0);
  ctx.restore();
}

/** The plot area of a chart with room for tick labels and titles. */
export function chartFrame(width: number, height: number, ranges: { xMin: number; xMax: number; yMin: number; yMax: number }, left = 64): Frame {
  const top = 10;
  const right = 12;
  const bottom = 40;
  return { left, top, width: Math.max(10, width - left - right), height: Math.max(10, height - top - bottom), ...ranges };
}
