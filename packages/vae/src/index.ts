export { vaePlugin } from './plugin.js';
export type { VaeParams, TrainingPlan } from './params.js';
export { ADAM } from './params.js';
export { vaeOptions, parseVaeOptions, type VaeOptionsInput, DECODERS, ACTIVATIONS, DEFAULTS, type VaeOptions, type DecoderKind, type Activation } from './options.js';
export { layoutOf, MIN_LOG_VARIANCE, type VaeArchitecture, type Layout, type DenseLayer } from './network.js';
export { importanceWeightedLogLikelihood, sampledElbo, latentMeans, sampleRows, type EstimateOptions } from './evaluate.js';
export { batchesPerEpoch } from './batches.js';
export { vaeParameters, type VaeParameters, type LayerJSON } from './parameters.js';
