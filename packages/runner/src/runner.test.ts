import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InputError, OptionError, createDataset, fit as fitInProcess } from '@emkit/core';
import { readMclustFixture } from '../../../tools/test-support/mclust.js';
import { gmmPlugin } from '@emkit/gmm';
import { kmeansPlugin } from '@emkit/kmeans';
// The built package: its worker threads load dist/node/worker.js next to it.
import { fit, NodeWorkerPool } from '../dist/node/index.js';
import { fitWithPool, WorkerError } from '../dist/index.js';
import { blobs, expectSameBits as sameBits, readFixture, readFixtureDataset } from './test-support/data.js';
import { trackedPool } from './test-support/pools.js';

const faultyUrl = new URL('./test-support/faulty-plugins.mjs', import.meta.url).href;
const execFileAsync = promisify(execFile);
const faulty = (await import(faultyUrl)) as Record<string, typeof gmmPlugin>;

describe('results do not depend on the number of workers', () => {
  for (const name of ['gmm-iris-full.json', 'gmm-faithful-tied.json', 'gmm-blobs-diag.json']) {
    it(`${name}: bit-identical for 1, 2 and 4 workers and equal to the in-process driver`, async () => {
      const fx = readFixture<{ dataset: string; k: number; covariance: string; regCovar: number; tol: number; init: unknown }>(name);
      const data = readFixtureDataset(fx.dataset);
      const options = { k: fx.k, covariance: fx.covariance, regCovar: fx.regCovar, regCovarScale: 'none', init: fx.init };
      const driver = { tol: fx.tol, maxIter: 5000, shardRows: 50 };
      const reference = await fitInProcess(gmmPlugin, data, options, driver);
      for (const workers of [1, 2, 4]) sameBits(reference, await fit(gmmPlugin, data, options, { ...driver, workers }));
    });
  }

  it('generated data whose N is not a multiple of the shard size, several covariance types and restarts', async () => {
    const data = blobs(3, 1003, 3, 4);
    for (const covariance of ['full', 'spherical']) {
      const options = { k: 4, covariance, initMethod: 'kmeans++' };
      const driver = { tol: 1e-6, maxIter: 200, shardRows: 97, seed: 11, restarts: 3 };
      const reference = await fitInProcess(gmmPlugin, data, options, driver);
      for (const workers of [1, 2, 4]) {
        sameBits(reference, await fit(gmmPlugin, data, options, { ...driver, workers, parallelism: 'shards' }));
        sameBits(reference, await fit(gmmPlugin, data, options, { ...driver, workers, parallelism: 'restarts' }));
      }
    }
  });

  it("gmm's emEM and hc (VVV) starts: bit-identical for 1 and 2 workers (sharded and whole restarts) and equal to the in-process driver", async () => {
    const data = blobs(6, 503, 3, 3);
    for (const options of [
      { k: 3, covariance: 'VEV', initMethod: 'emEM', shortRuns: 5, shortRunIterations: 3, shortRunsKept: 2 },
      { k: 3, covariance: 'full', initMethod: 'hc' },
    ]) {
      const driver = { tol: 1e-8, maxIter: 100, shardRows: 97, seed: 5, restarts: 2 };
      const reference = await fitInProcess(gmmPlugin, data, options, driver);
      for (const workers of [1, 2]) {
        sameBits(reference, await fit(gmmPlugin, data, options, { ...driver, workers, parallelism: 'shards' }));
        sameBits(reference, await fit(gmmPlugin, data, options, { ...driver, workers, parallelism: 'restarts' }));
      }
    }
  }, 240_000);

  it("gmm's default restart count ('auto': ten on 503 rows, one with the hc start): the same on workers as in-process", async () => {
    const data = blobs(7, 503, 2, 3);
    for (const [options, count] of [
      [{ k: 3, covariance: 'diag', shortRuns: 4, shortRunIterations: 3, shortRunsKept: 1 }, 10],
      [{ k: 3, covariance: 'diag', initMethod: 'hc' }, 1],
    ] as const) {
      const driver = { tol: 1e-6, maxIter: 100, shardRows: 97, seed: 3 };
      const reference = await fitInProcess(gmmPlugin, data, options, driver);
      expect(reference.restarts.length + reference.failedRestarts.length).toBe(count);
      for (const workers of [1, 2]) sameBits(reference, await fit(gmmPlugin, data, options, { ...driver, workers }));
    }
  }, 240_000);

  for (const kernels of ['wasm', 'js'])
    it(`${kernels} kernels: all four covariance types bit-identical for 1, 2 and 4 workers and equal to the in-process driver`, async () => {
      const data = blobs(5, 1003, 5, 3);
      for (const covariance of ['full', 'tied', 'diag', 'spherical']) {
        const options = { k: 3, covariance, initMethod: 'kmeans++', kernels };
        const driver = { tol: 1e-8, maxIter: 25, shardRows: 97, seed: 2 };
        const reference = await fitInProcess(gmmPlugin, data, options, driver);
        expect(reference.params.kernels).toBe(kernels);
        for (const workers of [1, 2, 4]) sameBits(reference, await fit(gmmPlugin, data, options, { ...driver, workers }));
      }
    }, 240_000);

  it('the winning restart is the same for 1 and 2 workers (restarts run concurrently)', async () => {
    const data = blobs(8, 600, 2, 5);
    const options = { k: 5, covariance: 'full', initMethod: 'random' };
    const driver = { maxIter: 100, seed: 4, restarts: 6, shardRows: 128 };
    const one = await fit(gmmPlugin, data, options, { ...driver, workers: 1 });
    const two = await fit(gmmPlugin, data, options, { ...driver, workers: 2 });
    sameBits(one, two);
    expect(two.restarts.map((r) => r.meanLogLikelihood)).toEqual(one.restarts.map((r) => r.meanLogLikelihood));
    // The restarts really differ, so picking the best one matters.
    expect(new Set(one.restarts.map((r) => r.meanLogLikelihood)).size).toBeGreaterThan(1);
  });

  it('k-means (a plugin with a custom merge) is worker-count independent too, with wasm and js kernels alike', async () => {
    const data = blobs(5, 777, 4, 3);
    const driver = { seed: 2, shardRows: 100 };
    const scalar = await fitInProcess(kmeansPlugin, data, { k: 6, kernels: 'js' }, driver);
    for (const kernels of ['wasm', 'js']) {
      const options = { k: 6, kernels };
      const reference = await fitInProcess(kmeansPlugin, data, options, driver);
      expect(Array.from(reference.params.centers)).toEqual(Array.from(scalar.params.centers));
      for (const workers of [1, 2, 3, 4]) {
        const r = await fit(kmeansPlugin, data, options, { ...driver, workers });
        expect(Array.from(r.params.centers)).toEqual(Array.from(reference.params.centers));
        expect(r.meanLogLikelihood).toBe(reference.meanLogLikelihood);
      }
    }
  });

  it("restarts that fail (a singular start) are recorded alike on workers and in-process; the best successful one wins", async () => {
    // The case: diabetes, K = 3, regCovar 0, 10 restarts from k-means; some start singular
    // (gmm's default start, emEM, drops its failing short runs instead).
    const fx = readMclustFixture('diabetes');
    const data = createDataset(Float64Array.from(fx.data), fx.n, fx.d);
    const options = { k: 3, regCovar: 0, initMethod: 'kmeans' };
    const driver = { restarts: 10, seed: 0, shardRows: 50 };
    const reference = await fitInProcess(gmmPlugin, data, options, driver);
    expect(reference.failedRestarts.length).toBeGreaterThan(0);
    expect(reference.failedRestarts[0].reason).toMatch(/singular/);
    for (const parallelism of ['shards', 'restarts'] as const) {
      const r = await fit(gmmPlugin, data, options, { ...driver, workers: 2, parallelism });
      expect(r.failedRestarts).toEqual(reference.failedRestarts);
      sameBits(reference, r);
    }
  });

  it('progress reaches the caller in both modes', async () => {
    const data = blobs(1, 300, 2, 3);
    const seen: number[] = [];
    await fit(gmmPlugin, data, { k: 3 }, { workers: 2, restarts: 2, onProgress: (p) => seen.push(p.restart) });
    expect(new Set(seen)).toEqual(new Set([0, 1]));
  });
});

