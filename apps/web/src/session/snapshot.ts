import { EMPTY_VIEW, createDataset, objectiveOf, perRowShift, type AnyModelPlugin, type Dataset, type EmRun, type Standardization } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { MAX_DRAWN_ROWS, type Capabilities, type Snapshot } from './types.js';

/** What the plugin offers the page, from its option specs and its parameter count. */
export function capabilitiesOf(plugin: AnyModelPlugin, params: unknown, options: unknown): Capabilities {
  return { hasK: plugin.optionSpecs.some((s) => s.name === 'k'), likelihood: plugin.parameterCount(params, options) !== null, objective: objectiveOf(plugin, options) };
}

/**
 * The run as the page shows it: state, the plugin's view description and, when asked, the drawn
 * rows' responsibilities and latent coordinates (the view's latent columns of predictTable).
 * On standardised columns (`transform`) the history is in the original units, as a fit's
 * summary is (the log-Jacobian added to a density's values).
 */
export function snapshotOf(run: EmRun<unknown, unknown>, drawn: Dataset, responsibilities: boolean, transform: Standardization | null = null): Snapshot {
  const { plugin, options } = run;
  const { params, ...rest } = run.state;
  const view = plugin.describeView?.(params) ?? EMPTY_VIEW;
  const capabilities = capabilitiesOf(plugin, params, options);
  const shift = perRowShift(capabilities.objective, transform);
  const state = {
    ...rest,
    history: rest.history.map((x) => x + shift),
    monotonicityViolations: rest.monotonicityViolations.map((v) => ({ ...v, previous: v.previous + shift, current: v.current + shift })),
    plugin: plugin.name,
  };
  const snapshot: Snapshot = { state, view, capabilities };
  if (!responsibilities) return snapshot;
  const latent = view.latent === null ? null : latentCoordinates(plugin, params, drawn, view.latent.columns);
  const rows = view.components === null ? null : plugin.responsibilities(params, drawn);
  return { ...snapshot, responsibilities: rows, latent };
}

function latentCoordinates(plugin: AnyModelPlugin, params: unknown, drawn: Dataset, columns: readonly string[]): Float64Array | null {
  const table = plugin.predictTable?.(params, drawn);
  if (!table) return null;
  const width = table.columns.length;
  const picks = columns.map((c) => table.columns.indexOf(c));
  const out = new Float64Array(drawn.rows * picks.length);
  for (let i = 0; i < drawn.rows; i++) for (const [q, c] of picks.entries()) out[i * picks.length + q] = table.values[i * width + c];
  return out;
}

export function isBinary(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 1) return false;
  return true;
}

/** The rows the page draws: all of them, or MAX_DRAWN_ROWS of them in data order, the same every time. */
export function drawnRows(data: Dataset): Dataset {
  if (data.rows <= MAX_DRAWN_ROWS) return data;
  const indices = new Random(0x5eed).sampleWithoutReplacement(data.rows, MAX_DRAWN_ROWS).sort();
  const d = data.cols;
  const values = new Float64Array(indices.length * d);
  indices.forEach((row, i) => values.set(data.values.subarray(row * d, (row + 1) * d), i * d));
  return createDataset(values, indices.length, d, { columns: data.columns });
}
