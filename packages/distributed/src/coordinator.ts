import { randomBytes } from 'node:crypto';
import { serialize } from 'node:v8';
import { FlowProducer, Job, Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import {
  FitError,
  OptionError,
  mergeStatsOf,
  planShards,
  resolveDriverOptions,
  restartsToRun,
  runRestart,
  selectBestRestart,
  throwIfAborted,
  type Dataset,
  type DriverOptions,
  type EStepExecutor,
  type EStepOutcome,
  type FitResult,
  type ModelPlugin,
  type RestartResult,
  type RowRange,
} from '@emkit/core';
import type { SharedDataFile } from './data-file.js';
import { RedisUnavailableError, checkRedis, coordinatorConnection, describeRedisError, parseRedisUrl, type RedisTarget } from './connection.js';
import {
  PROTOCOL_VERSION,
  type DataReference,
  type IterationAddress,
  indexKey,
  type ShardJob,
  decodeCheckpoint,
  decodeShardResult,
  encodeCheckpoint,
  iterationJobId,
  mergedKey,
  paramsKey,
  queueNames,
  runKeyPrefix,
  runMetaKey,
  sha256,
  shardJobId,
  shardResultKey,
} from './protocol.js';

export interface DistributedFitOptions extends Omit<DriverOptions, 'executor'> {
  /** redis://[user:password@]host:port[/db] or rediss://… (TLS). */
  readonly redis: string | RedisTarget;
  /** The data file every worker reads its shards from, as `shareDataFile` describes it. */
  readonly dataFile: SharedDataFile;
  /**
   * The run's name in Redis (letters, digits, - and _). Default: derived from the plugin, its
   * options, the driver settings and the data's fingerprint, so the same command names the
   * same run and `resume` needs nothing else.
   */
  readonly run?: string;
  /** Continue a run from the iterations checkpointed in Redis instead of starting it afresh. */
  readonly resume?: boolean;
  /** The queue family (default `emkit`). */
  readonly queue?: string;
  /** How long to wait for a worker to take shards before giving up (ms, default 30 000). */
  readonly workerTimeoutMs?: number;
  /** How long a run's checkpoints stay in Redis (s, default 7 days). */
  readonly checkpointTtlSeconds?: number;
  /** Messages for the user (resumed from iteration n, waiting for workers). */
  readonly onNotice?: (message: string) => void;
}

export interface DistributedFitResult<P, O> extends FitResult<P, O> {
  readonly run: string;
  /** E-steps taken from Redis checkpoints instead of being computed again (0 on a fresh run). */
  readonly resumedIterations: number;
}

interface RunMeta {
  readonly fingerprint: string;
  readonly epoch: string;
}

interface Connections {
  readonly target: RedisTarget;
  readonly queue: string;
  readonly client: Redis;
  readonly shards: Queue;
  readonly iterations: Queue;
  readonly flows: FlowProducer;
}

const SHARD_ATTEMPTS = 3;

/**
 * Fits with every E-step run as BullMQ jobs on `emkit worker` processes: one flow per iteration
 * (parent = the iteration, children = its shards), parameters published once under a key,
 * statistics returned as bytes and merged here in shard order — the arithmetic of core's
 * in-process executor, so the result is bit-identical to a local fit with the same shard plan.
 * The merged statistics of every iteration are checkpointed in Redis; `resume` replays the
 * deterministic driver through them, so no finished E-step is computed again.
 */
export async function fitDistributed<P, O>(
  plugin: ModelPlugin<P, O>,
  data: Dataset,
  rawOptions: unknown,
  options: DistributedFitOptions,
): Promise<DistributedFitResult<P, O>> {
  const { redis, dataFile, resume = false, queue = 'emkit', workerTimeoutMs = 30_000, checkpointTtlSeconds = 7 * 86_400, onNotice, ...driverOptions } = options;
  const parsed = plugin.parseOptions(rawOptions);
  const resolved = resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, driverOptions);
  const dataReference = dataFile.reference;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(queue)) throw new OptionError({ field: 'queue', detail: `"${queue}" must be 1–64 letters, digits, - or _` });
  if (dataReference.rows !== data.rows || dataReference.cols !== data.cols) throw new OptionError({ field: 'dataFile', detail: `describes ${dataReference.rows}×${dataReference.cols} rows, the data has ${data.rows}×${data.cols}` });
  const fingerprint = sha256(
    JSON.stringify({ plugin: plugin.name, options: serialize(parsed).toString('base64'), driver: { ...resolved, restarts: undefined }, data: dataReference }),
  ).toString('hex');
  const run = options.run ?? `${plugin.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${fingerprint.slice(0, 16)}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(run)) throw new OptionError({ field: 'run', detail: `"${run}" must be 1–64 letters, digits, - or _` });
  const target = typeof redis === 'string' ? parseRedisUrl(redis) : redis;
  await checkRedis(target, 10_000);

  const connection = coordinatorConnection(target, 10_000);
  const names = queueNames(queue);
  const shardsQueue = new Queue(names.shards, { connection });
  const iterationsQueue = new Queue(names.iterations, { connection });
  const flows = new FlowProducer({ connection });
  shardsQueue.on('error', () => {});
  iterationsQueue.on('error', () => {});
  flows.on('error', () => {});
  // emkit's own keys (parameters, statistics, checkpoints) go through a plain ioredis client.
  const client = new Redis(connection as RedisOptions);
  client.on('error', () => {});
  try {
    const conn: Connections = { target, queue, client, shards: shardsQueue, iterations: iterationsQueue, flows };
    const meta = await redisCall(conn, () => startOrResume(conn, run, fingerprint, resume, onNotice));
    // The shard index once per run; jobs name it by its digest.
    await redisCall(conn, () => client.set(indexKey({ queue, run, epoch: meta.epoch }, dataReference.index), dataFile.indexJson, 'EX', checkpointTtlSeconds));
    await waitForWorkers(conn, workerTimeoutMs, driverOptions.signal, onNotice);
    const shards = planShards(data.rows, resolved.shardRows);
    const results: RestartResult<P>[] = [];
    let resumedIterations = 0;
    for (let restart = 0, restarts = restartsToRun(plugin, parsed, resolved.restarts, data.rows); restart < restarts; restart++) {
      const executor = redisExecutor(conn, { run, epoch: meta.epoch, restart, plugin: plugin.name, dataReference, checkpointTtlSeconds, workerTimeoutMs, shards, onResumed: () => resumedIterations++ });
      results.push(await runRestart(plugin, data, parsed, restart, { ...driverOptions, executor }));
    }
    const best = selectBestRestart(plugin, data, parsed, results);
    if (resumedIterations > 0) onNotice?.(`resumed run ${run}: ${resumedIterations} E-step(s) taken from Redis checkpoints`);
    await redisCall(conn, () => deleteRunKeys(client, queue, run)).catch(() => {});
    return { ...best, run, resumedIterations };
  } finally {
    await Promise.allSettled([shardsQueue.close(), iterationsQueue.close(), flows.close(), client.quit()]);
  }
}

/** A fresh epoch (old keys of the run are deleted), or the stored one when resuming. */
async function startOrResume(conn: Connections, run: string, fingerprint: string, resume: boolean, onNotice?: (message: string) => void): Promise<RunMeta> {
  const key = runMetaKey(conn.queue, run);
  const stored = await conn.client.get(key);
  if (resume && stored !== null) {
    const meta = JSON.parse(stored) as RunMeta;
    if (meta.fingerprint !== fingerprint)
      throw new OptionError({
        field: 'resume',
        detail: `run ${run} in Redis was started with other data, options or settings; resume it with the same command, or start afresh without --resume`,
      });
    return meta;
  }
  if (resume) onNotice?.(`nothing to resume for run ${run} in Redis (finished, expired, or Redis was restarted); starting from iteration 1`);
  await deleteRunKeys(conn.client, conn.queue, run);
  const meta: RunMeta = { fingerprint, epoch: randomBytes(6).toString('hex') };
  await conn.client.set(key, JSON.stringify(meta));
  return meta;
}

async function deleteRunKeys(client: Redis, queue: string, run: string): Promise<void> {
  const pattern = `${runKeyPrefix(queue, run)}:*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Waits until a worker serves the shard queue; after `timeoutMs` without one, a clear error. */
