import { PLUGIN_API_VERSION, singleComponentMethods, type ModelPlugin } from '@emkit/core';
import { importanceWeightedLogLikelihood, latentMeans, sampleRows } from './evaluate.js';
import { vaeFromJSON, vaeToJSON } from './model-file.js';
import { layoutOf } from './network.js';
import { vaeOptions, type VaeOptions, type VaeOptionsInput } from './options.js';
import type { VaeParams } from './params.js';
import { adamStep, checkData, eStepRows, initialParams, statsLength, trainingConverged } from './train.js';
import { describeVaeView } from './view.js';

const NAME = 'vae';

/**
 * A variational autoencoder trained by the EM driver. The gradient of the ELBO over a shard is a
 * sum over its rows, so it is the "sufficient statistics" of this model:
 *
 * - E-step (per shard): Σ w·∇ELBO over the shard's rows of the current mini-batch (reparameterised
 *   noise ε a pure function of (seed, step, row)); returns the batch ELBO scaled up to N rows.
 * - M-step: one Adam step on the summed gradient.
 * - Convergence: after `epochs` × ⌈N / batchSize⌉ steps (driver `tol` > 0: early stop on the
 *   per-epoch mean ELBO); the driver's `maxIter` only caps the steps.
 *
 * The driver's `history` is therefore one noisy batch estimate of the mean ELBO per step (its
 * "monotonicity violations" are that noise, not an error); `params.epochElbo` holds the mean
 * per epoch; and the final `meanLogLikelihood` is the sampled ELBO of every row at the returned
 * weights. `scoreSamples` is the IWAE estimate of log p(x) with `iwaeSamples` samples.
 */
export const vaePlugin: ModelPlugin<VaeParams, VaeOptions, VaeOptionsInput> = {
  name: NAME,
  apiVersion: PLUGIN_API_VERSION,
  description: 'variational autoencoder (MLP encoder/decoder, Bernoulli or Gaussian decoder) trained by Adam on the ELBO; scores are IWAE estimates of log p(x)',
  moduleUrl: import.meta.url,
  stochastic: { epochs: (params) => params.epochElbo.length },
  objective: () => ({ name: 'ELBO', density: true }),
  optionSpecs: vaeOptions.specs,
  // tol 0: run all epochs. maxIter only caps the steps, which `epochs` plans.
  defaults: { tol: 0, maxIter: 1_000_000_000 },

  parseOptions: vaeOptions.parse,

  init: initialParams,

  createStats: (params) => new Float64Array(statsLength(params)),

  eStep: (params, data, range, stats) => eStepRows(params, data, range, stats, NAME),

  mStep: (params, stats) => adamStep(params, stats),

  hasConverged: trainingConverged,

  scoreSamples: (params, data) => importanceWeightedLogLikelihood(params, data),

  describeView: describeVaeView,
  ...singleComponentMethods(checkData),

  // Every weight is free; but a neural network's likelihood is not regular in its weights
  // (symmetries, flat directions), so BIC/AIC built on this count mean little.
  parameterCount: (params) => layoutOf(params.arch).size,

  predictTable(params, data) {
    return { columns: Array.from({ length: params.arch.latent }, (_, j) => `z${j}`), values: latentMeans(params, data) };
  },

  sample: sampleRows,

  toJSON: vaeToJSON,

  fromJSON: vaeFromJSON,
};
