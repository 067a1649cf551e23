import { toNested, toNestedStack } from '@emkit/core';
import type { BgmmParams } from './params.js';

/** A variational Bayesian Gaussian mixture's point estimates as plain nested arrays. */
export interface BgmmParameters {
  /** The expected weights (K), summing to 1; unneeded components have weights near 0. */
  readonly weights: number[];
  /** The posterior means mₖ: K rows of D numbers. */
  readonly means: number[][];
  /** E[Λₖ]⁻¹: K full D×D matrices for every covariance type (scikit-learn's covariances_ for full). */
  readonly covariances: number[][][];
}

/** The weights, means and covariances of fitted (or model-file) bgmm parameters. */
export function bgmmParameters(params: BgmmParams): BgmmParameters {
  const { k, d } = params;
  return { weights: Array.from(params.weights), means: toNested(params.means, k, d), covariances: toNestedStack(params.covariances, k, d, d) };
}
