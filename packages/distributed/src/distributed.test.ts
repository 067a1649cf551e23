import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from '@emkit/core';
import { indexFile, readTable } from '@emkit/io/node';
import { gmmPlugin } from '@emkit/gmm';
import { type TestRedis, startRedis } from '../../../tools/test-support/redis.js';
import { RedisUnavailableError, fitDistributed, parseRedisUrl, shareDataFile, startShardWorker, type ShardWorker } from './index.js';
import { PROTOCOL_VERSION, decodeShardResult, encodeShardResult, shardJobSchema, type ShardJob } from './protocol.js';

describe('parseRedisUrl', () => {
  it('reads host, port, database, user and password; rediss:// turns TLS on', () => {
    expect(parseRedisUrl('redis://10.0.0.5').options).toMatchObject({ host: '10.0.0.5', port: 6379, db: 0 });
    const tls = parseRedisUrl('rediss://alice:s%40cret@redis.example:6380/2');
    expect(tls.options).toMatchObject({ host: 'redis.example', port: 6380, db: 2, username: 'alice', password: 's@cret', tls: { servername: 'redis.example' } });
    expect(tls.display).toBe('rediss://alice:***@redis.example:6380/2');
    expect(parseRedisUrl('redis://:pw@h:1').options).toMatchObject({ password: 'pw' });
    expect(parseRedisUrl('redis://h').options.tls).toBeUndefined();
  });

  it('refuses what is not a redis URL, naming the flag', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(/redis: .*not supported|redis: .*not a URL/);
    expect(() => parseRedisUrl('http://h:1')).toThrow(/use redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/database "x"/);
  });

  it('never shows the password', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 20 }).filter((p) => /^[A-Za-z0-9]+$/.test(p)), (password) => {
        const { display } = parseRedisUrl(`rediss://user:${password}@host:6380`);
        expect(display).not.toContain(password);
      }),
    );
  });
});

describe('binary shard results', () => {
  it('round-trip every float64 bit for bit (−0, subnormals, extremes)', () => {
    fc.assert(
      fc.property(fc.double(), fc.array(fc.double({ noNaN: true }), { maxLength: 50 }), (ll, values) => {
        const stats = Float64Array.from(values);
        const decoded = decodeShardResult(encodeShardResult(ll, stats), stats.length)!;
        expect(Object.is(decoded.logLikelihood, ll)).toBe(true);
        for (let i = 0; i < stats.length; i++) expect(Object.is(decoded.stats[i], stats[i])).toBe(true);
      }),
    );
  });

  it('a result of the wrong length is rejected', () => {
    expect(decodeShardResult(encodeShardResult(1, new Float64Array(3)), 4)).toBeNull();
  });
});

const temp = mkdtempSync(join(tmpdir(), 'emkit-distributed-lib-'));
let redis: TestRedis;
let worker: ShardWorker;
let path: string;
const events: string[] = [];

beforeAll(async () => {
  redis = await startRedis({ password: 'test-secret' });
  path = join(temp, 'data.csv');
  writeFileSync(path, `x,y\n${Array.from({ length: 20_000 }, (_, i) => `${(i % 2) * 6 + Math.sin(i)},${Math.cos(i * 0.7) + (i % 2)}`).join('\n')}\n`);
  worker = await startShardWorker({ redis: redis.url, plugins: [gmmPlugin], concurrency: 2, lockDurationMs: 2000, onEvent: (e) => events.push(e.type) });
});

afterAll(async () => {
  await worker?.close();
  await redis?.stop();
  rmSync(temp, { recursive: true, force: true });
});

describe('fitDistributed with an in-process shard worker (Redis with a password)', () => {
  it('equals core fit bit for bit', async () => {
    const { dataset: data } = await readTable(path);
    const driver = { seed: 3, shardRows: 3000, restarts: 2 };
    const dataFile = await shareDataFile((await indexFile(path, { format: 'csv', shardRows: driver.shardRows })).reference);
    const options = { k: 2, covariance: 'full' };
    const distributed = await fitDistributed(gmmPlugin, data, options, { ...driver, redis: redis.url, dataFile });
    const local = await fit(gmmPlugin, data, options, driver);
    expect(distributed.history).toEqual(local.history);
    expect(gmmPlugin.toJSON(distributed.params, distributed.options)).toEqual(gmmPlugin.toJSON(local.params, local.options));
    expect(Object.is(distributed.logLikelihood, local.logLikelihood)).toBe(true);
    expect(distributed.resumedIterations).toBe(0);
  });

  it("reads the shards out of core as a local out-of-core fit does: standardised, from the coordinator's index", async () => {
    const indexed = await indexFile(path, { format: 'csv', columns: 'y,x', standardize: true, sampleRows: 500, seed: 1, shardRows: 4096 });
    const driver = { seed: 1, shardRows: 4096, initData: indexed.sample! };
    const options = { k: 2, covariance: 'diag' };
    const distributed = await fitDistributed(gmmPlugin, indexed.dataset, options, { ...driver, redis: redis.url, dataFile: await shareDataFile(indexed.reference) });
    const local = await fit(gmmPlugin, indexed.dataset, options, driver);
    expect(distributed.history).toEqual(local.history);
    expect(gmmPlugin.toJSON(distributed.params, distributed.options)).toEqual(gmmPlugin.toJSON(local.params, local.options));
  });

  it('a wrong password is a clear error', async () => {
    const wrong = redis.url.replace('test-secret', 'nope');
    await expect(startShardWorker({ redis: wrong, plugins: [gmmPlugin] })).rejects.toThrow(/cannot reach Redis at redis:\/\/default:\*\*\*@127\.0\.0\.1:\d+: authentication failed/);
    await expect(startShardWorker({ redis: wrong, plugins: [gmmPlugin] })).rejects.toBeInstanceOf(RedisUnavailableError);
  });
});

