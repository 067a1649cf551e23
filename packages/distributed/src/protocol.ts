import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What travels through Redis. A shard job carries only a reference to the shard — the data file
 * every worker can read, its fingerprint and a row range — never rows and never code. Parameters
 * are published once per iteration under a key derived from (run, epoch, restart, iteration);
 * statistics come back as raw float64 bytes under a key derived from the shard. Workers derive
 * every key themselves, so a job cannot make them read or write keys of its choosing.
 */

/** Protocol version; a worker refuses jobs of another version. */
export const PROTOCOL_VERSION = 2;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const dataReferenceSchema = z.strictObject({
  /** An absolute path every worker can read (a shared file system). */
  path: z.string().min(2).max(4096).refine((p) => p.startsWith('/'), 'must be an absolute path'),
  /** SHA-256 of the file's bytes: a worker that sees another file refuses the job. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  rows: z.number().int().min(1),
  cols: z.number().int().min(1),
  /**
   * SHA-256 of the file's shard index (the ShardFileReference of @emkit/io: format, columns,
   * standardisation, CSV byte offsets), published once per run under indexKey. Workers read
   * their shards with it exactly as an out-of-core fit on one machine does.
   */
  index: z.string().regex(/^[0-9a-f]{64}$/),
});

const finiteNumber = z.number().refine(Number.isFinite, 'must be finite');
const columnIndex = z.number().int().min(0).max(1_000_000);

/** A shard index as published in Redis, checked before a worker reads a byte with it. */
export const shardIndexSchema = z.strictObject({
  path: z.string().min(2).max(4096),
  format: z.enum(['csv', 'parquet', 'arrow']),
  size: z.number().int().min(0),
  mtimeMs: finiteNumber,
  rows: z.number().int().min(1),
  cols: z.number().int().min(1),
  shardRows: z.number().int().min(1),
  selection: z.strictObject({
    features: z.array(columnIndex).min(1),
    label: columnIndex.nullable(),
    target: columnIndex.nullable(),
    names: z.array(z.string().max(4096)).nullable(),
  }),
  csv: z
    .strictObject({
      delimiter: z.enum([',', '\t', ';', '|']),
      firstDataLine: z.number().int().min(1),
      offsets: z.array(z.number().int().min(0)),
    })
    .nullable(),
  arrow: z.strictObject({ batchStarts: z.array(z.number().int().min(0)) }).nullable(),
  standardization: z.strictObject({ method: z.enum(['zscore', 'robust']), center: z.array(finiteNumber), scale: z.array(finiteNumber) }).nullable(),
  missing: z.enum(['error', 'marginalize']),
});

export type DataReference = z.infer<typeof dataReferenceSchema>;

export const shardJobSchema = z.strictObject({
  version: z.literal(PROTOCOL_VERSION),
  /** The queue family (`emkit` → queues emkit-shards and emkit-iterations). */
  queue: z.string().regex(NAME),
  run: z.string().regex(NAME),
  /** Changes whenever a run is started afresh (not resumed), so old jobs and keys never mix in. */
  epoch: z.string().regex(/^[0-9a-f]{8,32}$/),
  restart: z.number().int().min(0).max(1_000_000),
  iteration: z.number().int().min(1).max(100_000_000),
  shard: z.number().int().min(0),
  /** A plugin name; the worker looks it up among the plugins installed on its machine. */
  plugin: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  data: dataReferenceSchema,
  range: z.strictObject({ start: z.number().int().min(0), end: z.number().int().min(1) }),
}).refine((job) => job.range.start < job.range.end && job.range.end <= job.data.rows, { message: 'range must be a non-empty row range inside the data', path: ['range'] });

export type ShardJob = z.infer<typeof shardJobSchema>;

/** Where one iteration of one restart lives. */
export interface IterationAddress {
  readonly queue: string;
  readonly run: string;
  readonly epoch: string;
  readonly restart: number;
  readonly iteration: number;
}

export const queueNames = (queue: string) => ({ shards: `${queue}-shards`, iterations: `${queue}-iterations` });

/** Prefix of every key a run owns (besides BullMQ's own job keys). */
export const runKeyPrefix = (queue: string, run: string) => `emkit:${queue}:run:${run}`;
export const runMetaKey = (queue: string, run: string) => `${runKeyPrefix(queue, run)}:meta`;

const iterationKey = (a: IterationAddress) => `${runKeyPrefix(a.queue, a.run)}:${a.epoch}:r${a.restart}:i${a.iteration}`;
export const paramsKey = (a: IterationAddress) => `${iterationKey(a)}:params`;
export const mergedKey = (a: IterationAddress) => `${iterationKey(a)}:merged`;
export const shardResultKey = (a: IterationAddress, shard: number) => `${iterationKey(a)}:s${shard}`;
/** Where a run publishes its data file's shard index (by the index's digest). */
export const indexKey = (a: Pick<IterationAddress, 'queue' | 'run' | 'epoch'>, digest: string) => `${runKeyPrefix(a.queue, a.run)}:${a.epoch}:index:${digest}`;

/*
 * BullMQ job ids: no ':' (its key separator), never all digits. One id per (run, epoch, restart,
 * iteration[, shard]), so a job queued twice — a coordinator resumed, a worker retried — is one
 * job, and its shard is counted once.
 */
export const iterationJobId = (a: IterationAddress) => `${a.run}-${a.epoch}-r${a.restart}-i${a.iteration}`;
export const shardJobId = (a: IterationAddress, shard: number) => `${iterationJobId(a)}-s${shard}`;

/** A shard's result as bytes: [logLikelihood, ...stats] as little-endian float64. */
export function encodeShardResult(logLikelihood: number, stats: Float64Array): Buffer {
  const out = Buffer.allocUnsafe((stats.length + 1) * 8);
  out.writeDoubleLE(logLikelihood, 0);
  for (let i = 0; i < stats.length; i++) out.writeDoubleLE(stats[i], (i + 1) * 8);
  return out;
}

/** The inverse of encodeShardResult; null when the byte count is not `statsLength + 1` doubles. */
export function decodeShardResult(bytes: Buffer, statsLength: number): { logLikelihood: number; stats: Float64Array } | null {
  if (bytes.length !== (statsLength + 1) * 8) return null;
  const stats = new Float64Array(statsLength);
  for (let i = 0; i < statsLength; i++) stats[i] = bytes.readDoubleLE((i + 1) * 8);
  return { logLikelihood: bytes.readDoubleLE(0), stats };
}

/** A checkpointed iteration: the digest of the parameters its E-step used, then its merged result. */
export function encodeCheckpoint(paramsDigest: Buffer, logLikelihood: number, stats: Float64Array): Buffer {
  return Buffer.concat([paramsDigest, encodeShardResult(logLikelihood, stats)]);
}

export function decodeCheckpoint(bytes: Buffer, statsLength: number): { paramsDigest: Buffer; logLikelihood: number; stats: Float64Array } | null {
  if (bytes.length < 32) return null;
  const result = decodeShardResult(bytes.subarray(32), statsLength);
  return result && { paramsDigest: bytes.subarray(0, 32), ...result };
}

export function sha256(bytes: Buffer | string): Buffer {
  return createHash('sha256').update(bytes).digest();
}
