import { describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
// The runner's workers import the plugin from its moduleUrl: the built dist/plugin.js of this package.
import { fit } from '@emkit/runner/node';
import { bgmmPlugin as sourcePlugin } from './plugin.js';
import type { BgmmParams } from './params.js';
import { readFixtureDataset } from './test-support/fixtures.js';
import { blobs } from './test-support/data.js';
import { expectSameFit } from '../../../tools/test-support/same-fit.js';

const { bgmmPlugin } = (await import(new URL('../dist/index.js', import.meta.url).href)) as { bgmmPlugin: typeof sourcePlugin };

function sameBits(a: FitResult<BgmmParams>, b: FitResult<BgmmParams>): void {
  expectSameFit(a, b, ['weights', 'means', 'covariances']);
}

describe('@emkit/runner on worker threads gives bit-identical results to core\'s fit', () => {
  it('is the built plugin', () => {
    expect(bgmmPlugin.moduleUrl).toMatch(/\/dist\/plugin\.js$/);
  });

  it('blobs, K = 10, sharded E-steps on 1 and 2 workers', async () => {
    const data = readFixtureDataset('blobs');
    const driver = { shardRows: 64, seed: 3 };
    const reference = await fitInProcess(bgmmPlugin, data, { k: 10 }, driver);
    for (const workers of [1, 2]) sameBits(reference, await fit(bgmmPlugin, data, { k: 10 }, { ...driver, workers, parallelism: 'shards' }));
  });

  it('weighted data, Dirichlet prior, restarts on workers, N not a multiple of the shard size', async () => {
    const data = blobs(4, 203, 3, 3, true);
    const options = { k: 5, weightPrior: 'dirichlet', initMethod: 'random' };
    const driver = { shardRows: 37, seed: 5, restarts: 2, maxIter: 200 };
    const reference = await fitInProcess(bgmmPlugin, data, options, driver);
    for (const run of [{ workers: 2, parallelism: 'restarts' }, { workers: 2, parallelism: 'shards' }] as const) sameBits(reference, await fit(bgmmPlugin, data, options, { ...driver, ...run }));
  });
});
