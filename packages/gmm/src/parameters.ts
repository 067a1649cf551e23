import { gaussianMixtureParameters, type GaussianMixtureParameters } from '@emkit/core';
import type { GmmParams } from './params.js';
import { describeGmmView } from './view.js';

/**
 * A Gaussian mixture's parameters: π_j, μ_j and Σ_j as K full D×D matrices whatever the
 * covariance structure (diag: diagonal matrices, spherical: σ²_j·I, tied: the shared matrix for
 * every component), recovered from the precision factors as the view does, so every structure is
 * read the same way (equal to the stored covariances to round-off).
 */
export type GmmParameters = GaussianMixtureParameters;

/** The weights, means and full covariances of fitted (or model-file) gmm parameters. */
export function gmmParameters(params: GmmParams): GmmParameters {
  const { k, d } = params;
  const covariances = describeGmmView(params).components?.covariances;
  if (!covariances) throw new RangeError('these gmm parameters have no precision factors yet (provisional parameters of a running fit)');
  return gaussianMixtureParameters(params.weights, params.means, covariances, k, d);
}
