// A k-means plugin that counts, in its parameters, how often its E-step found the shard's state
// (hits) and how often it had to start without it (misses): the runner's shard-state tests read
// whether states stay on the worker a shard is pinned to. Its numbers are k-means' own.
import { kmeansPlugin } from '@emkit/kmeans';

const inner = (stats) => stats.subarray(0, stats.length - 2);

export const stateProbe = {
  ...kmeansPlugin,
  name: 'state-probe',
  moduleUrl: import.meta.url,
  createStats(params, cols) {
    const stats = kmeansPlugin.createStats(params, cols);
    const out = new Float64Array(stats.length + 2);
    out.set(stats);
    return out;
  },
  eStep(params, data, range, stats) {
    return kmeansPlugin.eStep(params, data, range, inner(stats));
  },
  eStepWithState(params, data, range, stats, state) {
    const result = kmeansPlugin.eStepWithState(params, data, range, inner(stats), state);
    stats[stats.length - (state === undefined ? 1 : 2)] += 1;
    return result;
  },
  mergeStats(target, source, params) {
    kmeansPlugin.mergeStats(inner(target), inner(source), params);
    target[target.length - 2] += source[source.length - 2];
    target[target.length - 1] += source[source.length - 1];
  },
  mStep(params, stats, summary, options) {
    const next = kmeansPlugin.mStep(params, inner(stats), summary, options);
    return { ...next, hits: (params.hits ?? 0) + stats[stats.length - 2], misses: (params.misses ?? 0) + stats[stats.length - 1] };
  },
};
