import type { FitProgress, InitProgress, ResolvedDriverOptions, RestartInitProgress, RestartResult, RowRange, ShardSource } from '@emkit/core';

/**
 * The rows a worker sees. With shared memory `values` is the whole data set's SharedArrayBuffer,
 * `rows` is N and `firstRow` is 0, so nothing is copied per task. Without it (a browser page that
 * is not cross-origin isolated) `values` holds a copy of one shard's `rows` rows, which are rows
 * firstRow… of the data set.
 */
export interface DataHandle {
  readonly rows: number;
  readonly cols: number;
  readonly firstRow: number;
  readonly values: ArrayBufferLike;
  readonly valuesByteOffset: number;
  readonly weights: ArrayBufferLike | null;
  readonly weightsByteOffset: number;
  readonly target: ArrayBufferLike | null;
  readonly targetByteOffset: number;
  /** Column names, so that a plugin's data errors on a worker read as they do in-process. */
  readonly columns?: readonly string[] | null;
  /** Group boundaries of these rows (Dataset.groups; counted from firstRow for a copied shard). */
  readonly groups?: Int32Array | null;
  /** The missing-cell mask (Dataset.missing), rows × cols bytes, or null when nothing is missing. */
  readonly missing?: ArrayBufferLike | null;
  readonly missingByteOffset?: number;
  /**
   * Out-of-core data: the rows are not in `values` (empty) but in a file the worker reads
   * itself, a shard at a time (Dataset.external); no row passes through the caller's thread.
   */
  readonly external?: ShardSource | null;
}

/** Which plugin a worker runs: the module it imports and the plugin name among its exports. */
export interface PluginLocation {
  readonly url: string;
  readonly name: string;
}

export interface EStepTask {
  readonly plugin: PluginLocation;
  readonly params: unknown;
  readonly data: DataHandle;
  /** Absolute row range of the shard in the whole data set. */
  readonly shard: RowRange;
  readonly shardIndex: number;
}

export interface EStepTaskResult {
  readonly stats: Float64Array;
  readonly logLikelihood: number;
}

/**
 * Shards one worker runs in one E-step, with the parameters sent once for all of them. For a
 * plugin with per-shard state (`eStepWithState`) the runner pins shards to workers (shard i to
 * slot i mod the slot count), so the state kept on a worker is found there at the next E-step;
 * other plugins' batches are runs of consecutive shards that any free worker takes.
 */
export interface EStepBatchTask {
  readonly plugin: PluginLocation;
  readonly params: unknown;
  /** The whole data set in shared memory (batches are not used with copied shards). */
  readonly data: DataHandle;
  /** Absolute row ranges of the shards, in shard order. */
  readonly shards: readonly RowRange[];
  /**
   * The run the shards' states belong to. A worker keeps the states of one run; a task of
   * another run replaces them. A batch without shards releases them.
   */
  readonly run: string;
  /**
   * Shared memory the worker writes the position (in `shards`) of the shard it is running into,
   * at index `progressAt`, so the caller can name the shard if the worker fails or dies.
   */
  readonly progress: Int32Array | null;
  readonly progressAt: number;
  /** The worker slot the batch must run on, or null for any worker. */
  readonly slot: number | null;
}

export interface EStepBatchResult {
  /** One result per shard of the task, in its order. */
  readonly results: readonly EStepTaskResult[];
}

/** Driver settings a restart needs on a worker (the executor is the worker's in-process one). */
export type RestartDriverOptions = Omit<ResolvedDriverOptions, 'restarts'>;

export interface RestartTask {
  readonly plugin: PluginLocation;
  /** Options already validated by the plugin's parseOptions (structured-cloneable). */
  readonly options: unknown;
  readonly data: DataHandle;
  readonly restart: number;
  readonly driver: RestartDriverOptions;
}

export type RestartTaskResult = RestartResult<unknown>;

/** A restart's init on a worker (what EStepExecutor.initialize runs), so the main thread stays free. */
export interface InitTask {
  readonly plugin: PluginLocation;
  /** Options already validated by the plugin's parseOptions (structured-cloneable). */
  readonly options: unknown;
  /** The whole data set in shared memory. */
  readonly data: DataHandle;
  /** The restart's derived seed. */
  readonly seed: number;
}

/** What a restart reports while it runs on a worker. */
export interface RestartProgressHandlers {
  readonly onProgress?: (progress: FitProgress) => void;
  readonly onInitProgress?: (progress: RestartInitProgress) => void;
}

/**
 * What a worker posts on a task's progress port (Node): an iteration, an init step, or null once
 * everything before the result is sent.
 */
export type ProgressMessage = { readonly fit: FitProgress } | { readonly init: InitProgress } | null;

/**
 * A pool of workers that runs E-step shards and whole restarts. Node (piscina) and browser
 * (comlink) pools implement it; callers may pass their own.
 */
export interface WorkerPool {
  /** Number of workers (the parallelism the runner plans for). */
  readonly size: number;
  runEStep(task: EStepTask, signal?: AbortSignal): Promise<EStepTaskResult>;
  /**
   * Optional: runs a batch on the worker of `task.slot` (0 ≤ slot < size) — the same worker for
   * the same slot as long as it lives; a replaced worker takes over the slot — or, when the slot
   * is null, on any worker. Pools without it
   * get one task per shard, and plugins' per-shard states are then not kept.
   */
  runEStepBatch?(task: EStepBatchTask, signal?: AbortSignal): Promise<EStepBatchResult>;
  runRestart(task: RestartTask, options: { signal?: AbortSignal } & RestartProgressHandlers): Promise<RestartTaskResult>;
  /**
   * Optional: a restart's starting parameters (core's drawInitialParams) computed on a worker.
   * Pools without it leave init to the thread that drives the fit.
   */
  runInit?(task: InitTask, options: { signal?: AbortSignal; onProgress?: (progress: InitProgress) => void }): Promise<unknown>;
  /** Ends every worker; a closed pool rejects new tasks. */
  close(): Promise<void>;
}