async function waitForWorkers(conn: Connections, timeoutMs: number, signal: AbortSignal | undefined, onNotice?: (message: string) => void): Promise<void> {
  const started = Date.now();
  let told = false;
  for (;;) {
    throwIfAborted(signal);
    const count = await redisCall(conn, () => conn.shards.getWorkersCount());
    if (count > 0) return;
    if (Date.now() - started >= timeoutMs) throw noWorkerError(conn, timeoutMs);
    if (!told) onNotice?.(`waiting for an emkit worker on ${conn.target.display} (queue ${conn.queue})…`);
    told = true;
    await sleep(200);
  }
}

function noWorkerError(conn: Connections, timeoutMs: number): RedisUnavailableError {
  return new RedisUnavailableError({
    detail: `no emkit worker took shard jobs on ${conn.target.display} (queue ${conn.queue}) within ${Math.round(timeoutMs / 1000)} s; start workers with \`emkit worker --redis ${conn.target.display}\`${conn.queue === 'emkit' ? '' : ` --queue ${conn.queue}`}, or raise --worker-timeout`,
  });
}

interface ExecutorContext {
  readonly run: string;
  readonly epoch: string;
  readonly restart: number;
  readonly plugin: string;
  readonly dataReference: DataReference;
  readonly checkpointTtlSeconds: number;
  readonly workerTimeoutMs: number;
  readonly shards: readonly RowRange[];
  readonly onResumed: () => void;
}

