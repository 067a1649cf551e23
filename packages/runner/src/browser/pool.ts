import { proxy, wrap, type Remote } from 'comlink';
import { FitAbortedError, type InitProgress } from '@emkit/core';
import { loadedKernelModule } from '@emkit/linalg';
import type { EStepBatchResult, EStepBatchTask, EStepTask, EStepTaskResult, InitTask, RestartProgressHandlers, RestartTask, RestartTaskResult, WorkerPool } from '../protocol.js';
import type { BrowserWorkerApi } from './worker.js';

interface Live {
  worker: Worker;
  api: Remote<BrowserWorkerApi>;
}

interface Slot {
  /** null after its worker was terminated (an aborted task, a crash); respawned on demand. */
  live: Live | null;
  task: Pending | null;
}

interface Pending {
  run: (api: Remote<BrowserWorkerApi>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  slot?: Slot;
  /** The index of the only slot that may run it (a batch pinned to its worker). */
  pin?: number;
  settled: boolean;
}

export function defaultBrowserWorkerCount(): number {
  return Math.max(1, (globalThis.navigator?.hardwareConcurrency ?? 2) - 1);
}

/**
 * A pool of module Web Workers behind comlink. A running call cannot be interrupted inside a
 * worker, so aborting a task terminates the worker running it (queued tasks are just dropped);
 * a worker that fails to load, crashes or sends an unreadable message is terminated too and its
 * task rejected. Such a worker is replaced by a fresh one when the next task needs it, so the
 * pool stays usable for the next fit, as piscina's does.
 */
export class BrowserWorkerPool implements WorkerPool {
  readonly size: number;
  private readonly workerUrl: string | URL;
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private closed = false;

