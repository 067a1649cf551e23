import { toNested, toNestedStack } from '@emkit/core';
import type { GmmParams } from './params.js';
import { describeGmmView } from './view.js';

/** A Gaussian mixture's parameters as plain nested arrays, component by component. */
export interface GmmParameters {
  /** π_j (K), summing to 1. */
  readonly weights: number[];
  /** μ_j: K rows of D numbers. */
  readonly means: number[][];
  /**
   * Σ_j: K full D×D matrices whatever the covariance structure (diag: diagonal matrices,
   * spherical: σ²_j·I, tied: the shared matrix for every component), recovered from the
   * precision factors as the view does, so every structure is read the same way (equal to the
   * stored covariances to round-off).
   */
  readonly covariances: number[][][];
}

/** The weights, means and full covariances of fitted (or model-file) gmm parameters. */
export function gmmParameters(params: GmmParams): GmmParameters {
  const { k, d } = params;
  const covariances = describeGmmView(params).components?.covariances;
  if (!covariances) throw new RangeError('these gmm parameters have no precision factors yet (provisional parameters of a running fit)');
  return { weights: Array.from(params.weights), means: toNested(params.means, k, d), covariances: toNestedStack(covariances, k, d, d) };
}
