import {
  OptionError,
  fit as fitInProcess,
  isEmkitError,
  resolveDriverOptions,
  restartFailure,
  restartsToRun,
  runRestartOrFailure,
  selectBestRestart,
  throwIfAborted,
  type Dataset,
  type DriverOptions,
  type FitResult,
  type ModelPlugin,
  type RestartOutcome,
} from '@emkit/core';
import { deriveSeed } from '@emkit/linalg';
import { WorkerError, abortOr, reviveWorkerError } from './errors.js';
import { pooledExecutor } from './pooled-executor.js';
import type { PluginLocation, WorkerPool } from './protocol.js';
import { externalHandle, shareDataset, sharedMemoryAvailable } from './share.js';

/** Driver options plus pool settings; `executor` is used only when workers = 0 (in-process). */
export interface RunnerOptions extends DriverOptions {
  /** Worker count for a pool the runner creates (default: the machine's cores). 0 fits in this thread. */
  workers?: number;
  /** Use this pool instead of creating one; the runner then leaves it open. */
  pool?: WorkerPool;
  /** Where workers import the plugin from; default `plugin.moduleUrl`. */
  pluginUrl?: string;
  /**
   * How restarts are spread: 'auto' runs whole restarts on workers when there are at least as
   * many restarts as workers, else shards each E-step; both give the same result.
   */
  parallelism?: 'auto' | 'restarts' | 'shards';
}

export type PoolFactory = (workers: number) => WorkerPool;

/**
 * Fits with E-steps sharded over a worker pool, or whole restarts run concurrently on it.
 * Shards have a fixed size and are merged in shard order; restart seeds derive from (seed,
 * restart); so the result is bit-identical for any worker count, and equal to core's `fit`.
 */
export async function fitWithPool<P, O, I>(
  plugin: ModelPlugin<P, O, I>,
  data: Dataset,
  rawOptions: NoInfer<I>,
  options: RunnerOptions,
  createPool: PoolFactory,
  defaultWorkers: number,
): Promise<FitResult<P, O>> {
  const { workers = defaultWorkers, pool: givenPool, pluginUrl, parallelism = 'auto', ...driverOptions } = options;
  if (!Number.isInteger(workers) || workers < 0) throw new OptionError({ field: 'workers', detail: `must be an integer ≥ 0, got ${workers}` });
  const parsed = plugin.parseOptions(rawOptions);
  const resolved = resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, driverOptions);
  if (workers === 0 && !givenPool) return fitInProcess(plugin, data, rawOptions, driverOptions);
  const restarts = restartsToRun(plugin, parsed, resolved.restarts, data.rows);
  const url = pluginUrl ?? plugin.moduleUrl;
  if (!url) throw new OptionError({ field: 'pluginUrl', detail: `plugin "${plugin.name}" has no moduleUrl; set moduleUrl: import.meta.url in the module that exports it, or pass pluginUrl` });
  const location: PluginLocation = { url, name: plugin.name };
  throwIfAborted(driverOptions.signal);

  // Out-of-core data stays on disk: tasks carry its reference and workers read their own shards.
  const shared = data.external ? { data, handle: externalHandle(data) } : sharedMemoryAvailable() ? shareDataset(data) : null;
  const pool = givenPool ?? createPool(workers);
  try {
    // A whole restart on a worker draws its start from the data itself: not with a separate initialisation sample.
    const byRestart = shared !== null && !data.external && driverOptions.initData === undefined && restarts > 1 && (parallelism === 'restarts' || (parallelism === 'auto' && restarts >= pool.size));
    let results: RestartOutcome<P>[];
    if (byRestart) {
      const local = new AbortController();
      const signal = driverOptions.signal;
      const onAbort = () => local.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        // Every resolved driver option but the restart count: each task is one restart.
        const { restarts: _restarts, ...driver } = resolved;
        results = (await Promise.all(
          Array.from({ length: restarts }, (_, restart) =>
            pool.runRestart({ plugin: location, options: parsed, data: shared.handle, restart, driver }, { signal: local.signal, onProgress: driverOptions.onProgress, onInitProgress: driverOptions.onInitProgress }).catch((cloned: unknown) => {
              // A restart's own failure (FitError) is recorded and the others go on, as in-process;
              // any other error (OptionError, a crash) is reported as it is and stops them.
              const error = reviveWorkerError(cloned);
              const failure = signal?.aborted || local.signal.aborted ? null : restartFailure(error, restart, deriveSeed(resolved.seed, restart));
              if (failure !== null) return failure;
              const wrapped = signal?.aborted || local.signal.aborted || isEmkitError(error) ? error : new WorkerError({ plugin: plugin.name, restart, cause: error });
              local.abort(wrapped);
              throw wrapped;
            }),
          ),
        )) as RestartOutcome<P>[];
      } catch (error) {
        throw abortOr(signal, local.signal.reason instanceof Error ? local.signal.reason : error);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    } else {
      const executor = pooledExecutor(pool, location, shared?.handle ?? null);
      const fitData = shared?.data ?? data;
      results = [];
      try {
        for (let restart = 0; restart < restarts; restart++) results.push(await runRestartOrFailure(plugin, fitData, parsed, restart, { ...driverOptions, executor }));
      } finally {
        // A pool the caller keeps must not hold this fit's per-shard states (ours is closed below).
        if (givenPool) await executor.release();
      }
    }
    return selectBestRestart(plugin, data, parsed, results);
  } finally {
    if (!givenPool) await pool.close();
  }
}
