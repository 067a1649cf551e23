import { useComputed, useSignal } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { dataset, xColumn, yColumn } from '../data/store.js';
import { responsibilities, snapshot, trail } from '../run/store.js';
import { MAX_DRAWN_ROWS } from '../session/types.js';
import { useCanvas } from '../ui/inputs.js';
import { listen } from '../ui/listen.js';
import { componentColor, cssColor, UNCERTAINTY_RAMP } from './colors.js';
import { drawScatter, rowAtPixel, scatterFrame, type ComponentShape, type ScatterInput } from './scatter.js';
import { drawnComponents, pointColors, trailPaths, type ColorMode } from './scatter-input.js';
import { plotTheme } from './theme.js';
import { Tooltip } from './Tooltip.js';
import { fitWindow, panWindow, zoomWindow, type Window2 } from './viewport.js';

/** Wheel zoom (the page does not scroll under the plot), drag to pan, double-click to fit. */
function useZoomPan(ref: { current: HTMLCanvasElement | null }, window: { value: Window2 | null }, fitted: () => Window2) {
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const frameOf = () => scatterFrame(canvas.clientWidth, canvas.clientHeight, window.value ?? fitted());
    const toData = (e: { offsetX: number; offsetY: number }) => {
      const f = frameOf();
      return [f.xMin + ((e.offsetX - f.left) / f.width) * (f.xMax - f.xMin), f.yMax - ((e.offsetY - f.top) / f.height) * (f.yMax - f.yMin)] as const;
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const [ax, ay] = toData(e);
      window.value = zoomWindow(window.value ?? fitted(), Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300))), ax, ay);
    };
    let dragging: { x: number; y: number } | null = null;
    const down = (e: PointerEvent) => {
      dragging = { x: e.offsetX, y: e.offsetY };
      canvas.setPointerCapture(e.pointerId);
    };
    const move = (e: PointerEvent) => {
      if (!dragging) return;
      const f = frameOf();
      const dx = ((dragging.x - e.offsetX) / f.width) * (f.xMax - f.xMin);
      const dy = ((e.offsetY - dragging.y) / f.height) * (f.yMax - f.yMin);
      dragging = { x: e.offsetX, y: e.offsetY };
      window.value = panWindow(window.value ?? fitted(), dx, dy);
    };
    const up = () => (dragging = null);
    const reset = () => (window.value = null);
    // Not passive: the wheel handler zooms instead of scrolling the page.
    return listen(canvas, { wheel, pointerdown: down, pointermove: move, pointerup: up, dblclick: reset }, { passive: false });
  }, []);
}

