export { bayesLinregPlugin } from './plugin.js';
export type { BayesLinregParams, UpdateRule } from './params.js';
export type { BayesLinregOptions } from './options.js';
export { bayesLinregOptions, parseBayesLinregOptions, UPDATE_RULES, type BayesLinregOptionsInput } from './options.js';
export { predictive, type Predictive } from './predictive.js';
export { posteriorFor, effectiveParameters, logEvidence, type Posterior } from './posterior.js';
export { bayesLinregParameters, type BayesLinregParameters } from './parameters.js';
