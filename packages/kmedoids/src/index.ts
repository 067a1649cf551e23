export { kmedoidsPlugin } from './plugin.js';
export type { KMedoidsParams } from './params.js';
export {
  type KMedoidsOptions,
  type KMedoidsMethod,
  type KMedoidsInitMethod,
  METHODS,
  INIT_METHODS,
  type KMedoidsOptionsInput,
  parseKMedoidsOptions,
  kmedoidsOptions,
} from './options.js';
export { METRICS, type Metric, type DistanceFunction, distanceFunction } from './metric.js';
export { buildMedoids, kmedoidsPlusPlus, randomMedoids } from './init.js';
export { kmedoids, pam, totalCost, type KMedoidsFitOptions, type KMedoidsResult } from './fit.js';
export { alternateLayout, type AlternateLayout } from './alternate.js';
export { swapLayout, type SwapLayout } from './swap.js';
export { kmedoidsParameters, type KMedoidsParameters } from './parameters.js';