describe('faults', () => {
  const data = blobs(2, 640, 2, 3); // 10 shards of 64 rows
  const init = { means: [[0, 0], [5, 5], [-5, 5]] };

  // How fast it rejects is measured in bench/latency.mjs.
  it('an E-step that throws on shard 3 rejects, naming plugin and shard, and leaves no worker running', async () => {
    let pool: NodeWorkerPool | undefined;
    const error = await fitWithPool(faulty.throwsOnShard3, data, { k: 3, init }, { shardRows: 64, workers: 2 }, (n) => (pool = new NodeWorkerPool(n)), 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as Error).message).toMatch(/throws-on-shard-3.*shard 3 \(rows 193–256\).*deliberate failure/);
    expect(pool!.threadCount).toBe(0);
  });

  it('E-steps failing on every shard at once reject once, and the process goes on', async () => {
    // Aborting a sibling whose own failure was already posted made piscina emit an 'error' event
    // nobody listened to: an uncaught exception that ended the process. In its own process, as
    // the test runner's handlers would hide exactly that.
    const script = `
      import { fitWithPool } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      import { NodeWorkerPool } from ${JSON.stringify(new URL('../dist/node/index.js', import.meta.url).href)};
      import { createDataset } from '@emkit/core';
      const { throwsOnEveryShard } = await import(${JSON.stringify(faultyUrl)});
      const data = createDataset(new Float64Array(6000).map((_, i) => (i * 7919) % 13), 3000, 2);
      for (let run = 0; run < 5; run++) {
        const error = await fitWithPool(throwsOnEveryShard, data, { k: 3 }, { shardRows: 1000, workers: 2 }, (n) => new NodeWorkerPool(n), 2).catch((e) => e);
        if (!/deliberate failure on every shard/.test(error.message)) throw error;
      }
      console.log('survived');`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    expect(stdout.trim()).toBe('survived');
  });

  it('an emkit error from a worker arrives as that error (code, fields, message), not as a worker failure', async () => {
    for (const parallelism of ['shards', 'restarts'] as const) {
      const error = await fitWithPool(faulty.refusesShard1, data, { k: 3, init }, { shardRows: 64, workers: 2, restarts: 2, parallelism }, (n) => new NodeWorkerPool(n), 2).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ code: 'input', source: 'data', message: 'data: row 65, column 1 is not allowed' });
    }
    const gmmOnWorkers = await fitWithPool(gmmPlugin, blobs(1, 4, 2, 3), { k: 5 }, { workers: 2, restarts: 2, parallelism: 'restarts' }, (n) => new NodeWorkerPool(n), 2).catch((e: unknown) => e);
    expect(gmmOnWorkers).toBeInstanceOf(OptionError);
    expect(gmmOnWorkers).toMatchObject({ field: 'k', message: 'k: 5 components need at least 5 rows; the data has 4' });
  });

  it('a worker that dies becomes an error, not a hang', async () => {
    let pool: NodeWorkerPool | undefined;
    const error = await fitWithPool(faulty.diesOnShard2, data, { k: 3, init }, { shardRows: 64, workers: 2 }, (n) => (pool = new NodeWorkerPool(n)), 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as Error).message).toMatch(/dies-on-shard-2.*shard 2/);
    expect(pool!.threadCount).toBe(0);
  });

  it('an abort mid-fit rejects with an AbortError and closes the pool (how fast: bench/latency.mjs)', async () => {
    let pool: NodeWorkerPool | undefined;
    const controller = new AbortController();
    const big = blobs(9, 64 * 40, 2, 3);
    const promise = fitWithPool(
      faulty.slowGmm,
      big,
      { k: 3, init },
      {
        shardRows: 64,
        workers: 2,
        maxIter: 1000,
        tol: 0,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.iteration === 2) controller.abort();
        },
      },
      (n) => (pool = new NodeWorkerPool(n)),
      2,
    );
    const error = await promise.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(pool!.threadCount).toBe(0);
  });

  it('a caller-supplied pool stays open for the next fit', async () => {
    const pool = trackedPool(2);
    const d = blobs(4, 200, 2, 2);
    const a = await fit(gmmPlugin, d, { k: 2 }, { pool, shardRows: 50 });
    const b = await fit(gmmPlugin, d, { k: 2 }, { pool, shardRows: 50 });
    expect(b.meanLogLikelihood).toBe(a.meanLogLikelihood);
    expect(pool.threadCount).toBe(2);
  });
});