/** A well-formed shard job for the data file of these tests (with a made-up fingerprint). */
function probeJob(overrides: Partial<ShardJob> = {}): ShardJob {
  return {
    version: PROTOCOL_VERSION,
    queue: 'emkit',
    run: 'probe',
    epoch: '0123456789ab',
    restart: 0,
    iteration: 1,
    shard: 0,
    plugin: 'gmm',
    data: { path, sha256: 'a'.repeat(64), rows: 20_000, cols: 2, index: 'b'.repeat(64) },
    range: { start: 0, end: 100 },
    ...overrides,
  };
}

describe('--data-root', () => {
  it('a worker refuses data outside its data root', async () => {
    const rooted = await startShardWorker({ redis: redis.url, plugins: [gmmPlugin], concurrency: 1, queue: 'rooted', dataRoot: join(temp, 'elsewhere') });
    const connection = { ...parseRedisUrl(redis.url).options };
    const queue = new Queue('rooted-shards', { connection });
    const queueEvents = new QueueEvents('rooted-shards', { connection });
    await queueEvents.waitUntilReady();
    try {
      const job = probeJob({ queue: 'rooted' });
      const added = await queue.add('shard', job, { jobId: 'probe-root' });
      await expect(added.waitUntilFinished(queueEvents, 30_000)).rejects.toThrow(/is outside this worker's --data-root/);
    } finally {
      await queueEvents.close();
      await queue.close();
      await rooted.close();
    }
  });
});

describe('job payloads are validated before use', () => {
  it('the schema accepts a well-formed job and rejects extra fields, relative paths and ranges outside the data', async () => {
    const job = probeJob();
    expect(shardJobSchema.safeParse(job).success).toBe(true);
    expect(shardJobSchema.safeParse({ ...job, code: 'process.exit()' }).success).toBe(false);
    expect(shardJobSchema.safeParse({ ...job, data: { ...job.data, path: 'data.csv' } }).success).toBe(false);
    expect(shardJobSchema.safeParse({ ...job, range: { start: 100, end: 20_001 } }).success).toBe(false);
    expect(shardJobSchema.safeParse({ ...job, run: 'a:b' }).success).toBe(false);
    expect(shardJobSchema.safeParse({ ...job, plugin: 'file:///tmp/evil.mjs' }).success).toBe(false);
  });

  it('the worker refuses, without retrying, a job naming an unknown plugin, a malformed job, and data that is not the coordinator\'s file', async () => {
    const connection = { ...parseRedisUrl(redis.url).options };
    const queue = new Queue('emkit-shards', { connection });
    const queueEvents = new QueueEvents('emkit-shards', { connection });
    await queueEvents.waitUntilReady();
    try {
      const job = probeJob();
      const cases: [string, unknown, RegExp][] = [
        ['unknown-plugin', { ...job, plugin: 'evil-plugin' }, /unknown plugin "evil-plugin": this worker has gmm; install the plugin's package on every worker/],
        ['malformed', { ...job, plugin: { url: 'data:text/javascript,process.exit(1)' } }, /invalid shard job: plugin:/],
        ['other-file', job, /is not the file the coordinator read \(SHA-256 differs\)/],
      ];
      for (const [id, data, reason] of cases) {
        const added = await queue.add('shard', data, { jobId: `probe-${id}`, attempts: 3 });
        await expect(added.waitUntilFinished(queueEvents, 30_000)).rejects.toThrow(reason);
        const after = await queue.getJob(added.id!);
        // UnrecoverableError: refused on the first attempt, never retried on another worker.
        expect(after?.attemptsMade).toBe(1);
      }
    } finally {
      await queueEvents.close();
      await queue.close();
    }
  });
});
