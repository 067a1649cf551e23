import { isEmkitError, mergeStatsOf, type Dataset, type EStepExecutor, type EStepOutcome, type ModelPlugin, type RowRange } from '@emkit/core';
import { WorkerError, abortOr, reviveWorkerError } from './errors.js';
import type { DataHandle, PluginLocation, WorkerPool } from './protocol.js';
import { copyShard } from './share.js';

/**
 * An E-step executor that sends each shard to the pool and merges the shard results in shard
 * order — the same arithmetic as core's in-process executor, so results are bit-identical for
 * any number of workers. `handle` is the shared data; null means copy each shard's rows.
 */
export function pooledExecutor(pool: WorkerPool, location: PluginLocation, handle: DataHandle | null): EStepExecutor {
  return {
    async eStep<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shards: readonly RowRange[], signal?: AbortSignal): Promise<EStepOutcome> {
      // One failing shard cancels its siblings, so no worker keeps running for a lost iteration.
      const local = new AbortController();
      const onAbort = () => local.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const results = await Promise.all(
          shards.map((shard, shardIndex) =>
            pool
              .runEStep({ plugin: location, params, data: handle ?? copyShard(data, shard), shard, shardIndex }, local.signal)
              .catch((cloned: unknown) => {
                // An emkit error (bad input found by the E-step) is reported as it is, as in-process.
                const error = reviveWorkerError(cloned);
                const wrapped = signal?.aborted
                  ? abortOr(signal, error)
                  : local.signal.aborted || isEmkitError(error)
                    ? error
                    : new WorkerError({ plugin: plugin.name, shard: shardIndex, range: shard, cause: error });
                local.abort(wrapped);
                throw wrapped;
              }),
          ),
        );
        const stats = plugin.createStats(params, data.cols);
        let logLikelihood = 0;
        for (const r of results) {
          logLikelihood += r.logLikelihood;
          mergeStatsOf(plugin, stats, r.stats, params);
        }
        return { stats, logLikelihood };
      } catch (error) {
        throw abortOr(signal, local.signal.reason instanceof Error ? local.signal.reason : error);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
