export { describeCentresView } from './view.js';
export { kmeansPlugin, type KMeansParams } from './plugin.js';
export { type KMeansOptions, type KMeansInitMethod, INIT_METHODS, parseKMeansOptions } from './options.js';
export { kmeansPlusPlusCenters, randomRowCenters, meanColumnVariance } from './init.js';
export { lloyd, inertia, type LloydOptions, type LloydResult } from './lloyd.js';
export { statsLayout, createKMeansStats, mergeKMeansStats, type StatsLayout } from './stats.js';
