import { afterAll, describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
import { gmmPlugin, type GmmParams } from '@emkit/gmm';
import { fit, NodeWorkerPool } from '@emkit/runner/node';
// The built package: worker threads import the plugin through its moduleUrl, i.e. dist/plugin.js.
import { anneal, softKmeansPlugin } from '../dist/index.js';
import { blobsWithStart, clustered } from './test-support/fixtures.js';
import { expectSameFit } from '../../../tools/test-support/same-fit.js';

function sameBits(a: FitResult<GmmParams>, b: FitResult<GmmParams>): void {
  expectSameFit(a, b, ['means', 'weights', 'covariances']);
}

describe('soft k-means on worker threads', () => {
  const pool = new NodeWorkerPool(2);
  afterAll(() => pool.close());

  it('the plugin points workers at the built module', () => {
    expect(softKmeansPlugin.moduleUrl).toMatch(/\/soft-kmeans\/dist\/plugin\.js$/);
  });

  it('blobs: 1 and 2 workers give bit-identical results to core\'s fit with the same shardRows', async () => {
    const { data, k, centers } = blobsWithStart();
    for (const c of [2, 0.1]) {
      const options = { k, c, init: { centers } };
      const driver = { shardRows: 64, tol: 1e-10 };
      const reference = await fitInProcess(softKmeansPlugin, data, options, driver);
      expect(reference.iterations).toBeGreaterThan(1);
      for (const workers of [1, 2]) sameBits(reference, await fit(softKmeansPlugin, data, options, { ...driver, workers }));
    }
  });

  it('restarts from seeded starts, sharded or whole restarts on workers, match the in-process fit', async () => {
    const data = clustered(9, 1003, 3, 4);
    const options = { k: 4, c: 0.5, initMethod: 'random' };
    const driver = { shardRows: 97, seed: 5, restarts: 3, maxIter: 200 };
    const reference = await fitInProcess(softKmeansPlugin, data, options, driver);
    for (const workers of [1, 2]) {
      sameBits(reference, await fit(softKmeansPlugin, data, options, { ...driver, workers, parallelism: 'shards' }));
      sameBits(reference, await fit(softKmeansPlugin, data, options, { ...driver, workers, parallelism: 'restarts' }));
    }
  });

  it('gmm in hard mode: the assignment travels to the workers in the parameters', async () => {
    const data = clustered(3, 901, 2, 3);
    const options = { k: 3, covariance: 'full', assignment: 'hard', initMethod: 'random' };
    const driver = { shardRows: 50, seed: 1, restarts: 2, tol: 1e-10 };
    const reference = await fitInProcess(gmmPlugin, data, options, driver);
    for (const workers of [1, 2]) {
      const r = await fit(gmmPlugin, data, options, { ...driver, workers });
      sameBits(reference, r);
      expect(r.params.assignment).toBe('hard');
    }
  });

  it('anneal through the runner (one pool for every stage) follows the in-process path bit for bit', async () => {
    const { data, k } = blobsWithStart();
    const options = { k, cStart: 8, cEnd: 1e-3, seed: 2, initMethod: 'kmeans++' as const, driver: { shardRows: 100 } };
    const local = await anneal(data, options);
    const pooled = await anneal(data, { ...options, fit: (p, d, o, drv) => fit(p, d, o, { ...drv, pool }) });
    expect(pooled.stages.map((s) => Array.from(s.means))).toEqual(local.stages.map((s) => Array.from(s.means)));
    expect(pooled.stages.map((s) => s.meanLogLikelihood)).toEqual(local.stages.map((s) => s.meanLogLikelihood));
    expect(Array.from(pooled.labels)).toEqual(Array.from(local.labels));
  });
});
