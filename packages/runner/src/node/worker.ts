import type { MessagePort } from 'node:worker_threads';
import { eStepBatch, eStepShard, initOnWorker, restartOnWorker } from '../handlers.js';
import type { EStepBatchTask, EStepTask, InitTask, ProgressMessage, RestartTask } from '../protocol.js';
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
  const post = poster(progressPort);
  try {
    return await restartOnWorker(task, post ? { onProgress: (fit) => post({ fit }), onInitProgress: (init) => post({ init }) } : {});
  } finally {
    endProgress(progressPort);
  }
}

export async function init({ task, progressPort }: { task: InitTask; progressPort?: MessagePort }) {
  const post = poster(progressPort);
  try {
    return await initOnWorker(task, post ? (init) => post({ init }) : undefined);
  } finally {
    endProgress(progressPort);
  }
}

function poster(port: MessagePort | undefined): ((message: ProgressMessage) => void) | undefined {
  return port ? (message) => port.postMessage(message) : undefined;
}

/** An end marker, so the caller knows every progress message before it has arrived. */
function endProgress(port: MessagePort | undefined): void {
  port?.postMessage(null satisfies ProgressMessage);
  port?.close();
}