  /** `workerUrl`: the bundled `@emkit/runner/browser-worker` module. */
  constructor(workerUrl: string | URL, size: number = defaultBrowserWorkerCount()) {
    // With no worker every task would wait forever.
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a worker pool needs at least one worker, got ${size}`);
    this.size = size;
    this.workerUrl = workerUrl;
    // Started at once, so the workers load while the caller's thread runs init.
    this.slots = Array.from({ length: size }, () => {
      const slot: Slot = { live: null, task: null };
      slot.live = this.spawn(slot);
      return slot;
    });
  }

  /** Workers alive now (0 once closed). */
  get workerCount(): number {
    return this.slots.filter((s) => s.live !== null).length;
  }

  runEStep(task: EStepTask, signal?: AbortSignal): Promise<EStepTaskResult> {
    return this.submit((api) => api.eStep(task), signal) as Promise<EStepTaskResult>;
  }

  /** Runs on slot `task.slot`'s worker only (a replaced worker takes over the slot), see WorkerPool. */
  runEStepBatch(task: EStepBatchTask, signal?: AbortSignal): Promise<EStepBatchResult> {
    return this.submit((api) => api.batch(task), signal, task.slot ?? undefined) as Promise<EStepBatchResult>;
  }

  runRestart(task: RestartTask, { signal, onProgress, onInitProgress }: { signal?: AbortSignal } & RestartProgressHandlers): Promise<RestartTaskResult> {
    return this.submit((api) => api.restart(task, onProgress ? proxy(onProgress) : undefined, onInitProgress ? proxy(onInitProgress) : undefined), signal) as Promise<RestartTaskResult>;
  }

  runInit(task: InitTask, { signal, onProgress }: { signal?: AbortSignal; onProgress?: (progress: InitProgress) => void }): Promise<unknown> {
    return this.submit((api) => api.init(task, onProgress ? proxy(onProgress) : undefined), signal);
  }

  /**
   * Where each worker's wasm kernel module came from ('received' from this thread, 'compiled' by
   * the worker itself, null: not loaded), in slot order.
   */
  kernelSources(): Promise<('received' | 'compiled' | null)[]> {
    return Promise.all(this.slots.map((_, index) => this.submit((api) => api.kernelSource(), undefined, index) as Promise<'received' | 'compiled' | null>));
  }

  private spawn(slot: Slot): Live {
    const worker = new Worker(this.workerUrl, { type: 'module' });
    const live: Live = { worker, api: wrap<BrowserWorkerApi>(worker) };
    // The wasm kernels compiled once on this thread (fit() loads them before the pool starts):
    // posted before any task, so the worker instantiates it instead of compiling its own.
    const module = loadedKernelModule();
    if (module) live.api.useKernels(module).catch(() => {});
    // A module that cannot load fires a plain Event without a message.
    worker.addEventListener('error', (event) =>
      this.lose(slot, live, new Error(`a worker failed: ${(event as ErrorEvent).message || `it could not load ${String(this.workerUrl)} or crashed`}`)),
    );
    // comlink never answers a message it could not read: without this the task would hang.
    worker.addEventListener('messageerror', () => this.lose(slot, live, new Error('a worker sent a message that could not be deserialized')));
    return live;
  }

  private submit(run: Pending['run'], signal?: AbortSignal, pin?: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    if (signal?.aborted) return Promise.reject(new FitAbortedError({ reason: signal.reason }));
    return new Promise((resolve, reject) => {
      if (pin !== undefined && !(Number.isInteger(pin) && pin >= 0 && pin < this.size)) throw new RangeError(`no worker slot ${pin} in a pool of ${this.size}`);
      const pending: Pending = { run, resolve, reject, signal, pin, settled: false };
      if (signal) {
        pending.onAbort = () => this.cancel(pending, new FitAbortedError({ reason: signal.reason }));
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.closed) return;
    this.slots.forEach((slot, index) => {
      if (slot.task !== null) return;
      const task = this.take(index);
      if (!task) return;
      const live = (slot.live ??= this.spawn(slot));
      slot.task = task;
      task.slot = slot;
      task.run(live.api).then(
        (value) => this.finish(task, () => task.resolve(value)),
        (error: unknown) => this.finish(task, () => task.reject(error)),
      );
    });
  }

  /** The first queued task slot `index` may run, dropping tasks whose signal fired on the way. */
  private take(index: number): Pending | undefined {
    for (let q = 0; q < this.queue.length; ) {
      const pending = this.queue[q];
      if (pending.signal?.aborted) {
        // Dropped here rather than given a fresh worker to kill.
        this.queue.splice(q, 1);
        this.settle(pending, new FitAbortedError({ reason: pending.signal.reason }));
      } else if (pending.pin === undefined || pending.pin === index) {
        this.queue.splice(q, 1);
        return pending;
      } else q++;
    }
    return undefined;
  }

  private finish(pending: Pending, outcome: () => void): void {
    if (pending.settled) return;
    this.release(pending);
    outcome();
    this.dispatch();
  }

  /** Rejects a task that did not finish. */
  private settle(pending: Pending, error: unknown): void {
    if (pending.settled) return;
    this.release(pending);
    pending.reject(error);
  }

  /** Marks a task settled (a cancelled one may still answer later) and frees its slot. */
  private release(pending: Pending): void {
    pending.settled = true;
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    const slot = pending.slot;
    if (slot && slot.task === pending) slot.task = null;
  }

  private cancel(pending: Pending, error: unknown): void {
    if (pending.settled) return;
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) this.queue.splice(queued, 1);
    else if (pending.slot) this.terminate(pending.slot);
    this.settle(pending, error);
    this.dispatch();
  }

  /** A worker that failed: end it and reject the task it was running. */
  private lose(slot: Slot, live: Live, error: Error): void {
    if (slot.live !== live) return;
    const task = slot.task;
    this.terminate(slot);
    if (task) this.settle(task, error);
    this.dispatch();
  }

  private terminate(slot: Slot): void {
    slot.live?.worker.terminate();
    slot.live = null;
  }

  /** Ends every worker and rejects every task not yet finished. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('the worker pool was closed');
    const unfinished = [...this.queue, ...this.slots.flatMap((s) => (s.task ? [s.task] : []))];
    this.queue.length = 0;
    for (const slot of this.slots) this.terminate(slot);
    for (const pending of unfinished) this.settle(pending, error);
  }
}
