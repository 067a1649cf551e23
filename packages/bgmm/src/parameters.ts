import { gaussianMixtureParameters, type GaussianMixtureParameters } from '@emkit/core';
import type { BgmmParams } from './params.js';

/**
 * A variational Bayesian Gaussian mixture's point estimates: the expected weights (unneeded
 * components have weights near 0), the posterior means mₖ, and E[Λₖ]⁻¹ as K full D×D matrices
 * for every covariance type (scikit-learn's covariances_ for full).
 */
export type BgmmParameters = GaussianMixtureParameters;

/** The weights, means and covariances of fitted (or model-file) bgmm parameters. */
export function bgmmParameters(params: BgmmParams): BgmmParameters {
  return gaussianMixtureParameters(params.weights, params.means, params.covariances, params.k, params.d);
}
