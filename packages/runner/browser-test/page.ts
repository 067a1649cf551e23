/**
 * The test page: fits through the runner's browser entry (comlink Web Workers) and returns plain
 * numbers, so the Node side can compare them bit for bit with the in-process driver.
 */
import { createDataset, type FitProgress, type FitResult, type ModelPlugin } from '@emkit/core';
import { gmmPlugin, type GmmParams } from '@emkit/gmm';
import type { WorkerPool } from '@emkit/runner';
import { BrowserWorkerPool, fit } from '@emkit/runner/browser';
import { slowGmm, throwsOnShard3 } from '../src/test-support/faulty-plugins.mjs';
import { mathProbe } from './math-probe.js';
import { loadWasmKernels, wasmKernelsUnavailable } from '@emkit/linalg';

const plugins: Record<string, ModelPlugin<GmmParams, unknown>> = {
  gmm: gmmPlugin as ModelPlugin<GmmParams, unknown>,
  'slow-gmm': slowGmm as ModelPlugin<GmmParams, unknown>,
  'throws-on-shard-3': throwsOnShard3 as ModelPlugin<GmmParams, unknown>,
};

export interface FitRequest {
  plugin: keyof typeof plugins;
  /** Where the workers import the plugin from. */
  pluginUrl: string;
  workerUrl: string;
  rows: number;
  cols: number;
  values: number[];
  options: unknown;
  driver: { tol?: number; maxIter?: number; shardRows?: number; seed?: number; restarts?: number };
  /** 0: core's in-process driver on the page's own thread (the browser's reference). */
  workers: number;
  parallelism?: 'auto' | 'restarts' | 'shards';
  /** Abort `abortDelayMs` (default 0: at once) after this iteration is reported. */
  abortAtIteration?: number;
  abortDelayMs?: number;
  /** Fit on the pool opened by `openPool` (left open) instead of one `fit` creates and closes. */
  usePool?: boolean;
}

export interface FitReport {
  weights: number[];
  means: number[];
  covariances: number[];
  meanLogLikelihood: number;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  history: number[];
  restart: number;
  restarts: { restart: number; meanLogLikelihood: number; iterations: number }[];
}

export interface FitOutcome {
  result?: FitReport;
  error?: { name: string; message: string };
  elapsedMs: number;
  /** From the abort to the rejection. */
  abortToRejectMs?: number;
  /**
   * What the pool was asked to run — tasks of one shard, batches pinned to a worker (and the
   * shards in them), whole restarts — and whether the data reached it in shared memory.
   */
  tasks: { eStep: number; batch: number; batchShards: number; restart: number; init: number; sharedData: boolean[] };
  /** Progress reports received by the time the fit settled: [restart, iteration]. */
  progress: [number, number][];
  /** Init steps received by the time the fit settled: [restart, method, done]. */
  initProgress: [number, string, number][];
  /** Pool tasks not yet settled when the abort fired. */
  tasksRunningAtAbort?: number;
}

// Records each task the runner's pool receives (the pool `fit` creates is this class).
let tasks: FitOutcome['tasks'] = { eStep: 0, batch: 0, batchShards: 0, restart: 0, init: 0, sharedData: [] };
let unsettled = 0;
function track<T>(promise: Promise<T>): Promise<T> {
  unsettled++;
  return promise.finally(() => unsettled--);
}
const isShared = (buffer: ArrayBufferLike) => typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
const { runEStep, runEStepBatch, runRestart, runInit } = BrowserWorkerPool.prototype;
BrowserWorkerPool.prototype.runEStep = function (this: BrowserWorkerPool, task, signal) {
  tasks.eStep++;
  tasks.sharedData.push(isShared(task.data.values));
  return track(runEStep.call(this, task, signal));
} as WorkerPool['runEStep'];
BrowserWorkerPool.prototype.runEStepBatch = function (this: BrowserWorkerPool, task, signal) {
  tasks.batch++;
  tasks.batchShards += task.shards.length;
  tasks.sharedData.push(isShared(task.data.values));
  return track(runEStepBatch.call(this, task, signal));
} as NonNullable<WorkerPool['runEStepBatch']>;
BrowserWorkerPool.prototype.runRestart = function (this: BrowserWorkerPool, task, options) {
  tasks.restart++;
  tasks.sharedData.push(isShared(task.data.values));
  return track(runRestart.call(this, task, options));
} as WorkerPool['runRestart'];

