import { PLUGIN_API_VERSION, toNested, type ModelPlugin } from '@emkit/core';
import { describeGmmView, gmmPlugin, type GmmParams } from '@emkit/gmm';
import { gmmOptionsFor, softKMeansOptions, type SoftKMeansOptions, type SoftKMeansOptionsInput } from './options.js';

/**
 * Soft k-means: a Gaussian mixture with Σ_j = c·I for a fixed c and fixed equal weights 1/K, so
 * only the means are fitted. It is @emkit/gmm's plugin with spherical covariance and frozen
 * weights and covariances — the same E-step, M-step and statistics, so it shards and runs on
 * workers as gmm does. Each iteration moves every mean to the responsibility-weighted mean of
 * the rows, r_j(x) ∝ exp(−‖x − μ_j‖² / 2c).
 *
 * What the driver reports is the mixture's log-likelihood Σ log((1/K) Σ_j N(x | μ_j, c·I)),
 * which this EM increases; the convergence test is on its mean per row (default tol 1e-6: the
 * log-likelihood scales as 1/c, so at small c this is a tight test on the means).
 * parameterCount is K·D (the means), so BIC/AIC compare K or c choices at fixed c.
 */
export const softKmeansPlugin: ModelPlugin<GmmParams, SoftKMeansOptions, SoftKMeansOptionsInput> = {
  name: 'soft-kmeans',
  apiVersion: PLUGIN_API_VERSION,
  description: 'soft k-means: Gaussian mixture with fixed isotropic variance c and equal weights (k-means as c → 0)',
  moduleUrl: import.meta.url,
  optionSpecs: softKMeansOptions.specs,
  defaults: { tol: 1e-6, maxIter: 300 },

  parseOptions: softKMeansOptions.parse,
  init: (data, options, random, context) => gmmPlugin.init(data, gmmOptionsFor(options), random, context),
  createStats: (params, cols) => gmmPlugin.createStats(params, cols),
  eStep: (params, data, range, stats) => gmmPlugin.eStep(params, data, range, stats),
  mStep: (params, stats, summary, options) => gmmPlugin.mStep(params, stats, summary, gmmOptionsFor(options)),
  scoreSamples: (params, data) => gmmPlugin.scoreSamples(params, data),
  components: (params) => params.k,
  responsibilities: (params, data) => gmmPlugin.responsibilities(params, data),
  predict: (params, data) => gmmPlugin.predict(params, data),
  parameterCount: (params) => params.k * params.d,
  describeView: (params) => describeGmmView(params),
  sample: (params, n, random) => gmmPlugin.sample!(params, n, random),

  toJSON(params, options) {
    return { ...softKMeansOptions.toModelFile({ ...options, k: params.k, c: params.covariances[0] }), means: toNested(params.means, params.k, params.d) };
  },

  fromJSON(json) {
    const options = softKMeansOptions.fromModelFile(json);
    const { k } = options;
    const gmm = gmmOptionsFor(options);
    const { params } = gmmPlugin.fromJSON({ k, covariance: 'spherical', weights: gmm.init!.weights, means: json.means, covariances: gmm.init!.covariances, regCovar: 0, freeze: gmm.freeze });
    return { params, options };
  },
};
