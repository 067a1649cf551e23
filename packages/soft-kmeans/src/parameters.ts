import { toNested } from '@emkit/core';
import type { GmmParams } from '@emkit/gmm';

/** Soft k-means' parameters: the means (the only fitted ones) and the fixed variance. */
export interface SoftKMeansParameters {
  /** μ_j: K rows of D numbers. */
  readonly means: number[][];
  /** c, the variance of every component (Σ_j = c·I). */
  readonly c: number;
}

/** The means and the variance c of fitted (or model-file) soft k-means parameters. */
export function softKMeansParameters(params: GmmParams): SoftKMeansParameters {
  return { means: toNested(params.means, params.k, params.d), c: params.covariances[0] };
}