BrowserWorkerPool.prototype.runInit = function (this: BrowserWorkerPool, task, options) {
  tasks.init++;
  tasks.sharedData.push(isShared(task.data.values));
  return track(runInit.call(this, task, options));
} as NonNullable<WorkerPool['runInit']>;

function report(result: FitResult<GmmParams>): FitReport {
  return {
    weights: Array.from(result.params.weights),
    means: Array.from(result.params.means),
    covariances: Array.from(result.params.covariances),
    meanLogLikelihood: result.meanLogLikelihood,
    logLikelihood: result.logLikelihood,
    iterations: result.iterations,
    converged: result.converged,
    history: [...result.history],
    restart: result.restart,
    restarts: result.restarts.map((r) => ({ restart: r.restart, meanLogLikelihood: r.meanLogLikelihood, iterations: r.iterations })),
  };
}

let openedPool: BrowserWorkerPool | undefined;

function openPool(workerUrl: string, workers: number): number {
  openedPool = new BrowserWorkerPool(workerUrl, workers);
  return openedPool.workerCount;
}

/** Closes the pool opened by `openPool` and returns how many workers it had alive before and after. */
async function closePool(): Promise<{ before: number; after: number }> {
  const pool = openedPool!;
  openedPool = undefined;
  const before = pool.workerCount;
  await pool.close();
  return { before, after: pool.workerCount };
}

/** Where the workers of a fresh pool of `workers` got their wasm kernel module, after the page loaded it. */
async function workerKernelSources(workerUrl: string, workers: number): Promise<('received' | 'compiled' | null)[]> {
  await loadWasmKernels();
  const pool = new BrowserWorkerPool(workerUrl, workers);
  try {
    return await pool.kernelSources();
  } finally {
    await pool.close();
  }
}

async function runFit(request: FitRequest): Promise<FitOutcome> {
  tasks = { eStep: 0, batch: 0, batchShards: 0, restart: 0, init: 0, sharedData: [] };
  if (request.usePool && !openedPool) throw new Error('usePool without openPool');
  const data = createDataset(Float64Array.from(request.values), request.rows, request.cols);
  const controller = new AbortController();
  let abortedAt: number | undefined;
  let tasksRunningAtAbort: number | undefined;
  let abortTimer: ReturnType<typeof setTimeout> | undefined;
  const abort = () => {
    abortedAt = performance.now();
    tasksRunningAtAbort = unsettled;
    controller.abort();
  };
  const progress: [number, number][] = [];
  const onProgress = (p: FitProgress) => {
    progress.push([p.restart, p.iteration]);
    if (p.iteration !== request.abortAtIteration || abortedAt !== undefined || abortTimer !== undefined) return;
    if (request.abortDelayMs) abortTimer = setTimeout(abort, request.abortDelayMs);
    else abort();
  };
  const initProgress: [number, string, number][] = [];
  const started = performance.now();
  try {
    const result = await fit(plugins[request.plugin], data, request.options, {
      ...request.driver,
      workers: request.workers,
      parallelism: request.parallelism,
      pluginUrl: request.pluginUrl,
      workerUrl: request.workerUrl,
      pool: request.usePool ? openedPool : undefined,
      signal: controller.signal,
      onProgress,
      onInitProgress: (p) => initProgress.push([p.restart, p.method, p.done]),
    });
    return { result: report(result), elapsedMs: performance.now() - started, progress: [...progress], initProgress: [...initProgress], tasks };
  } catch (error) {
    const ended = performance.now();
    const e = error instanceof Error ? error : new Error(String(error));
    return { error: { name: e.name, message: e.message }, elapsedMs: ended - started, progress: [...progress], initProgress: [...initProgress], abortToRejectMs: abortedAt === undefined ? undefined : ended - abortedAt, tasksRunningAtAbort, tasks };
  } finally {
    clearTimeout(abortTimer);
  }
}

declare global {
  interface Window {
    emkit: { fit: typeof runFit; mathProbe: typeof mathProbe; wasmKernels: () => Promise<string | null>; workerKernelSources: typeof workerKernelSources; openPool: typeof openPool; closePool: typeof closePool; crossOriginIsolated: boolean; sharedArrayBuffer: boolean };
  }
}

window.emkit = { fit: runFit, mathProbe, wasmKernels: async () => ((await loadWasmKernels()) ? null : wasmKernelsUnavailable()), workerKernelSources, openPool, closePool, crossOriginIsolated: globalThis.crossOriginIsolated === true, sharedArrayBuffer: typeof SharedArrayBuffer === 'function' };