/** The data in two chosen columns, coloured by responsibility or uncertainty, with what the model's view describes drawn on top. */
export function ScatterPanel() {
  const info = dataset.value;
  const snap = snapshot.value;
  const resp = responsibilities.value;
  const x = xColumn.value;
  const y = yColumn.value;
  const view = snap?.view.components ?? null;
  const k = view?.count ?? 0;
  const mode = useSignal<ColorMode>('responsibility');
  const zoomed = useSignal<Window2 | null>(null);
  const hover = useSignal<{ row: number; left: number; top: number } | null>(null);
  const shapes = useSignal<ComponentShape[]>([]);
  const components = useMemo(() => drawnComponents(view, x, y), [view, x, y]);
  const paths = useComputed(() => trailPaths(trail.value, snapshot.value?.view.components ?? null, xColumn.value, yColumn.value));
  const { colors, uncertainty } = useMemo(() => pointColors(mode.value, resp, info?.drawnRows ?? 0, k), [mode.value, resp, info, k]);
  // One pass over the drawn rows per change of data, columns or components, not per redraw.
  const fittedWindow = useMemo(() => (info ? fitWindow(info.drawn, info.drawnRows, info.cols, x, y, components, info.binary) : { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }), [info, x, y, components]);
  const fitted = () => fittedWindow;
  const inputRef = useRef<ScatterInput | null>(null);
  // A new data set or pair of columns starts from the fitted view again.
  useEffect(() => void (zoomed.value = null), [info, x, y]);
  const ref = useCanvas(
    (canvas) => {
      if (!info) return;
      const input: ScatterInput = {
        values: info.drawn,
        rows: info.drawnRows,
        cols: info.cols,
        x,
        y,
        xTitle: info.columns[x] ?? '',
        yTitle: info.columns[y] ?? '',
        colors,
        binary: info.binary,
        window: zoomed.value ?? fitted(),
        components,
        trail: paths.value,
        theme: plotTheme(),
      };
      inputRef.current = input;
      shapes.value = drawScatter(canvas, input);
    },
    [info, components, colors, x, y, zoomed.value, paths.value, fittedWindow],
  );
  // The listeners live as long as the canvas: they read the current fitted window through a ref.
  const fittedRef = useRef(fitted);
  fittedRef.current = fitted;
  useZoomPan(ref, zoomed, () => fittedRef.current());
  const onMove = (e: MouseEvent) => {
    const input = inputRef.current;
    const canvas = ref.current;
    if (!input || !canvas) return;
    const row = rowAtPixel(input, scatterFrame(canvas.clientWidth, canvas.clientHeight, input.window), e.offsetX, e.offsetY);
    hover.value = row < 0 ? null : { row, left: e.offsetX, top: e.offsetY };
  };
  const window = zoomed.value ?? (info ? fitted() : null);
  const hasResponsibilities = resp !== null && k > 0;
  return (
    <section class="plot-panel" aria-labelledby="scatter-title">
      <h2 id="scatter-title">
        {view ? `Points by ${mode.value}, ${view.locationName}s${components.some((c) => c.covariance) ? ' and 1σ / 2σ ellipses' : ''}` : 'The data'}
        {info && info.drawnRows < info.rows && <small> · a fixed sample of {MAX_DRAWN_ROWS.toLocaleString('en')} rows is drawn</small>}
      </h2>
      <div class="plot-tools">
        <label title="colour each point by 1 − its largest responsibility">
          <input id="uncertainty" type="checkbox" checked={mode.value === 'uncertainty'} disabled={!hasResponsibilities} onChange={(e) => (mode.value = e.currentTarget.checked ? 'uncertainty' : 'responsibility')} />
          uncertainty
        </label>
        <button id="fit-view" type="button" disabled={zoomed.value === null} onClick={() => (zoomed.value = null)} title="show all the data and every ellipse (or double-click the plot)">
          fit view
        </button>
        <span class="hint">wheel: zoom · drag: pan · hover: a row’s values</span>
      </div>
      <div
        id="scatter"
        class="plot-box"
        data-ellipses={JSON.stringify(shapes.value)}
        data-components={k}
        data-window={JSON.stringify(window)}
        data-mode={mode.value}
        data-trail={paths.value.reduce((n, p) => n + p.length, 0)}
        data-max-uncertainty={uncertainty ? String(uncertainty.reduce((a, b) => Math.max(a, b), 0)) : undefined}
      >
        <canvas ref={ref} class="scatter" aria-label="scatter plot of the data coloured by responsibility" onMouseMove={onMove} onMouseLeave={() => (hover.value = null)} />
        {hover.value && info && (
          <Tooltip info={info} row={hover.value.row} left={hover.value.left} top={hover.value.top} responsibilities={hasResponsibilities ? resp : null} k={k} uncertainty={uncertainty} />
        )}
      </div>
      {view && (
        <ul class="legend">
          {mode.value === 'uncertainty' ? (
            <li>
              <span class="swatch" style={{ background: cssColor(UNCERTAINTY_RAMP[0]) }} /> certain … <span class="swatch" style={{ background: cssColor(UNCERTAINTY_RAMP[1]) }} /> 1 − max
              responsibility = 1 − 1/K
            </li>
          ) : (
            Array.from({ length: k }, (_, j) => (
              <li>
                <span class="swatch" style={{ background: cssColor(componentColor(j)) }} />
                component {j + 1}
                {view.weights && ` · weight ${view.weights[j].toFixed(3)}`}
              </li>
            ))
          )}
          {!components.some((c) => c.covariance) && <li class="hint">{view.locationName}s only: this model describes no covariances</li>}
          {info?.binary && <li class="hint">0/1 values: points are jittered</li>}
        </ul>
      )}
    </section>
  );
}
