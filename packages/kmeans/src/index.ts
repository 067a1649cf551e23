export { describeCentresView } from './view.js';
export { kmeansPlugin, MINUS_INERTIA, resolveAlgorithm, type KMeansParams } from './plugin.js';
export { assignRowsBounded, type BoundsState, type BoundedAlgorithm } from './bounds.js';
export { type KMeansOptions, type KMeansOptionsInput, type KMeansInitMethod, type KMeansAlgorithm, INIT_METHODS, KMEANS_ALGORITHMS, kmeansOptions, kmeansStartOptions, kmeansStart, parseKMeansOptions } from './options.js';
export { kmeansPlusPlusCenters, randomRowCenters, meanColumnVariance } from './init.js';
export { lloyd, inertia, type LloydOptions, type LloydResult } from './lloyd.js';
export { statsLayout, createKMeansStats, mergeKMeansStats, type StatsLayout } from './stats.js';
export { kmeansParameters, type KMeansParameters } from './parameters.js';
