import { isEmkitError, mergeStatsOf, type Dataset, type EStepExecutor, type EStepOutcome, type InitRunContext, type ModelPlugin, type RowRange } from '@emkit/core';
import { WorkerError, abortOr, reviveWorkerError } from './errors.js';
import type { DataHandle, EStepTaskResult, PluginLocation, WorkerPool } from './protocol.js';
import { copyShard } from './share.js';

/** A pooled executor, and how to free what its run left on the workers. */
export interface PooledExecutor extends EStepExecutor {
  /** Drops the per-shard states this executor's run keeps on the pool's workers. */
  release(): Promise<void>;
}

let runs = 0;

/** A name for a run that no other run of this process (or, with its random part, of another) shares. */
function newRunId(): string {
  return `run-${++runs}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Consecutive runs of shard indices for `workers` workers that take the next run when free:
 * each run holds ⌈remaining / (2·workers)⌉ shards, so runs shrink towards the end and the
 * workers finish at about the same time (13 shards on 2 workers: 4, 3, 2, 1, 1, 1, 1 — the
 * split 7 + 6, where equal runs of 4 gave 8 + 5), while a worker slowed by other load takes fewer.
 */
export function shardRuns(shards: number, workers: number): number[][] {
  const runs: number[][] = [];
  for (let first = 0; first < shards; ) {
    const size = Math.max(1, Math.ceil((shards - first) / (2 * workers)));
    runs.push(Array.from({ length: Math.min(size, shards - first) }, (_, q) => first + q));
    first += size;
  }
  return runs;
}

/**
 * An E-step executor that sends the shards to the pool and merges the shard results in shard
 * order — the same arithmetic as core's in-process executor, so results are bit-identical for
 * any number of workers. `handle` is the shared data; null means copy each shard's rows.
 *
 * With shared data and a pool that runs batches (`runEStepBatch`), the parameters go once per
 * batch: for a plugin with per-shard state (`keepsShardState`), one batch per worker pinned to it (shard i on slot
 * i mod the slot count, every iteration), which keeps the states between E-steps; for others,
 * shrinking runs of consecutive shards (shardRuns) that any free worker takes (a worker slowed
 * by other work on the machine then takes fewer). Otherwise each shard is its own task.
 * With shared data, each restart's init runs on a worker too (`initialize`).
 */
export function pooledExecutor(pool: WorkerPool, location: PluginLocation, handle: DataHandle | null): PooledExecutor {
  const runId = newRunId();
  const batched = handle !== null && pool.runEStepBatch !== undefined;
  // Where each batch's worker is (see EStepBatchTask.progress); grown when an E-step has more batches.
  let progress = batched && typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(8 * pool.size)) : null;
  let usedSlots = 0;

  async function collect<P>(
    plugin: ModelPlugin<P, unknown>,
    params: P,
    data: Dataset,
    shards: readonly RowRange[],
    signal: AbortSignal | undefined,
  ): Promise<EStepTaskResult[]> {
    // One failing shard cancels its siblings, so no worker keeps running for a lost iteration.
    const local = new AbortController();
    const onAbort = () => local.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (cloned: unknown, shardIndex: number): never => {
      // An emkit error (bad input found by the E-step) is reported as it is, as in-process.
      const error = reviveWorkerError(cloned);
      const wrapped = signal?.aborted
        ? abortOr(signal, error)
        : local.signal.aborted || isEmkitError(error)
          ? error
          : new WorkerError({ plugin: plugin.name, shard: shardIndex, range: shards[shardIndex], cause: error });
      local.abort(wrapped);
      throw wrapped;
    };
    try {
      if (!batched) {
        return await Promise.all(
          shards.map((shard, shardIndex) =>
            pool.runEStep({ plugin: location, params, data: handle ?? copyShard(data, shard), shard, shardIndex }, local.signal).catch((e: unknown) => fail(e, shardIndex)),
          ),
        );
      }
      // Stateful plugins: shard i on slot i mod slots, every E-step. Others: runs of consecutive
      // shards that any free worker takes, shrinking (shardRuns), so the workers finish together.
      const pinned = plugin.eStepWithState !== undefined && (plugin.keepsShardState?.(params) ?? true);
      const slots = Math.min(pool.size, shards.length);
      const groups: number[][] = pinned
        ? Array.from({ length: slots }, (_, slot) => shards.map((_, i) => i).filter((i) => i % slots === slot))
        : shardRuns(shards.length, pool.size);
      if (pinned) usedSlots = Math.max(usedSlots, slots);
      if (progress !== null && progress.length < groups.length) progress = new Int32Array(new SharedArrayBuffer(4 * groups.length));
      const results: EStepTaskResult[] = new Array(shards.length);
      await Promise.all(
        groups.map(async (indices, group) => {
          if (indices.length === 0) return;
          if (progress !== null) Atomics.store(progress, group, 0);
          try {
            const { results: batch } = await pool.runEStepBatch!(
              { plugin: location, params, data: handle!, shards: indices.map((i) => shards[i]), run: runId, progress, progressAt: group, slot: pinned ? group : null },
              local.signal,
            );
            batch.forEach((r, q) => (results[indices[q]] = r));
          } catch (e) {
            // The shard the worker was on when it threw or died.
            const at = progress === null ? 0 : Atomics.load(progress, group);
            fail(e, indices[Math.min(Math.max(at, 0), indices.length - 1)]);
          }
        }),
      );
      return results;
    } catch (error) {
      throw abortOr(signal, local.signal.reason instanceof Error ? local.signal.reason : error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  // Init on a worker needs the whole data set there (shared memory, not rows on disk) and a pool that runs it.
  const initialize =
    handle !== null && !handle.external && pool.runInit !== undefined
      ? async <P, O>(plugin: ModelPlugin<P, O>, _data: Dataset, options: O, seed: number, { restart, signal, onProgress }: InitRunContext): Promise<P> => {
          try {
            return (await pool.runInit!({ plugin: location, options, data: handle, seed }, { signal, onProgress })) as P;
          } catch (cloned) {
            const error = reviveWorkerError(cloned);
            throw abortOr(signal, isEmkitError(error) ? error : new WorkerError({ plugin: plugin.name, restart, init: true, cause: error }));
          }
        }
      : undefined;

  return {
    ...(initialize ? { initialize } : {}),

    async eStep<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shards: readonly RowRange[], signal?: AbortSignal): Promise<EStepOutcome> {
      const results = await collect(plugin, params, data, shards, signal);
      const stats = plugin.createStats(params, data.cols);
      let logLikelihood = 0;
      for (const r of results) {
        logLikelihood += r.logLikelihood;
        mergeStatsOf(plugin, stats, r.stats, params);
      }
      return { stats, logLikelihood };
    },

    async release(): Promise<void> {
      if (!batched || usedSlots === 0) return;
      const slots = usedSlots;
      usedSlots = 0;
      await Promise.allSettled(
        Array.from({ length: slots }, (_, slot) => pool.runEStepBatch!({ plugin: location, params: null, data: handle!, shards: [], run: runId, progress: null, progressAt: 0, slot })),
      );
    },
  };
}