/**
 * The E-step executor of one restart. The driver calls it once per iteration in order, so the
 * n-th call is iteration n (the final E-step included).
 */
function redisExecutor(conn: Connections, context: ExecutorContext): EStepExecutor {
  let iteration = 0;
  return {
    eStep<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, shards: readonly RowRange[], signal?: AbortSignal): Promise<EStepOutcome> {
      iteration++;
      const address: IterationAddress = { queue: conn.queue, run: context.run, epoch: context.epoch, restart: context.restart, iteration };
      return redisCall(conn, () => distributedEStep(conn, context, address, plugin, params, data, shards, signal));
    },
  };
}

async function distributedEStep<P>(
  conn: Connections,
  context: ExecutorContext,
  address: IterationAddress,
  plugin: ModelPlugin<P, unknown>,
  params: P,
  data: Dataset,
  shards: readonly RowRange[],
  signal: AbortSignal | undefined,
): Promise<EStepOutcome> {
  const { client } = conn;
  const statsLength = plugin.createStats(params, data.cols).length;
  const paramsBytes = serialize(params);
  const digest = sha256(paramsBytes);

  const checkpoint = await client.getBuffer(mergedKey(address));
  if (checkpoint !== null) {
    const decoded = decodeCheckpoint(checkpoint, statsLength);
    if (decoded === null || !decoded.paramsDigest.equals(digest))
      throw new FitError({
        plugin: plugin.name,
        iteration: address.iteration,
        detail: `the checkpoint of run ${address.run} does not match this fit (other data or code?); start afresh without --resume`,
      });
    context.onResumed();
    return { stats: decoded.stats, logLikelihood: decoded.logLikelihood };
  }

  const ttl = context.checkpointTtlSeconds;
  await client.set(paramsKey(address), paramsBytes, 'EX', ttl);
  const names = queueNames(conn.queue);
  const parentId = iterationJobId(address);
  await conn.flows.add({
    name: 'iteration',
    queueName: names.iterations,
    data: { run: address.run, restart: address.restart, iteration: address.iteration, shards: shards.length },
    opts: { jobId: parentId },
    children: shards.map((range, shard) => {
      const job: ShardJob = {
        version: PROTOCOL_VERSION,
        queue: conn.queue,
        run: address.run,
        epoch: address.epoch,
        restart: address.restart,
        iteration: address.iteration,
        shard,
        plugin: context.plugin,
        data: context.dataReference,
        range: { start: range.start, end: range.end },
      };
      return {
        name: 'shard',
        queueName: names.shards,
        data: job,
        opts: { jobId: shardJobId(address, shard), failParentOnFailure: true, attempts: SHARD_ATTEMPTS, backoff: { type: 'fixed', delay: 500 }, removeOnFail: false },
      };
    }),
  });

  await waitForShards(conn, context, address, plugin.name, shards, signal);

  const keys = shards.map((_, shard) => shardResultKey(address, shard));
  const buffers = await client.mgetBuffer(...keys);
  const stats = plugin.createStats(params, data.cols);
  let logLikelihood = 0;
  buffers.forEach((bytes, shard) => {
    const decoded = bytes === null ? null : decodeShardResult(bytes, statsLength);
    if (decoded === null)
      throw new RedisUnavailableError({
        detail: `the statistics of shard ${shard} (iteration ${address.iteration}) are ${bytes === null ? 'missing from' : 'malformed in'} Redis at ${conn.target.display}; was Redis restarted? Rerun with --resume`,
      });
    logLikelihood += decoded.logLikelihood;
    mergeStatsOf(plugin, stats, decoded.stats, params);
  });

  // Checkpoint first, then clean up: a coordinator killed in between resumes from the checkpoint.
  await client.set(mergedKey(address), encodeCheckpoint(digest, logLikelihood, stats), 'EX', ttl);
  await conn.iterations.remove(parentId, { removeChildren: true }).catch(() => 0);
  await client.del(paramsKey(address), ...keys);
  return { stats, logLikelihood };
}

