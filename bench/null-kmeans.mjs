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
