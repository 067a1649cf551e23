export { bernoulliPlugin } from './plugin.js';
export type { BernoulliParams } from './params.js';
export { bernoulliOptions, parseBernoulliOptions, INIT_METHODS, DEFAULT_CLAMP, type BernoulliOptions, type BernoulliOptionsInput, type BernoulliInit, type BernoulliInitMethod } from './options.js';
export { logPriorKernel } from './estimate.js';
export { bernoulliParameters, type BernoulliParameters } from './parameters.js';