/**
 * Polls the iteration's parent job until every child is processed. A failed child fails the
 * fit with its reason; a vanished parent means Redis lost its state; no progress and no worker
 * for `workerTimeoutMs` is an error rather than a hang.
 */
async function waitForShards(conn: Connections, context: ExecutorContext, address: IterationAddress, plugin: string, shards: readonly RowRange[], signal: AbortSignal | undefined): Promise<void> {
  const parentId = iterationJobId(address);
  const parent = new Job(conn.iterations, 'iteration', {}, {}, parentId);
  let lastProcessed = -1;
  let lastProgress = Date.now();
  let delay = 2;
  for (;;) {
    throwIfAborted(signal);
    const [state, counts] = await Promise.all([parent.getState(), parent.getDependenciesCount()]);
    if (state === 'unknown')
      throw new RedisUnavailableError({ detail: `the jobs of iteration ${address.iteration} vanished from Redis at ${conn.target.display} (was it restarted without persistence?); rerun with --resume` });
    if ((counts.failed ?? 0) > 0) throw await failedShardError(conn, address, plugin, shards);
    if ((counts.unprocessed ?? 0) === 0) return;
    if (counts.processed !== lastProcessed) {
      lastProcessed = counts.processed ?? 0;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > context.workerTimeoutMs) {
      // Shards may be slow; only the absence of any worker is an error.
      if ((await conn.shards.getWorkersCount()) === 0) throw noWorkerError(conn, context.workerTimeoutMs);
      lastProgress = Date.now();
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 10);
  }
}

async function failedShardError(conn: Connections, address: IterationAddress, plugin: string, shards: readonly RowRange[]): Promise<FitError> {
  for (let shard = 0; shard < shards.length; shard++) {
    const job = await Job.fromId(conn.shards, shardJobId(address, shard));
    if (job && (await job.isFailed())) {
      // The iteration is lost; its other shards need not run.
      await conn.iterations.remove(iterationJobId(address), { removeChildren: true }).catch(() => 0);
      return new FitError({
        plugin,
        iteration: address.iteration,
        detail: `a worker refused or failed shard ${shard} (rows ${shards[shard].start + 1}–${shards[shard].end}): ${job.failedReason}`,
      });
    }
  }
  return new FitError({ plugin, iteration: address.iteration, detail: 'a shard job failed on a worker' });
}

/** Redis commands that fail because the server is gone become one clear error. */
async function redisCall<T>(conn: Connections, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Connection is closed|ECONNREFUSED|ECONNRESET|MaxRetriesPerRequest|Reached the max retries|Stream isn't writeable|ETIMEDOUT|LOADING/i.test(message))
      throw new RedisUnavailableError({
        detail: `lost the connection to Redis at ${conn.target.display} (${describeRedisError(error)}); finished iterations are checkpointed there: rerun with --resume once it is back`,
        cause: error,
      });
    throw error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
