import { expose, releaseProxy, type Remote } from 'comlink';
import { runShardsInProcess, type DriverOptions, type EStepExecutor, type FitProgress } from '@emkit/core';
import { eStepBatch, eStepShard, restartOnWorker } from '../handlers.js';
import type { EStepBatchTask, EStepTask, RestartDriverOptions, RestartTask } from '../protocol.js';

/** Resolves from a fresh task of the worker's event loop (setTimeout would be clamped to 4 ms). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * The in-process executor, but each E-step starts from a new event-loop task. A whole restart
 * otherwise runs on microtasks alone, and Chromium lets a terminated worker that never returns to
 * its event loop compute on for 2 s before it forcibly stops it: an aborted fit would keep its
 * cores busy that long.
 */
const yieldingExecutor: EStepExecutor = {
  async eStep(plugin, params, data, shards, signal) {
    await nextTask();
    return runShardsInProcess(plugin, params, data, shards, signal);
  },
};

/** The Web Worker side of the browser pool: the shared handlers behind comlink. */
export const browserWorkerApi = {
  eStep: (task: EStepTask) => eStepShard(task),
  batch: (task: EStepBatchTask) => eStepBatch(task),
  restart: async (task: RestartTask, onProgress?: (p: FitProgress) => void) => {
    const remote = onProgress as Remote<(p: FitProgress) => void> | undefined;
    // Each call returns once the caller's callback ran: awaiting them all before answering means
    // no progress reaches the caller after its fit has settled (the two travel on different ports).
    const delivered: Promise<void>[] = [];
    // restartOnWorker hands `driver` to core's runRestart, which takes the executor from it.
    const driver: RestartDriverOptions & Pick<DriverOptions, 'executor'> = { ...task.driver, executor: yieldingExecutor };
    try {
      return await restartOnWorker({ ...task, driver }, remote ? (p) => void delivered.push(remote(p)) : undefined);
    } finally {
      await Promise.allSettled(delivered);
      // The callback's comlink proxy has a MessageChannel of its own: close it with the restart.
      remote?.[releaseProxy]();
    }
  },
};

export type BrowserWorkerApi = typeof browserWorkerApi;

expose(browserWorkerApi);
