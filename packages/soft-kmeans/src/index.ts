export { softKmeansPlugin } from './plugin.js';
export { softKMeansOptions, parseSoftKMeansOptions, gmmOptionsFor, INIT_METHODS, type SoftKMeansOptions, type SoftKMeansOptionsInput, type SoftKMeansInit } from './options.js';
export { anneal, annealSchedule, type AnnealOptions, type AnnealResult, type AnnealStage, type StageFit } from './anneal.js';
export { softKMeansParameters, type SoftKMeansParameters } from './parameters.js';
