export { hmmPlugin } from './plugin.js';
export type { HmmParams, HmmPrior, Emission, EmissionKind, GaussianEmission, CategoricalEmission, HmmCovarianceType, HmmFrozenParameter } from './params.js';
export { hmmOptions, parseHmmOptions, type HmmOptionsInput, EMISSIONS, TOPOLOGIES, HMM_COVARIANCE_TYPES, FROZEN_PARAMETERS, type HmmOptions, type HmmInit, type Topology } from './options.js';
export { sampleSequence, sampleSequences } from './sample.js';
export { ForwardBackward, viterbiPath } from './inference.js';
export { hmmParameters, type HmmParameters, type HmmEmissionParameters } from './parameters.js';
