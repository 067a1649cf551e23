import { FitError, ShardStates, drawInitialParams, eStepExternalShard, externalDataset, isModelPlugin, runRestart, runShard, type AnyModelPlugin, type Dataset, type InitProgress } from '@emkit/core';
import { encodeWorkerError } from './errors.js';
import type { DataHandle, EStepBatchResult, EStepBatchTask, EStepTask, EStepTaskResult, InitTask, PluginLocation, RestartProgressHandlers, RestartTask, RestartTaskResult } from './protocol.js';

/**
 * The work a worker does, the same in Node and in the browser: thin adapters (piscina, comlink)
 * expose these functions. Plugins are imported by URL once per worker and cached.
 */
const plugins = new Map<string, Promise<AnyModelPlugin>>();

/** Imports `location.url` and returns its export that is a plugin named `location.name`. */
export function loadPlugin(location: PluginLocation): Promise<AnyModelPlugin> {
  const key = `${location.url}#${location.name}`;
  let loaded = plugins.get(key);
  if (!loaded) {
    loaded = import(/* @vite-ignore */ location.url).then((module: Record<string, unknown>) => {
      const found = Object.values(module).find((v) => isModelPlugin(v) && v.name === location.name);
      if (!found) throw new Error(`module ${location.url} exports no plugin named "${location.name}"`);
      return found as AnyModelPlugin;
    });
    loaded.catch(() => plugins.delete(key));
    plugins.set(key, loaded);
  }
  return loaded;
}

/**
 * A Dataset viewing the handle's buffers (no copy). With shared memory it is the whole data set;
 * with a copied shard it holds that shard's rows only, and row indices are shifted by `firstRow`.
 */
export function datasetFromHandle(handle: DataHandle): Dataset {
  return {
    rows: handle.rows,
    cols: handle.cols,
    values: new Float64Array(handle.values, handle.valuesByteOffset, handle.rows * handle.cols),
    weights: handle.weights === null ? null : new Float64Array(handle.weights, handle.weightsByteOffset, handle.rows),
    columns: handle.columns ?? null,
    target: handle.target === null ? null : new Float64Array(handle.target, handle.targetByteOffset, handle.rows),
    ...(handle.groups ? { groups: handle.groups } : {}),
    ...(handle.missing ? { missing: new Uint8Array(handle.missing, handle.missingByteOffset ?? 0, handle.rows * handle.cols) } : {}),
  };
}

export async function eStepShard(task: EStepTask): Promise<EStepTaskResult> {
  try {
    return await eStepShardUnencoded(task);
  } catch (error) {
    throw encodeWorkerError(error);
  }
}

async function eStepShardUnencoded(task: EStepTask): Promise<EStepTaskResult> {
  const plugin = await loadPlugin(task.plugin);
  if (task.data.external) return eStepExternalShard(plugin, task.params, externalDataset(task.data.external, task.data.rows, task.data.cols, task.data.columns), task.shard);
  const data = datasetFromHandle(task.data);
  const stats = plugin.createStats(task.params, data.cols);
  const first = task.data.firstRow;
  const range = first === 0 ? task.shard : { start: task.shard.start - first, end: task.shard.end - first };
  const logLikelihood = plugin.eStep(task.params, data, range, stats);
  return { stats, logLikelihood };
}

/**
 * The per-shard states this worker keeps: those of one run, with the Dataset view they were
 * made on (a run's tasks all carry the same shared data).
 */
let runStates: { run: string; data: Dataset; states: ShardStates } | null = null;

/** Runs a batch of shards (see EStepBatchTask) with the run's per-shard states. */
export async function eStepBatch(task: EStepBatchTask): Promise<EStepBatchResult> {
  try {
    if (task.shards.length === 0) {
      if (runStates?.run === task.run) runStates = null;
      return { results: [] };
    }
    const plugin = await loadPlugin(task.plugin);
    if (task.data.external) {
      // Out of core: each shard's rows read here, one shard at a time; no states are kept.
      const data = externalDataset(task.data.external, task.data.rows, task.data.cols, task.data.columns);
      const results: EStepTaskResult[] = [];
      for (let q = 0; q < task.shards.length; q++) {
        if (task.progress !== null) Atomics.store(task.progress, task.progressAt, q);
        results.push(await eStepExternalShard(plugin, task.params, data, task.shards[q]));
      }
      return { results };
    }
    if (task.data.firstRow !== 0) throw new FitError({ plugin: plugin.name, detail: 'a batch of shards needs all rows on the worker (shared memory)' });
    if (runStates === null || runStates.run !== task.run) {
      const data = datasetFromHandle(task.data);
      runStates = { run: task.run, data, states: new ShardStates().forData(data) };
    }
    const { data, states } = runStates;
    const results: EStepTaskResult[] = [];
    for (let q = 0; q < task.shards.length; q++) {
      if (task.progress !== null) Atomics.store(task.progress, task.progressAt, q);
      const stats = plugin.createStats(task.params, data.cols);
      const logLikelihood = runShard(plugin, task.params, data, task.shards[q], stats, states);
      results.push({ stats, logLikelihood });
    }
    return { results };
  } catch (error) {
    // A state half-updated by a failed E-step must not be offered again.
    runStates = null;
    throw encodeWorkerError(error);
  }
}

export async function restartOnWorker(task: RestartTask, { onProgress, onInitProgress }: RestartProgressHandlers = {}): Promise<RestartTaskResult> {
  try {
    const plugin = await loadPlugin(task.plugin);
    const data = datasetFromHandle(task.data);
    if (task.data.firstRow !== 0) throw new FitError({ plugin: plugin.name, detail: 'a whole restart needs all rows on the worker (shared memory)' });
    return await runRestart(plugin, data, task.options, task.restart, { ...task.driver, onProgress, onInitProgress });
  } catch (error) {
    throw encodeWorkerError(error);
  }
}

/** A restart's starting parameters, drawn here as core's driver draws them in-process. */
export async function initOnWorker(task: InitTask, onProgress?: (progress: InitProgress) => void): Promise<unknown> {
  try {
    const plugin = await loadPlugin(task.plugin);
    if (task.data.firstRow !== 0) throw new FitError({ plugin: plugin.name, detail: 'init needs all rows on the worker (shared memory)' });
    return drawInitialParams(plugin, datasetFromHandle(task.data), task.options, task.seed, onProgress);
  } catch (error) {
    throw encodeWorkerError(error);
  }
}
