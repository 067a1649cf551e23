export { factorAnalysisPlugin, latentMeans, logDensities, posteriorCovariance } from './plugin.js';
export type { FactorParams, NoiseModel } from './params.js';
export type { FactorOptions, FactorOptionsInput, FactorInit, InitMethod } from './options.js';
export { factorOptions, parseFactorOptions, NOISE_MODELS, INIT_METHODS } from './options.js';
export { modelCovariance, likelihoodMethod, type LikelihoodMethod } from './model.js';
export { factorParameters, type FactorParameters } from './parameters.js';
