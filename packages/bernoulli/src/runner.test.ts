import { describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
// The runner's workers import the plugin from its moduleUrl: the built dist/plugin.js of this package.
import { fit } from '@emkit/runner/node';
import { bernoulliPlugin as sourcePlugin } from './plugin.js';
import type { BernoulliParams } from './params.js';
import { readFixture, readFixtureDataset } from './test-support/fixtures.js';
import { binaryMixture } from './test-support/data.js';
import { expectSameFit } from '../../../tools/test-support/same-fit.js';

// The built plugin, whose moduleUrl points at dist (the source one's points at src/plugin.ts).
const { bernoulliPlugin } = (await import(new URL('../dist/index.js', import.meta.url).href)) as { bernoulliPlugin: typeof sourcePlugin };

function sameBits(a: FitResult<BernoulliParams>, b: FitResult<BernoulliParams>): void {
  expectSameFit(a, b, ['weights', 'probabilities']);
}

describe('@emkit/runner on worker threads gives bit-identical results to core\'s fit', () => {
  it('is the built plugin', () => {
    expect(bernoulliPlugin.moduleUrl).toMatch(/\/dist\/plugin\.js$/);
  });

  it('bernoulli20 from the fixture\'s init, sharded E-steps, 1 and 2 workers', async () => {
    const fx = readFixture<{ dataset: string; k: number; init: unknown }>('bernoulli-bernoulli20.json');
    const data = readFixtureDataset(fx.dataset);
    const options = { k: fx.k, init: fx.init };
    const driver = { shardRows: 64 };
    const reference = await fitInProcess(bernoulliPlugin, data, options, driver);
    for (const workers of [1, 2]) sameBits(reference, await fit(bernoulliPlugin, data, options, { ...driver, workers, parallelism: 'shards' }));
  });

  it('seeded starts, priors and restarts, sharded and restart-parallel, with N not a multiple of the shard size', async () => {
    const data = binaryMixture(9, 403, 12, 4);
    const driver = { shardRows: 37, seed: 5, restarts: 2, tol: 1e-9, maxIter: 200 };
    const cases = [
      { options: { k: 4, initMethod: 'kmeans++', betaPrior: [2, 2], dirichletPrior: 2 }, runs: [{ workers: 1, parallelism: 'shards' }, { workers: 2, parallelism: 'restarts' }] },
      { options: { k: 3, initMethod: 'random' }, runs: [{ workers: 2, parallelism: 'shards' }, { workers: 1, parallelism: 'restarts' }] },
    ] as const;
    for (const { options, runs } of cases) {
      const reference = await fitInProcess(bernoulliPlugin, data, options, driver);
      for (const run of runs) sameBits(reference, await fit(bernoulliPlugin, data, options, { ...driver, ...run }));
    }
  });
});
