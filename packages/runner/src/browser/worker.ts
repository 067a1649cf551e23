import { expose, releaseProxy, type Remote } from 'comlink';
import type { FitProgress } from '@emkit/core';
import { kernelModuleSource, useKernelModule } from '@emkit/linalg';
import { eStepBatch, eStepShard, restartOnWorker } from '../handlers.js';
import type { EStepBatchTask, EStepTask, RestartTask } from '../protocol.js';

/** The Web Worker side of the browser pool: the shared handlers behind comlink. */
export const browserWorkerApi = {
  /** The wasm kernels' module compiled by the page (posted first, so this worker never compiles it). */
  useKernels: (module: WebAssembly.Module) => useKernelModule(module),
  /** Where this worker's kernel module came from: 'received', 'compiled' here, or null (not loaded yet). */
  kernelSource: () => kernelModuleSource(),
  eStep: (task: EStepTask) => eStepShard(task),
  batch: (task: EStepBatchTask) => eStepBatch(task),
  restart: async (task: RestartTask, onProgress?: (p: FitProgress) => void) => {
    const remote = onProgress as Remote<(p: FitProgress) => void> | undefined;
    // Each call returns once the caller's callback ran: awaiting them all before answering means
    // no progress reaches the caller after its fit has settled (the two travel on different ports).
    const delivered: Promise<void>[] = [];
    // core's in-process executor returns to the event loop before every shard: a terminated
    // worker that never did would compute on in Chromium for 2 s before it is forcibly stopped.
    try {
      return await restartOnWorker(task, remote ? (p) => void delivered.push(remote(p)) : undefined);
    } finally {
      await Promise.allSettled(delivered);
      // The callback's comlink proxy has a MessageChannel of its own: close it with the restart.
      remote?.[releaseProxy]();
    }
  },
};

export type BrowserWorkerApi = typeof browserWorkerApi;

expose(browserWorkerApi);
