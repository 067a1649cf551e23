import { availableParallelism } from 'node:os';
import { resolve as resolvePath, sep } from 'node:path';
import { deserialize } from 'node:v8';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { stat } from 'node:fs/promises';
import { type AnyModelPlugin, externalDataset } from '@emkit/core';
import { type ShardFileReference, shardSourceOf } from '@emkit/io/node';
import { externalHandle, type DataHandle, type WorkerPool } from '@emkit/runner';
import { NodeWorkerPool } from '@emkit/runner/node';
import { type RedisTarget, checkRedis, describeRedisError, parseRedisUrl, workerConnection } from './connection.js';
import { fileSha256 } from './data-file.js';
import {
  type DataReference,
  type IterationAddress,
  type ShardJob,
  encodeShardResult,
  indexKey,
  paramsKey,
  queueNames,
  sha256,
  shardIndexSchema,
  shardJobSchema,
  shardResultKey,
} from './protocol.js';

export interface ShardWorkerOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… (TLS). */
  readonly redis: string | RedisTarget;
  /**
   * The plugins installed on this machine. A job names a plugin by name only; one that is not
   * here is refused. No code ever comes from a job.
   */
  readonly plugins: readonly AnyModelPlugin[];
  /** Shard jobs run at once, each on a thread of the local pool (default: the machine's cores). */
  readonly concurrency?: number;
  /** The queue family (default `emkit`). */
  readonly queue?: string;
  /** A pool to run E-steps on; default a piscina pool of `concurrency` threads, closed with the worker. */
  readonly pool?: WorkerPool;
  /**
   * How long a job's lock lasts without renewal (ms, default 30 000). A worker that dies stops
   * renewing; after this long another worker's stalled-job check re-queues its shard.
   */
  readonly lockDurationMs?: number;
  /** When set, data paths outside this folder are refused. */
  readonly dataRoot?: string;
  /** Seconds shard results stay in Redis when the coordinator does not collect them (default 86 400). */
  readonly resultTtlSeconds?: number;
  /** Events for a log: jobs done, refused, connection trouble. */
  readonly onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { readonly type: 'completed'; readonly jobId: string; readonly plugin: string; readonly rows: number; readonly milliseconds: number }
  | { readonly type: 'refused' | 'failed'; readonly jobId: string; readonly reason: string }
  | { readonly type: 'redis-error'; readonly reason: string };

export interface ShardWorker {
  readonly concurrency: number;
  /** Stops taking jobs, lets running shards finish, closes the pool it created. */
  close(): Promise<void>;
}

interface LoadedData {
  readonly key: string;
  /** The file's shard source: the pool's threads read their own shards through it. */
  readonly handle: DataHandle;
}

/**
 * Starts serving E-step shard jobs from Redis. Each job's E-step runs on the local thread pool,
 * so this thread stays free to renew BullMQ's job locks however long a shard takes.
 */
