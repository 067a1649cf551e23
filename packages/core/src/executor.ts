import type { Dataset, RowRange } from './dataset.js';
import { throwIfAborted } from './errors.js';
import { readExternalShard } from './external.js';
import { mergeStatsOf, type InitProgress, type ModelPlugin } from './plugin.js';

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
  /**
   * Optional: a restart's starting parameters — `plugin.init` with a generator seeded by `seed`,
   * as core's `drawInitialParams` draws them — computed where the E-steps run (a worker), so the
   * thread that drives the fit stays free; the same bits as in-process. Absent: the driver runs
   * init in its own thread.
   */
  initialize?<P, O>(plugin: ModelPlugin<P, O>, data: Dataset, options: O, seed: number, context: InitRunContext): Promise<P>;
}

/** What an executor's `initialize` is given besides the plugin, data, options and seed. */
export interface InitRunContext {
  /** The restart whose seed `seed` is (for error messages). */
  readonly restart: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: InitProgress) => void;
}

/**
 * The per-shard states of a plugin's `eStepWithState` for one data set, keyed by row range. A
 * state belongs to the data it was made from: `forData` forgets every state when the data set
 * changes, so a state is only ever offered back for the same rows.
 */
export class ShardStates {
  private data: Dataset | null = null;
  private readonly states = new Map<string, unknown>();

  /** Binds the cache to `data`, dropping the states of any other data set. */
  forData(data: Dataset): this {
    if (this.data !== data) {
      this.states.clear();
      this.data = data;
    }
    return this;
  }

  get(range: RowRange): unknown {
    return this.states.get(`${range.start}:${range.end}`);
  }

  set(range: RowRange, state: unknown): void {
    this.states.set(`${range.start}:${range.end}`, state);
  }

  clear(): void {
    this.states.clear();
    this.data = null;
  }
}

/**
 * The E-step of one shard into `stats`: through `eStepWithState` with the shard's cached state
 * when the plugin has the hook and a cache is given, else plain `eStep` — the same numbers either
 * way. `states` must already be bound to `data` (ShardStates.forData).
 */
export function runShard<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, range: RowRange, stats: Float64Array, states?: ShardStates): number {
  if (states === undefined || plugin.eStepWithState === undefined) return plugin.eStep(params, data, range, stats);
  const { logLikelihood, state } = plugin.eStepWithState(params, data, range, stats, states.get(range));
  states.set(range, state);
  return logLikelihood;
}

/** One shard's E-step into a fresh buffer (createStats is the merge identity, which need not be all zeros), merged into `stats`. */
function addShard<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shard: RowRange, stats: Float64Array, states?: ShardStates): number {
  const shardStats = plugin.createStats(params, data.cols);
  const logLikelihood = runShard(plugin, params, data, shard, shardStats, states);
  mergeStatsOf(plugin, stats, shardStats, params);
  return logLikelihood;
}

/**
 * The E-step of one shard of out-of-core data: its rows read from the source, then plain eStep
 * over them (per-shard states are not kept: the rows are read afresh every time).
 */
export async function eStepExternalShard<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shard: RowRange): Promise<{ stats: Float64Array; logLikelihood: number }> {
  const rows = await readExternalShard(data.external!, shard);
  const stats = plugin.createStats(params, data.cols);
  const logLikelihood = plugin.eStep(params, rows, { start: 0, end: rows.rows }, stats);
  return { stats, logLikelihood };
}

/**
 * The one shard loop of every in-process E-step: each shard into its own fresh buffer, the
 * buffers merged in shard order — the same arithmetic a pool of workers performs, so the two
 * agree bit for bit. It yields each shard before running it, so that the caller can pause there
 * (return to the event loop, check an abort); for out-of-core data the caller reads the shard
 * and sends back its outcome, which is merged in its place.
 */
function* shardLoop<P>(
  plugin: ModelPlugin<P, unknown>,
  params: P,
  data: Dataset,
  shards: readonly RowRange[],
  states?: ShardStates,
): Generator<RowRange, EStepOutcome, EStepOutcome | undefined> {
  states?.forData(data);
  const stats = plugin.createStats(params, data.cols);
  let logLikelihood = 0;
  for (const shard of shards) {
    const read = yield shard;
    if (read === undefined) logLikelihood += addShard(plugin, params, data, shard, stats, states);
    else {
      mergeStatsOf(plugin, stats, read.stats, params);
      logLikelihood += read.logLikelihood;
    }
  }
  return { stats, logLikelihood };
}

/**
 * The shard loop run straight through, checking `signal` before every shard. With `states`,
 * plugins that keep per-shard state reuse it (the results do not change).
 */
export function runShardsInProcess<P>(
  plugin: ModelPlugin<P, unknown>,
  params: P,
  data: Dataset,
  shards: readonly RowRange[],
  signal?: AbortSignal,
  states?: ShardStates,
): EStepOutcome {
  const loop = shardLoop(plugin, params, data, shards, states);
  for (let step = loop.next(); ; step = loop.next()) {
    if (step.done) return step.value;
    throwIfAborted(signal);
  }
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
 * Runs the shard loop of `runShardsInProcess` (its arguments, the same arithmetic in the same order), also over out-of-core data, but returns to
 * the event loop before every shard. So a CPU-bound fit in the main thread still lets a
 * timer-driven AbortSignal, a SIGINT handler or a UI event run, and stops within one shard's time
 * of an abort. The cost is one macrotask (a few µs) per shard.
 */
async function runShardsYielding<P>(...args: Parameters<typeof runShardsInProcess<P>>): Promise<EStepOutcome> {
  const [plugin, params, data, shards, signal, states] = args;
  const loop = shardLoop(plugin, params, data, shards, states);
  for (let step = loop.next(); ; ) {
    if (step.done) return step.value;
    await yieldToEventLoop();
    throwIfAborted(signal);
    step = loop.next(data.external ? await eStepExternalShard(plugin, params, data, step.value) : undefined);
  }
}

/** The stateless in-process executor: every E-step starts from scratch. */
export const inProcessExecutor: EStepExecutor = {
  eStep(plugin, params, data, shards, signal) {
    return runShardsYielding(plugin, params, data, shards, signal);
  },
};

/**
 * An in-process executor that keeps plugins' per-shard states between its E-steps (the driver
 * makes one per restart, so a state never outlives its run).
 */
export function createInProcessExecutor(): EStepExecutor {
  const states = new ShardStates();
  return {
    eStep(plugin, params, data, shards, signal) {
      return runShardsYielding(plugin, params, data, shards, signal, states);
    },
  };
}
