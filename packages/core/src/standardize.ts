import { portableLog } from '@emkit/linalg';
import { type Dataset, createDataset } from './dataset.js';
import type { FitResult } from './driver.js';
import type { Objective } from './plugin.js';
import { InputError, ModelFileError } from './errors.js';

/** z-scores (mean, standard deviation) or robust (median, interquartile range). */
export type StandardizeMethod = 'zscore' | 'robust';
export const STANDARDIZE_METHODS: readonly StandardizeMethod[] = ['zscore', 'robust'];

/**
 * A per-column affine map z = (x − center) / scale, fitted on the training data and stored in
 * the model file so that predict, score and sample apply the same one.
 */
export interface Standardization {
  readonly method: StandardizeMethod;
  readonly center: readonly number[];
  readonly scale: readonly number[];
}

/** The q-quantile of sorted values, interpolated linearly (NumPy's default). */
function quantile(sorted: Float64Array, q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Each column's weighted mean and population standard deviation, in two passes, with missing
 * cells (a mask under --missing marginalize) left out; NaN for a column with no observed cell.
 */
export function columnMoments(data: Dataset): { mean: Float64Array; deviation: Float64Array } {
  const { rows, cols, values, weights } = data;
  const observed = (i: number, j: number): boolean => data.missing == null || data.missing[i * cols + j] !== 1;
  const mean = new Float64Array(cols);
  const deviation = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    let w = 0;
    for (let i = 0; i < rows; i++) {
      if (!observed(i, j)) continue;
      const wi = weights === null ? 1 : weights[i];
      sum += wi * values[i * cols + j];
      w += wi;
    }
    mean[j] = sum / w;
    let ss = 0;
    for (let i = 0; i < rows; i++) {
      if (!observed(i, j)) continue;
      const d = values[i * cols + j] - mean[j];
      ss += (weights === null ? 1 : weights[i]) * d * d;
    }
    deviation[j] = Math.sqrt(ss / w);
  }
  return { mean, deviation };
}

/**
 * The standardisation of `data`'s columns. z-scores use the (weighted) mean and the population
 * standard deviation; robust uses the median and the interquartile range (unweighted). A
 * column with no spread is refused: it carries no information and would divide by zero.
 */
export function fitStandardization(data: Dataset, method: StandardizeMethod, source = 'data'): Standardization {
  const { rows, cols, values } = data;
  // Missing cells (a mask under --missing marginalize) are left out of every column's statistics.
  const observed = (i: number, j: number): boolean => data.missing == null || data.missing[i * cols + j] !== 1;
  const center = new Array<number>(cols).fill(0);
  const scale = new Array<number>(cols).fill(0);
  if (method === 'zscore') {
    const moments = columnMoments(data);
    for (let j = 0; j < cols; j++) {
      center[j] = moments.mean[j];
      scale[j] = moments.deviation[j];
    }
  } else if (method === 'robust') {
    for (let j = 0; j < cols; j++) {
      const cells: number[] = [];
      for (let i = 0; i < rows; i++) if (observed(i, j)) cells.push(values[i * cols + j]);
      const column = Float64Array.from(cells).sort();
      center[j] = quantile(column, 0.5);
      scale[j] = quantile(column, 0.75) - quantile(column, 0.25);
    }
  } else throw new InputError({ file: source, detail: `unknown standardisation ${JSON.stringify(method)}`, remedy: `use zscore or robust` });
  for (let j = 0; j < cols; j++)
    if (!(scale[j] > 0) || !Number.isFinite(scale[j])) {
      const name = data.columns?.[j] !== undefined ? `"${data.columns[j]}" (column ${j + 1})` : `column ${j + 1}`;
      throw new InputError({ file: source, detail: `${name} has no spread (its ${method === 'zscore' ? 'standard deviation' : 'interquartile range'} is ${scale[j]}), so it cannot be standardised`, remedy: `drop it${method === 'robust' ? ' or use --standardize zscore' : ''}` });
    }
  return { method, center, scale };
}

/** `data` with each column mapped to (x − center) / scale: a new Dataset, the input untouched. */
export function applyStandardization(data: Dataset, t: Standardization, source = 'data'): Dataset {
  const { rows, cols } = data;
  if (t.center.length !== cols) throw new InputError({ file: source, detail: `has ${cols} columns but the standardisation has ${t.center.length}` });
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) values[i * cols + j] = (data.values[i * cols + j] - t.center[j]) / t.scale[j];
  return createDataset(values, rows, cols, { weights: data.weights, columns: data.columns, target: data.target ?? null, missing: data.missing ?? null, groups: data.groups ?? null, source });
}

