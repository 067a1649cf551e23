import { toNested } from '@emkit/core';
import type { KMedoidsParams } from './params.js';

/** k-medoids' parameters as plain arrays. */
export interface KMedoidsParameters {
  /** The medoids' values: K rows of D numbers. */
  readonly medoids: number[][];
  /** The medoids as 0-based rows of the training data. */
  readonly medoidIndices: number[];
}

/** The medoids (values and training-row indices) of fitted (or model-file) k-medoids parameters. */
export function kmedoidsParameters(params: KMedoidsParams): KMedoidsParameters {
  return { medoids: toNested(params.medoids, params.k, params.cols), medoidIndices: Array.from(params.medoidIndices) };
}
