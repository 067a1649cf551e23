import type { Dataset, RowRange } from './dataset.js';
import { throwIfAborted } from './errors.js';
import { mergeStatsOf, type ModelPlugin } from './plugin.js';

export interface EStepOutcome {
  /** Merged statistics of all shards, merged in shard order. */
  readonly stats: Float64Array;
  /** Σ wᵢ·log p(xᵢ) over all rows, summed in shard order. */
  readonly logLikelihood: number;
}

/**
 * Runs one E-step over a shard plan. The in-process executor is the reference; a pooled
 * executor (the runner) must return bit-identical results for the same plan by merging shard
 * results in plan order.
 */
export interface EStepExecutor {
  eStep<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shards: readonly RowRange[], signal?: AbortSignal): Promise<EStepOutcome>;
}

/** The E-step of one shard into a fresh buffer (createStats is the merge identity, which need not be all zeros). */
function runShard<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shard: RowRange, into: EStepOutcome): EStepOutcome {
  const shardStats = plugin.createStats(params, data.cols);
  const logLikelihood = into.logLikelihood + plugin.eStep(params, data, shard, shardStats);
  mergeStatsOf(plugin, into.stats, shardStats, params);
  return { stats: into.stats, logLikelihood };
}

/**
 * Runs each shard into its own fresh buffer and merges the buffers in shard order — the same
 * arithmetic a pool of workers performs, so the two agree bit for bit. Synchronous: for code
 * that already runs off the main thread (a worker) or needs the statistics at once.
 */
export function runShardsInProcess<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shards: readonly RowRange[], signal?: AbortSignal): EStepOutcome {
  let outcome: EStepOutcome = { stats: plugin.createStats(params, data.cols), logLikelihood: 0 };
  for (const shard of shards) {
    throwIfAborted(signal);
    outcome = runShard(plugin, params, data, shard, outcome);
  }
  return outcome;
}

type Scheduler = (callback: () => void) => void;

/**
 * A new macrotask of the event loop: setImmediate in Node, a MessageChannel message in browsers
 * and workers (setTimeout(0) would be clamped to 4 ms after a few nested calls).
 */
const scheduleMacrotask: Scheduler = (() => {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return (callback) => void immediate(callback);
  return (callback) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      callback();
    };
    port2.postMessage(null);
  };
})();

/** Resolves in a new macrotask, so timers, I/O and signal handlers get their turn first. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => scheduleMacrotask(resolve));
}

/**
 * The reference executor: the shards of `runShardsInProcess`, the same arithmetic in the same
 * order, but it returns to the event loop before every shard. So a CPU-bound fit in the main
 * thread still lets a timer-driven AbortSignal, a SIGINT handler or a UI event run, and stops
 * within one shard's time of an abort. The cost is one macrotask (a few µs) per shard.
 */
export const inProcessExecutor: EStepExecutor = {
  async eStep(plugin, params, data, shards, signal) {
    let outcome: EStepOutcome = { stats: plugin.createStats(params, data.cols), logLikelihood: 0 };
    for (const shard of shards) {
      await yieldToEventLoop();
      throwIfAborted(signal);
      outcome = runShard(plugin, params, data, shard, outcome);
    }
    return outcome;
  },
};
