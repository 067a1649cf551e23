import { expose, releaseProxy } from 'comlink';
import type { FitProgress, InitProgress, RestartInitProgress } from '@emkit/core';
import { kernelModuleSource, useKernelModule } from '@emkit/linalg';
import { eStepBatch, eStepShard, initOnWorker, restartOnWorker } from '../handlers.js';
import type { EStepBatchTask, EStepTask, InitTask, RestartTask } from '../protocol.js';

/** The Web Worker side of the browser pool: the shared handlers behind comlink. */
export const browserWorkerApi = {
  /** The wasm kernels' module compiled by the page (posted first, so this worker never compiles it). */
  useKernels: (module: WebAssembly.Module) => useKernelModule(module),
  /** Where this worker's kernel module came from: 'received', 'compiled' here, or null (not loaded yet). */
  kernelSource: () => kernelModuleSource(),
  eStep: (task: EStepTask) => eStepShard(task),
  batch: (task: EStepBatchTask) => eStepBatch(task),
  restart: async (task: RestartTask, onProgress?: (p: FitProgress) => void, onInitProgress?: (p: RestartInitProgress) => void) => {
    const progress = remoteCallbacks();
    const onFit = progress.wrap(onProgress);
    const onInit = progress.wrap(onInitProgress);
    // core's in-process executor returns to the event loop before every shard: a terminated
    // worker that never did would compute on in Chromium for 2 s before it is forcibly stopped.
    try {
      return await restartOnWorker(task, { onProgress: onFit, onInitProgress: onInit });
    } finally {
      await progress.release();
    }
  },
  init: async (task: InitTask, onProgress?: (p: InitProgress) => void) => {
    const progress = remoteCallbacks();
    try {
      return await initOnWorker(task, progress.wrap(onProgress));
    } finally {
      await progress.release();
    }
  },
};

/**
 * The caller's progress callbacks (comlink proxies) for one task. Each call returns once the
 * caller's callback ran: awaiting them all before answering means no progress reaches the caller
 * after its task has settled (the two travel on different ports). Released with the task, as
 * each proxy has a MessageChannel of its own.
 */
function remoteCallbacks() {
  const delivered: Promise<unknown>[] = [];
  const releases: (() => void)[] = [];
  return {
    wrap<T>(callback: ((p: T) => void) | undefined): ((p: T) => void) | undefined {
      if (!callback) return undefined;
      // What the worker holds is comlink's remote proxy of the caller's function.
      const remote = callback as unknown as ((p: T) => Promise<void>) & { [releaseProxy](): void };
      releases.push(() => remote[releaseProxy]());
      return (p) => void delivered.push(remote(p));
    },
    async release(): Promise<void> {
      await Promise.allSettled(delivered);
      for (const release of releases) release();
    },
  };
}

export type BrowserWorkerApi = typeof browserWorkerApi;

expose(browserWorkerApi);