/** Rows in standardised units back in the original units (for sample): x = center + scale · z. */
export function invertStandardization(values: Float64Array, t: Standardization): Float64Array {
  const cols = t.center.length;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = t.center[i % cols] + t.scale[i % cols] * values[i];
  return out;
}

/**
 * log |det ∂z/∂x| = −Σ log scale: added to a row's log-density in standardised units it gives
 * the log-density in the original units, so likelihoods, BIC and AIC of fits with and without
 * standardisation compare.
 */
export function logJacobian(t: Standardization): number {
  let s = 0;
  for (const x of t.scale) s -= portableLog(x);
  return s;
}

/**
 * What to add to a mean objective per row (a progress line's, a run's history) fitted on columns
 * standardised by `t` to have it in the original units: the log-Jacobian for a density (or a
 * bound on one), 0 for a cost or without a transform.
 */
export function perRowShift(objective: Objective, t: Standardization | null): number {
  return t !== null && objective.density ? logJacobian(t) : 0;
}

/** A fit on standardised data, reported in the original units, with its transform. */
export type StandardizedFitResult<P, O> = FitResult<P, O> & { readonly standardization: Standardization };

/**
 * The likelihood summary of a fit made on standardised data, in the original units: every
 * (mean) log-likelihood gains the log-Jacobian per unit of weight, BIC loses 2·W·logJ and AIC
 * the same. An objective that is not a density of the columns (result.objective.density false:
 * k-means' −inertia, a regression's evidence of the target) is left as fitted: it has no Jacobian.
 */
export function inOriginalUnits<P, O>(result: FitResult<P, O>, t: Standardization, data: Dataset): StandardizedFitResult<P, O> {
  if (!result.objective.density) return { ...result, standardization: t };
  const perRow = perRowShift(result.objective, t);
  const weight = data.weights === null ? data.rows : data.weights.reduce((a, b) => a + b, 0);
  const shift = perRow * weight;
  return {
    ...result,
    meanLogLikelihood: result.meanLogLikelihood + perRow,
    logLikelihood: result.logLikelihood + shift,
    history: result.history.map((x) => x + perRow),
    monotonicityViolations: result.monotonicityViolations.map((v) => ({ ...v, previous: v.previous + perRow, current: v.current + perRow })),
    bic: result.bic === null ? null : result.bic - 2 * shift,
    aic: result.aic === null ? null : result.aic - 2 * shift,
    restarts: result.restarts.map((r) => ({ ...r, meanLogLikelihood: r.meanLogLikelihood + perRow, logLikelihood: r.logLikelihood + shift, history: r.history.map((x) => x + perRow) })),
    standardization: t,
  };
}

/**
 * Fits on standardised data and reports in the original units: `run` is any fit (core's `fit`,
 * the runner's) applied to the standardised dataset.
 *
 *     const result = await fitStandardized(data, 'zscore', (z) => fit(gmmPlugin, z, { k: 3 }));
 */
export async function fitStandardized<P, O>(data: Dataset, method: StandardizeMethod, run: (standardized: Dataset) => Promise<FitResult<P, O>>): Promise<StandardizedFitResult<P, O>> {
  const t = fitStandardization(data, method);
  return inOriginalUnits(await run(applyStandardization(data, t)), t, data);
}

/** Reads a model file's `standardize` field (absent: null). */
export function readStandardization(value: unknown, cols?: number): Standardization | null {
  if (value === undefined) return null;
  const o = value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFileError({ field: 'standardize', detail: 'expected an object { method, center, scale }' });
  if (!STANDARDIZE_METHODS.includes(o.method as StandardizeMethod)) throw new ModelFileError({ field: 'standardize.method', detail: `expected "zscore" or "robust", got ${JSON.stringify(o.method)}` });
  const vector = (field: 'center' | 'scale'): number[] => {
    const v = o[field];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (field === 'center' || x > 0)))
      throw new ModelFileError({ field: `standardize.${field}`, detail: `expected an array of finite numbers${field === 'scale' ? ' > 0' : ''}` });
    return v as number[];
  };
  const center = vector('center');
  const scale = vector('scale');
  if (center.length !== scale.length || (cols !== undefined && center.length !== cols))
    throw new ModelFileError({ field: 'standardize', detail: `center has ${center.length} values and scale ${scale.length}${cols !== undefined ? `; the model has ${cols} columns` : ''}` });
  return { method: o.method as StandardizeMethod, center, scale };
}
