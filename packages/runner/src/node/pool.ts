import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { kernelModule } from '@emkit/linalg';
import type { FitProgress, InitProgress } from '@emkit/core';
import type { EStepBatchResult, EStepBatchTask, EStepTask, EStepTaskResult, InitTask, ProgressMessage, RestartProgressHandlers, RestartTask, RestartTaskResult, WorkerPool } from '../protocol.js';

export function defaultWorkerCount(): number {
  return availableParallelism();
}

type LoadBalancer = NonNullable<NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer']>;
type BalancedWorker = Parameters<LoadBalancer>[1][number];

/** Where a batch task asks to run: piscina hands the balancer this field of the task. */
interface SlotRequest {
  readonly slot: number;
}

/**
 * A piscina pool of `size` worker threads kept alive between EM iterations (workers idle while
 * the main thread runs the M-step; re-spawning them would cost more than the E-step).
 */
export class NodeWorkerPool implements WorkerPool {
  readonly size: number;
  private readonly piscina: Piscina;
  private closed = false;
  /** Thread id of the worker each slot is pinned to (batches of a slot go to that worker only). */
  private readonly pinned: (number | undefined)[] = [];

  constructor(size: number = defaultWorkerCount()) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a worker pool needs at least one worker, got ${size}`);
    this.size = size;
    this.piscina = new Piscina({
      filename: new URL('./worker-entry.cjs', import.meta.url).href,
      minThreads: size,
      maxThreads: size,
      idleTimeout: 30_000,
      // The E-step is CPU-bound; one task at a time per worker keeps shards evenly spread.
      concurrentTasksPerWorker: 1,
      loadBalancer: (task, workers) => this.balance(task, workers),
      // The wasm kernels compiled once here; each worker instantiates this module.
      workerData: { kernelModule: compiledKernels() },
    });
    // Piscina emits 'error' for what no task is waiting on; unheard, it would crash the process.
    // The case that occurs: one shard fails, its siblings are aborted (their workers terminated),
    // and a sibling's own failure, already posted, arrives for a task piscina has forgotten
    // ("Unexpected message from Worker"). The fit has its error by then; this one adds nothing.
    this.piscina.on('error', () => {});
  }

  runEStep(task: EStepTask, signal?: AbortSignal): Promise<EStepTaskResult> {
    // Every shard of an iteration listens to the same signal; that many listeners is expected.
    if (signal) setMaxListeners(0, signal);
    return this.piscina.run(task, { name: 'eStep', signal: signal ?? null });
  }

  runEStepBatch(task: EStepBatchTask, signal?: AbortSignal): Promise<EStepBatchResult> {
    if (signal) setMaxListeners(0, signal);
    // The symbol-keyed field reaches the balancer; structured cloning leaves it behind.
    const request: SlotRequest | null = task.slot === null ? null : { slot: task.slot };
    return this.piscina.run(Object.assign({ ...task }, { [Piscina.queueOptionsSymbol]: request }), { name: 'batch', signal: signal ?? null });
  }

  /**
   * Piscina's choice of worker. A batch goes to its slot's worker, waiting while that worker is
   * busy; a slot without a live worker (the first batch, a worker that died) is pinned to an
   * idle worker no other slot holds. Other tasks go to the first idle worker, as piscina's own
   * balancer sends them with one task per worker.
   */
  private balance(task: Parameters<LoadBalancer>[0], workers: BalancedWorker[]): BalancedWorker | null {
    const live = workers.filter((w) => !w.terminating && !w.destroyed);
    const request = (task as unknown as Record<symbol, unknown>)[Piscina.queueOptionsSymbol] as SlotRequest | null | undefined;
    if (request?.slot === undefined) return live.find((w) => w.currentUsage === 0) ?? null;
    const slot = request.slot;
    let worker = live.find((w) => w.id === this.pinned[slot]);
    if (worker === undefined) {
      const held = new Set(this.pinned.filter((id, s) => s !== slot && live.some((w) => w.id === id)));
      worker = live.find((w) => w.currentUsage === 0 && !held.has(w.id)) ?? live.find((w) => w.currentUsage === 0);
      if (worker === undefined) return null;
      this.pinned[slot] = worker.id;
    }
    return worker.currentUsage === 0 ? worker : null;
  }

  runRestart(task: RestartTask, { signal, onProgress, onInitProgress }: { signal?: AbortSignal } & RestartProgressHandlers): Promise<RestartTaskResult> {
    // A restart's worker posts its init steps as RestartInitProgress (core's driver names them).
    const onInit = onInitProgress as ((progress: InitProgress) => void) | undefined;
    return this.runWithProgress('restart', task, signal, onProgress, onInit) as Promise<RestartTaskResult>;
  }

  runInit(task: InitTask, { signal, onProgress }: { signal?: AbortSignal; onProgress?: (progress: InitProgress) => void }): Promise<unknown> {
    return this.runWithProgress('init', task, signal, undefined, onProgress);
  }

  /** A task whose progress comes back on a port of its own, all of it delivered before the result. */
  private async runWithProgress(
    name: 'restart' | 'init',
    task: RestartTask | InitTask,
    signal: AbortSignal | undefined,
    onProgress: ((progress: FitProgress) => void) | undefined,
    onInitProgress: ((progress: InitProgress) => void) | undefined,
  ): Promise<unknown> {
    if (!onProgress && !onInitProgress) return this.piscina.run({ task }, { name, signal: signal ?? null });
    const channel = new MessageChannel();
    let ended: () => void = () => {};
    const allDelivered = new Promise<void>((resolve) => (ended = resolve));
    channel.port1.on('message', (message: ProgressMessage) => {
      if (message === null) ended();
      else if ('fit' in message) onProgress?.(message.fit);
      else onInitProgress?.(message.init);
    });
    try {
      const result: unknown = await this.piscina.run({ task, progressPort: channel.port2 }, { name, signal: signal ?? null, transferList: [channel.port2] });
      await allDelivered;
      return result;
    } finally {
      channel.port1.close();
    }
  }

  /** Worker threads alive now (0 once closed). */
  get threadCount(): number {
    return this.piscina.threads.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}

/** The wasm kernels' compiled module, or undefined where WebAssembly SIMD is unavailable (workers then decide for themselves). */
function compiledKernels(): WebAssembly.Module | undefined {
  try {
    return kernelModule();
  } catch {
    return undefined;
  }
}