export async function startShardWorker(options: ShardWorkerOptions): Promise<ShardWorker> {
  const target = typeof options.redis === 'string' ? parseRedisUrl(options.redis) : options.redis;
  const queue = options.queue ?? 'emkit';
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const ttl = options.resultTtlSeconds ?? 86_400;
  const dataRoot = options.dataRoot === undefined ? null : resolvePath(options.dataRoot);
  const plugins = new Map(options.plugins.map((p) => [p.name, p]));
  await checkRedis(target, 10_000);

  const pool = options.pool ?? new NodeWorkerPool(concurrency);
  // Parameters in, statistics out: emkit's own keys go through a plain ioredis client.
  const client = new Redis(workerConnection(target) as RedisOptions);
  client.on('error', () => {});
  const emit = options.onEvent ?? (() => {});
  // One data set (the current run's) stays loaded; a new fingerprint replaces it.
  let loaded: Promise<LoadedData> | null = null;
  let loadedKey = '';
  const params = new Map<string, Promise<unknown>>();

  const refuse = (why: string): never => {
    throw new UnrecoverableError(why);
  };

  /** The data file checked against its fingerprint, then its shard index from Redis, checked against its digest. */
  const loadData = (ref: DataReference, address: IterationAddress): Promise<LoadedData> => {
    const key = `${ref.path}\u0000${ref.sha256}\u0000${ref.index}`;
    if (loaded && loadedKey === key) return loaded;
    loadedKey = key;
    loaded = (async () => {
      const digest = await fileSha256(ref.path);
      if (digest !== ref.sha256) refuse(`${ref.path} on this worker is not the file the coordinator read (SHA-256 differs); every worker must see the same data`);
      const bytes = await client.getBuffer(indexKey(address, ref.index));
      if (bytes === null) refuse(`the shard index of run ${address.run} is no longer in Redis (expired, or Redis was restarted)`);
      if (sha256(bytes!).toString('hex') !== ref.index) refuse(`the shard index of run ${address.run} in Redis does not match its digest`);
      const parsed = shardIndexSchema.safeParse(JSON.parse(bytes!.toString('utf8')));
      if (!parsed.success) refuse(`invalid shard index: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(index)'}: ${i.message}`).join('; ')}`);
      const index = parsed.data as ShardFileReference;
      if (index.path !== ref.path || index.rows !== ref.rows || index.cols !== ref.cols) refuse(`the shard index describes ${index.path} (${index.rows}×${index.cols}), the job ${ref.path} (${ref.rows}×${ref.cols})`);
      // The same bytes (checked above) may carry another modification time on this machine.
      const local = await stat(ref.path);
      if (local.size !== index.size) refuse(`${ref.path} has ${local.size} bytes here, ${index.size} where it was indexed`);
      const source = shardSourceOf({ ...index, mtimeMs: local.mtimeMs });
      return { key, handle: externalHandle(externalDataset(source, index.rows, index.cols, index.selection.names)) };
    })();
    loaded.catch(() => {
      if (loadedKey === key) loaded = null;
    });
    return loaded;
  };

  const loadParams = (client: Redis, address: IterationAddress): Promise<unknown> => {
    const key = paramsKey(address);
    let found = params.get(key);
    if (!found) {
      found = client.getBuffer(key).then((bytes) => {
        if (bytes === null) refuse(`the parameters of run ${address.run}, iteration ${address.iteration} are no longer in Redis (expired, or Redis was restarted)`);
        return deserialize(bytes as Buffer);
      });
      found.catch(() => params.delete(key));
      params.set(key, found);
      // Parameters of the last few iterations only: a run moves forward.
      while (params.size > 4) params.delete(params.keys().next().value as string);
    }
    return found;
  };

  const runJob = async (job: Job): Promise<{ bytes: number }> => {
    const started = performance.now();
    const parsed = shardJobSchema.safeParse(job.data);
    if (!parsed.success) refuse(`invalid shard job: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`).join('; ')}`);
    const task = parsed.data as ShardJob;
    if (task.queue !== queue) refuse(`job of queue family "${task.queue}" on a worker of "${queue}"`);
    const plugin = plugins.get(task.plugin);
    if (!plugin) refuse(`unknown plugin "${task.plugin}": this worker has ${[...plugins.keys()].join(', ')}; install the plugin's package on every worker and start them with --plugin <package>`);
    if (!plugin!.moduleUrl) refuse(`plugin "${task.plugin}" has no moduleUrl, so its E-step cannot run on a thread`);
    if (dataRoot !== null && !resolvePath(task.data.path).startsWith(dataRoot + sep)) refuse(`${task.data.path} is outside this worker's --data-root ${dataRoot}`);
    const address: IterationAddress = { queue: task.queue, run: task.run, epoch: task.epoch, restart: task.restart, iteration: task.iteration };
    // The data first: a worker that sees another file should say so, whatever else is wrong.
    const { handle } = await loadData(task.data, address);
    const current = await loadParams(client, address);
    let result;
    try {
      result = await pool.runEStep({ plugin: { url: plugin!.moduleUrl!, name: plugin!.name }, params: current, data: handle, shard: task.range, shardIndex: task.shard });
    } catch (error) {
      // An E-step is a pure function of (params, rows): on another worker it fails the same way.
      refuse(`plugin "${task.plugin}" failed on shard ${task.shard} (rows ${task.range.start + 1}–${task.range.end}): ${error instanceof Error ? error.message.split('\u0000')[0] : String(error)}`);
    }
    const bytes = encodeShardResult(result!.logLikelihood, result!.stats);
    await client.set(shardResultKey(address, task.shard), bytes, 'EX', ttl);
    emit({ type: 'completed', jobId: job.id ?? '', plugin: task.plugin, rows: task.range.end - task.range.start, milliseconds: performance.now() - started });
    return { bytes: bytes.length };
  };

  const worker = new Worker(queueNames(queue).shards, runJob, {
    connection: workerConnection(target),
    concurrency,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
    // A shard of a killed worker is re-queued up to this many times before the run fails.
    maxStalledCount: 5,
    autorun: true,
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    emit({ type: error instanceof UnrecoverableError || error.name === 'UnrecoverableError' ? 'refused' : 'failed', jobId: job.id ?? '', reason: error.message });
  });
  worker.on('error', (error) => emit({ type: 'redis-error', reason: `${target.display}: ${describeRedisError(error)}` }));
  await worker.waitUntilReady();

  let closing: Promise<void> | null = null;
  return {
    concurrency,
    close() {
      closing ??= (async () => {
        await worker.close();
        client.disconnect();
        if (!options.pool) await pool.close();
      })();
      return closing;
    },
  };
}
