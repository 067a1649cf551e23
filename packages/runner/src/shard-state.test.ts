import { describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
import { kmeansPlugin, type KMeansParams } from '@emkit/kmeans';
// The built package: its worker threads load dist/node/worker.js next to it.
import { fit, type NodeWorkerPool } from '../dist/node/index.js';
import type { WorkerPool } from '../dist/index.js';
import { blobs, readFixture, readFixtureDataset } from './test-support/data.js';
import { trackedPool } from './test-support/pools.js';

type ProbeParams = KMeansParams & { hits?: number; misses?: number };
const { stateProbe } = (await import(new URL('./test-support/state-probe.mjs', import.meta.url).href)) as { stateProbe: typeof kmeansPlugin };

function expectSameFit(a: FitResult<KMeansParams>, b: FitResult<KMeansParams>): void {
  expect(Array.from(b.params.centers)).toEqual(Array.from(a.params.centers));
  expect(b.history).toEqual(a.history);
  expect(b.iterations).toBe(a.iterations);
  expect(Object.is(b.logLikelihood, a.logLikelihood)).toBe(true);
}

/**
 * The pool, but before the E-step `atEStep` (1-based) one of its worker threads is ended, as a
 * crash would end it, and piscina has started its replacement.
 */
function replacingOneWorker(pool: NodeWorkerPool, atEStep: number): WorkerPool {
  let calls = 0;
  let gate = Promise.resolve();
  const replace = async () => {
    const threads = (pool as unknown as { piscina: { threads: { terminate(): Promise<number> }[] } }).piscina.threads;
    await threads[0].terminate();
    while (pool.threadCount < pool.size) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return {
    size: pool.size,
    runEStep: (task, signal) => pool.runEStep(task, signal),
    runRestart: (task, options) => pool.runRestart(task, options),
    close: () => pool.close(),
    runEStepBatch(task, signal) {
      if (task.shards.length > 0 && calls++ === (atEStep - 1) * pool.size) gate = replace();
      return gate.then(() => pool.runEStepBatch(task, signal));
    },
  };
}

describe('k-means with bounds on workers: per-shard states pinned to workers', () => {
  for (const name of ['kmeans-iris.json', 'kmeans-blobs.json']) {
    it(`${name}: hamerly and elkan on 1, 2 and 4 workers give in-process Lloyd's fit bit for bit`, async () => {
      const fx = readFixture<{ dataset: string; k: number; init: unknown }>(name);
      const data = readFixtureDataset(fx.dataset);
      const driver = { shardRows: 16 };
      const reference = await fitInProcess(kmeansPlugin, data, { k: fx.k, init: fx.init, algorithm: 'lloyd' }, driver);
      for (const algorithm of ['hamerly', 'elkan'])
        for (const workers of [1, 2, 4]) expectSameFit(reference, await fit(kmeansPlugin, data, { k: fx.k, init: fx.init, algorithm }, { ...driver, workers }));
    });
  }

  it('generated data, restarts, N not a multiple of the shard size: every worker count and algorithm agree', async () => {
    const data = blobs(12, 2003, 5, 7);
    const driver = { shardRows: 97, seed: 5, restarts: 2, tol: 0, maxIter: 40 };
    const reference = await fitInProcess(kmeansPlugin, data, { k: 7, algorithm: 'lloyd' }, driver);
    for (const algorithm of ['hamerly', 'elkan', 'auto'])
      for (const workers of [1, 2, 4]) {
        expectSameFit(reference, await fit(kmeansPlugin, data, { k: 7, algorithm }, { ...driver, workers, parallelism: 'shards' }));
        expectSameFit(reference, await fit(kmeansPlugin, data, { k: 7, algorithm }, { ...driver, workers, parallelism: 'restarts' }));
      }
    // 18 pooled fits: over a minute on a busy 2-core machine.
  }, 240_000);

  it('each shard finds its state again at every later E-step (shards stay on their worker)', async () => {
    const data = blobs(3, 800, 3, 4); // 8 shards of 100 rows
    const options = { k: 4, initMethod: 'random', algorithm: 'elkan' };
    const driver = { shardRows: 100, seed: 1, tol: 0, maxIter: 12 };
    for (const workers of [1, 2, 3]) {
      const r = (await fit(stateProbe, data, options, { ...driver, workers })) as FitResult<ProbeParams>;
      // Counted at each M-step: the first E-step misses all 8 shards, every later one finds them.
      expect(r.params.misses).toBe(8);
      expect(r.params.hits).toBe(8 * (r.iterations - 1));
      expectSameFit(await fitInProcess(kmeansPlugin, data, { ...options, algorithm: 'lloyd' }, driver), r);
    }
    const inProcess = (await fitInProcess(stateProbe, data, options, driver)) as FitResult<ProbeParams>;
    expect(inProcess.params.misses).toBe(8);
  });

  it('a worker replaced mid-fit loses its states: its shards start again from scratch, with the same result', async () => {
    const data = blobs(4, 1200, 3, 5);
    const options = { k: 5, initMethod: 'random', algorithm: 'hamerly' };
    const driver = { shardRows: 100, seed: 2, tol: 0, maxIter: 15 };
    const reference = await fitInProcess(kmeansPlugin, data, { ...options, algorithm: 'lloyd' }, driver);
    const pool = trackedPool(2);
    const r = (await fit(stateProbe, data, options, { ...driver, pool: replacingOneWorker(pool, 4) })) as FitResult<ProbeParams>;
    expect(r.iterations).toBeGreaterThan(4);
    // 12 shards miss at the first E-step, and the replaced worker's 6 shards miss once more.
    expect(r.params.misses).toBe(12 + 6);
    expect(r.params.hits! + r.params.misses!).toBe(12 * r.iterations);
    expectSameFit(reference, r);
  });

  it('a new pool, or the next fit on the same pool, starts without states', async () => {
    const data = blobs(5, 600, 2, 3);
    const options = { k: 3, initMethod: 'random', algorithm: 'elkan' };
    const driver = { shardRows: 100, seed: 3 };
    const pool = trackedPool(2);
    const first = (await fit(stateProbe, data, options, { ...driver, pool })) as FitResult<ProbeParams>;
    const second = (await fit(stateProbe, data, options, { ...driver, pool })) as FitResult<ProbeParams>;
    const fresh = (await fit(stateProbe, data, options, { ...driver, workers: 2 })) as FitResult<ProbeParams>;
    for (const r of [first, second, fresh]) {
      expect(r.params.misses).toBe(6);
      expectSameFit(first, r);
    }
  });

  it("Lloyd's assignment keeps no state, so its batches are not pinned to workers (any free worker takes them); the bounded ones are", async () => {
    const data = blobs(6, 900, 3, 4);
    const driver = { shardRows: 100, seed: 4, tol: 0, maxIter: 5 };
    const reference = await fitInProcess(kmeansPlugin, data, { k: 4, initMethod: 'random', algorithm: 'lloyd' }, driver);
    for (const [algorithm, pinned] of [['lloyd', false], ['elkan', true]] as const) {
      const pool = trackedPool(2);
      const slots: (number | null)[] = [];
      const recording: WorkerPool = {
        size: pool.size,
        runEStep: (task, signal) => pool.runEStep(task, signal),
        runRestart: (task, options) => pool.runRestart(task, options),
        close: () => pool.close(),
        runEStepBatch(task, signal) {
          if (task.shards.length > 0) slots.push(task.slot);
          return pool.runEStepBatch(task, signal);
        },
      };
      expectSameFit(reference, await fit(kmeansPlugin, data, { k: 4, initMethod: 'random', algorithm }, { ...driver, pool: recording }));
      expect(slots.length).toBeGreaterThan(0);
      expect(slots.every((slot) => (slot !== null) === pinned)).toBe(true);
    }
  });
});
