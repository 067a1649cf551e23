import type { MessagePort } from 'node:worker_threads';
import type { FitProgress } from '@emkit/core';
import { eStepBatch, eStepShard, restartOnWorker } from '../handlers.js';
import type { EStepBatchTask, EStepTask, RestartTask } from '../protocol.js';
import { workerData } from 'piscina';
import { useKernelModule } from '@emkit/linalg';

// The main thread's compiled wasm kernels: instantiated here rather than compiled again.
const { kernelModule } = (workerData ?? {}) as { kernelModule?: unknown };
if (kernelModule instanceof WebAssembly.Module) useKernelModule(kernelModule);

/** piscina calls these by name (`run(task, { name })`). */
export function eStep(task: EStepTask) {
  return eStepShard(task);
}

export function batch(task: EStepBatchTask) {
  return eStepBatch(task);
}

export async function restart({ task, progressPort }: { task: RestartTask; progressPort?: MessagePort }) {
  try {
    return await restartOnWorker(task, progressPort ? (p: FitProgress) => progressPort.postMessage(p) : undefined);
  } finally {
    // An end marker, so the caller knows every progress message before it has arrived.
    progressPort?.postMessage(null);
    progressPort?.close();
  }
}
