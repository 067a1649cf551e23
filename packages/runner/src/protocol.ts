import type { DriverOptions, FitProgress, RestartResult, RowRange } from '@emkit/core';

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

/** Driver settings a restart needs on a worker (the executor is the worker's in-process one). */
export type RestartDriverOptions = Pick<DriverOptions, 'tol' | 'maxIter' | 'seed' | 'shardRows' | 'monotoneTolerance'>;

export interface RestartTask {
  readonly plugin: PluginLocation;
  /** Options already validated by the plugin's parseOptions (structured-cloneable). */
  readonly options: unknown;
  readonly data: DataHandle;
  readonly restart: number;
  readonly driver: RestartDriverOptions;
}

export type RestartTaskResult = RestartResult<unknown>;

/**
 * A pool of workers that runs E-step shards and whole restarts. Node (piscina) and browser
 * (comlink) pools implement it; callers may pass their own.
 */
export interface WorkerPool {
  /** Number of workers (the parallelism the runner plans for). */
  readonly size: number;
  runEStep(task: EStepTask, signal?: AbortSignal): Promise<EStepTaskResult>;
  runRestart(task: RestartTask, options: { signal?: AbortSignal; onProgress?: (progress: FitProgress) => void }): Promise<RestartTaskResult>;
  /** Ends every worker; a closed pool rejects new tasks. */
  close(): Promise<void>;
}
