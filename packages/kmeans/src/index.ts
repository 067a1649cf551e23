export { describeCentresView } from './view.js';
export { kmeansPlugin, resolveAlgorithm, type KMeansParams } from './plugin.js';
export { assignRowsBounded, type BoundsState, type BoundedAlgorithm } from './bounds.js';
export { type KMeansOptions, type KMeansInitMethod, type KMeansAlgorithm, INIT_METHODS, KMEANS_ALGORITHMS, parseKMeansOptions } from './options.js';
export { kmeansPlusPlusCenters, randomRowCenters, meanColumnVariance } from './init.js';
export { lloyd, inertia, type LloydOptions, type LloydResult } from './lloyd.js';
export { statsLayout, createKMeansStats, mergeKMeansStats, type StatsLayout } from './stats.js';
