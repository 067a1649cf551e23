import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { plotTheme } from './theme.js';

export interface Series {
  readonly label: string;
  readonly color: string;
  /** [x, y] with x integral (iterations, epochs, K); y null for a gap (a failed candidate). */
  readonly points: readonly (readonly [number, number | null])[];
}

export interface LineChartProps {
  readonly id: string;
  readonly series: readonly Series[];
  readonly xTitle: string;
  readonly yTitle: string;
  /** The y-range shown (null: the data's); points outside are clipped. */
  readonly yRange?: readonly [number, number] | null;
  /** A log-scale y axis (values must be > 0). */
  readonly log?: boolean;
  readonly emptyText: string;
  readonly height?: number;
  /** data-* attributes for tests. */
  readonly data?: Record<string, string | undefined>;
}

/** The x values of all series, sorted, and each series' y per x (null where it has none): uPlot's aligned data. */
export function alignedData(series: readonly Series[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const ys = series.map((s) => {
    const byX = new Map(s.points.map((p) => [p[0], p[1]]));
    return xs.map((x) => byX.get(x) ?? null);
  });
  return [xs, ...ys] as uPlot.AlignedData;
}

/**
 * Line charts through uPlot (axes, integer ticks, a legend with the value under the cursor, and
 * a cursor readout: what a charting library does better than hand-drawn canvas code).
 * Rebuilt when the series' shape, range or theme changes; otherwise only its data are set.
 */
export function LineChart(props: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const empty = props.series.every((s) => s.points.length === 0);
  const shape = JSON.stringify([props.series.map((s) => [s.label, s.color]), props.yRange, props.log, props.xTitle, props.yTitle, empty]);
  useEffect(() => {
    const el = box.current;
    if (!el || empty) return;
    const theme = plotTheme();
    const axis = { stroke: theme.ink, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } };
    const range = props.yRange;
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: props.height ?? 240,
      scales: {
        x: { time: false, range: (_u, lo, hi) => (hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5]) },
        y: props.log ? { distr: 3 } : { range: range ? () => [range[0], range[1]] : undefined },
      },
      axes: [
        { ...axis, label: props.xTitle, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        { ...axis, label: props.yTitle, size: 70 },
      ],
      series: [{ label: props.xTitle }, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true, size: 6, fill: s.color }, spanGaps: false }))],
      legend: { live: true },
    };
    chart.current = new uPlot(options, alignedData(props.series), el);
    const observer = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(200, el.clientWidth), height: props.height ?? 240 }));
    observer.observe(el);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const rebuild = () => chart.current?.destroy();
    scheme.addEventListener('change', rebuild);
    return () => {
      observer.disconnect();
      scheme.removeEventListener('change', rebuild);
      chart.current?.destroy();
      chart.current = null;
    };
  }, [shape]);
  useEffect(() => {
    if (!empty) chart.current?.setData(alignedData(props.series), true);
  }, [props.series]);
  return (
    <div id={props.id} class="line-chart" ref={box} {...Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, v]))}>
      {empty && <p class="empty">{props.emptyText}</p>}
    </div>
  );
}
