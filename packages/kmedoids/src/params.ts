import { FitError } from '@emkit/core';
import type { Dataset } from '@emkit/core';
import { argmin } from '@emkit/linalg';
import type { DistanceFunction, Metric } from './metric.js';
import type { KMedoidsMethod } from './options.js';

/** k-medoids parameters: plain structured-cloneable data. */
export interface KMedoidsParams {
  readonly method: KMedoidsMethod;
  readonly metric: Metric;
  readonly k: number;
  readonly cols: number;
  /** Rows of the training data, which `medoidIndices` and `candidates` index. */
  readonly rows: number;
  /** The medoids as 0-based rows of the training data. */
  readonly medoidIndices: Int32Array;
  /** The medoids' values, K×D row-major (what predict uses on new data). */
  readonly medoids: Float64Array;
  /**
   * Alternate method with `maxCandidates`: the sorted rows evaluated as new medoids in the next
   * E-step (always including the current medoids). null: every row.
   */
  readonly candidates: Int32Array | null;
  /** Seed of the candidate samples, drawn once from the driver's generator in init. */
  readonly seed: number;
  /** M-steps taken so far (it numbers the candidate samples). */
  readonly iteration: number;
}

/**
 * Index of the medoid nearest to the row at X[off..off+D): writes the distances to every medoid
 * into `scratch` (length K) and returns the first smallest (the lower medoid index on ties).
 */
export function nearestMedoid(params: KMedoidsParams, distance: DistanceFunction, X: ArrayLike<number>, off: number, scratch: Float64Array): number {
  const { k, cols, medoids } = params;
  for (let j = 0; j < k; j++) scratch[j] = distance(X, off, medoids, j * cols, cols);
  return argmin(scratch, 0, k);
}

export function checkCols(params: KMedoidsParams, data: Dataset): void {
  if (data.cols !== params.cols) throw new RangeError(`the model has ${params.cols} columns, the data ${data.cols}`);
}

/**
 * The E-steps compare rows of the shard with candidate rows anywhere in the data, so they need
 * the whole training data (the runner's shared memory), not a copy of one shard's rows.
 */
export function checkWholeData(params: KMedoidsParams, data: Dataset): void {
  checkCols(params, data);
  if (data.rows !== params.rows)
    throw new FitError({
      plugin: 'kmedoids',
      detail: `the E-step sees ${data.rows} rows but the medoids index ${params.rows}: k-medoids compares each row with candidate medoids anywhere in the data, so every worker needs the whole data set (shared memory), not a copy of its shard`,
    });
}

/** Medoid j of each row that is a medoid, −1 for the others. */
export function medoidOfRow(params: KMedoidsParams): Int32Array {
  const out = new Int32Array(params.rows).fill(-1);
  params.medoidIndices.forEach((row, j) => (out[row] = j));
  return out;
}

export function sameMedoids(a: KMedoidsParams, b: KMedoidsParams): boolean {
  return a.k === b.k && a.medoidIndices.every((row, j) => row === b.medoidIndices[j]);
}
