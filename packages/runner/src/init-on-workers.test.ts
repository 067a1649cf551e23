import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FitError, OptionError, fit as fitInProcess, type FitResult, type RestartInitProgress } from '@emkit/core';
import type { GmmParams, gmmPlugin } from '@emkit/gmm';
// The built package: its worker threads load dist/node/worker.js next to it.
import { fit, NodeWorkerPool } from '../dist/node/index.js';
import { fitWithPool } from '../dist/index.js';
import { blobs, expectSameBits as sameBits } from './test-support/data.js';
import { trackedPool } from './test-support/pools.js';

const probes = (await import(new URL('./test-support/init-probe.mjs', import.meta.url).href)) as Record<string, typeof gmmPlugin>;
const { whereGmm, initThrows, slowInit } = probes;

/** A fit's init steps, and the fit. */
async function withInitSteps(run: (onInitProgress: (p: RestartInitProgress) => void) => Promise<FitResult<GmmParams>>) {
  const steps: RestartInitProgress[] = [];
  const result = await run((p) => steps.push(p));
  return { steps, result };
}

/** The steps of each restart in order (restarts on workers interleave with each other). */
function byRestart(steps: readonly RestartInitProgress[]): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const s of steps) (out[s.restart] ??= []).push(`${s.plugin} ${s.method} ${s.done}/${s.total} ${s.unit}`);
  return out;
}

/** The same steps without the thread step that where-gmm puts first. */
function withoutThread(steps: Record<number, string[]>): Record<number, string[]> {
  return Object.fromEntries(Object.entries(steps).map(([r, list]) => [r, list.slice(1)]));
}

describe('initialisation runs on the workers when there are workers', () => {
  const data = blobs(21, 1500, 3, 4);
  const options = { k: 4, covariance: 'full', initMethod: 'kmeans' };

  it('a single sharded fit: init on a worker, its k-means++ and k-means steps reported, the same bits as in-process', async () => {
    const driver = { tol: 1e-6, maxIter: 50, shardRows: 128, seed: 5, restarts: 1 };
    const reference = await withInitSteps((onInitProgress) => fitInProcess(whereGmm, data, options, { ...driver, onInitProgress }));
    expect(byRestart(reference.steps)[0][0]).toBe('where-gmm main thread 1/1 threads');
    for (const workers of [1, 2, 3]) {
      const pooled = await withInitSteps((onInitProgress) => fit(whereGmm, data, options, { ...driver, workers, onInitProgress }));
      const steps = byRestart(pooled.steps);
      expect(steps[0][0]).toBe('where-gmm worker 1/1 threads');
      expect(withoutThread(steps)).toEqual(withoutThread(byRestart(reference.steps)));
      sameBits(reference.result, pooled.result);
    }
    const kinds = new Set(reference.steps.map((s) => s.method));
    expect(kinds).toEqual(new Set(['main thread', 'k-means++', 'k-means']));
    expect(reference.steps.filter((s) => s.method === 'k-means++').map((s) => s.done)).toEqual([1, 2, 3, 4]);
  });

  it('restarts sharded one after another and restarts run whole on workers: each init on a worker, per restart the in-process steps', async () => {
    const driver = { tol: 1e-6, maxIter: 50, shardRows: 128, seed: 9, restarts: 3 };
    const reference = await withInitSteps((onInitProgress) => fitInProcess(whereGmm, data, options, { ...driver, onInitProgress }));
    for (const parallelism of ['shards', 'restarts'] as const) {
      const pooled = await withInitSteps((onInitProgress) => fit(whereGmm, data, options, { ...driver, workers: 2, parallelism, onInitProgress }));
      const steps = byRestart(pooled.steps);
      expect(Object.keys(steps)).toEqual(['0', '1', '2']);
      for (const list of Object.values(steps)) expect(list[0]).toBe('where-gmm worker 1/1 threads');
      expect(withoutThread(steps)).toEqual(withoutThread(byRestart(reference.steps)));
      sameBits(reference.result, pooled.result);
    }
  });

  it('any worker count, seed and shard size gives the in-process bits (fast-check)', async () => {
    const pools = [trackedPool(1), trackedPool(3)];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 50, max: 700 }), fc.constantFrom(0, 1), async (seed, shardRows, which) => {
        const driver = { tol: 1e-5, maxIter: 20, shardRows, seed };
        const reference = await fitInProcess(whereGmm, data, { ...options, initMethod: 'kmeans++' }, driver);
        const pooled = await fit(whereGmm, data, { ...options, initMethod: 'kmeans++' }, { ...driver, pool: pools[which] });
        sameBits(reference, pooled);
      }),
      { numRuns: 8 },
    );
  });

  it('an init that throws on a worker fails the restart as in-process (a FitError naming the plugin)', async () => {
    const driver = { shardRows: 128, restarts: 2 };
    const inProcess = await fitInProcess(initThrows, data, options, driver).catch((e: unknown) => e);
    for (const parallelism of ['shards', 'restarts'] as const) {
      const pooled = await fit(initThrows, data, options, { ...driver, workers: 2, parallelism }).catch((e: unknown) => e);
      expect(pooled).toBeInstanceOf(FitError);
      expect((pooled as Error).message).toBe((inProcess as Error).message);
      expect((pooled as Error).message).toMatch(/init-throws.*deliberate failure in init/);
    }
  });

  it('an option the data cannot meet is the same OptionError from a worker', async () => {
    const small = blobs(2, 3, 2, 1);
    const inProcess = await fitInProcess(whereGmm, small, { k: 5 }, {}).catch((e: unknown) => e);
    const pooled = await fit(whereGmm, small, { k: 5 }, { workers: 2 }).catch((e: unknown) => e);
    expect(inProcess).toBeInstanceOf(OptionError);
    expect(pooled).toBeInstanceOf(OptionError);
    expect((pooled as Error).message).toBe((inProcess as Error).message);
  });

  it('an abort during a worker’s init rejects with an AbortError and ends the workers', async () => {
    const controller = new AbortController();
    let pool: NodeWorkerPool | undefined;
    const error = await fitWithPool(
      slowInit,
      data,
      options,
      { workers: 2, signal: controller.signal, onInitProgress: () => controller.abort() },
      (n) => (pool = new NodeWorkerPool(n)),
      2,
    ).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(pool!.threadCount).toBe(0);
  });
});
