// k-means' parameters, statistics, merge and messages with an E-step that reads no row and an
// M-step that keeps the centres: what bench/runner-overhead.mjs times is the runner alone.
import { kmeansPlugin } from '@emkit/kmeans';

export const nullKmeans = {
  ...kmeansPlugin,
  name: 'null-kmeans',
  moduleUrl: import.meta.url,
  eStep: () => 0,
  eStepWithState: (_params, _data, _range, _stats, state) => ({ logLikelihood: 0, state }),
  mStep: (params) => params,
  hasConverged: () => false,
};

/** The same with its shards pinned to workers (one batch per worker, as for a plugin that keeps shard state). */
export const nullKmeansPinned = { ...nullKmeans, name: 'null-kmeans-pinned', keepsShardState: () => true };
/** The same with its shards in runs any free worker takes (twice as many as workers, as for Lloyd's k-means and the mixtures). */
export const nullKmeansRuns = { ...nullKmeans, name: 'null-kmeans-runs', keepsShardState: () => false };
