export { bgmmPlugin, bgmmFitFields, effectiveComponents, EFFECTIVE_WEIGHT_THRESHOLD } from './plugin.js';
export { bgmmOptions, parseBgmmOptions, type BgmmOptionsInput, WEIGHT_PRIORS, BGMM_INIT_METHODS, BGMM_COVARIANCES, type BgmmOptions, type WeightPrior, type BgmmInitMethod, type BgmmCovariance } from './options.js';
export type { BgmmParams, BgmmPrior } from './params.js';
export { resolvePrior } from './init.js';
export { weightExpectations, weightKl, statsLength } from './variational.js';
export { digamma, lnGamma, lnBeta, lnMultivariateGamma } from './special.js';
export { bgmmParameters, type BgmmParameters } from './parameters.js';
