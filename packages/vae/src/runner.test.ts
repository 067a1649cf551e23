import { describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
// The runner's workers import the plugin from its moduleUrl: the built dist/plugin.js of this package.
import { fit } from '@emkit/runner/node';
import type { VaeParams } from './params.js';
import { vaePlugin as sourcePlugin } from './plugin.js';
import { readFixtureDataset, realRows } from './test-support/data.js';
import { expectSameFit } from '../../../tools/test-support/same-fit.js';

// The built plugin, whose moduleUrl points at dist (the source one's points at src/plugin.ts).
const { vaePlugin } = (await import(new URL('../dist/index.js', import.meta.url).href)) as { vaePlugin: typeof sourcePlugin };

function sameBits(a: FitResult<VaeParams>, b: FitResult<VaeParams>): void {
  expectSameFit(a, b, ['weights', 'adamSecond', 'epochElbo']);
}

describe('@emkit/runner on worker threads: bit-identical to the in-process fit for 1 and 2 workers', () => {
  it('is the built plugin', () => {
    expect(vaePlugin.moduleUrl).toMatch(/\/dist\/plugin\.js$/);
  });

  it('bernoulli20, sharded mini-batch steps', async () => {
    const data = readFixtureDataset('bernoulli20');
    const options = { hidden: 8, latent: 2, epochs: 2, batchSize: 125 };
    const driver = { shardRows: 128, seed: 3 };
    const reference = await fitInProcess(vaePlugin, data, options, driver);
    expect(reference.iterations).toBe(8);
    for (const workers of [1, 2]) sameBits(reference, await fit(vaePlugin, data, options, { ...driver, workers, parallelism: 'shards' }));
  });

  it('Gaussian decoder, weighted rows, restarts sharded and on workers, N not a multiple of the shard size', async () => {
    const data = realRows(5, 203, 3, true);
    const options = { decoder: 'gaussian', hidden: [6, 4], latent: 1, epochs: 2, batchSize: 70, activation: 'relu' };
    const driver = { shardRows: 37, seed: 9, restarts: 2 };
    const reference = await fitInProcess(vaePlugin, data, options, driver);
    for (const run of [{ workers: 2, parallelism: 'shards' }, { workers: 2, parallelism: 'restarts' }, { workers: 1, parallelism: 'shards' }] as const)
      sameBits(reference, await fit(vaePlugin, data, options, { ...driver, ...run }));
    // The shard plan changes only the order of additions, so a different plan agrees closely.
    const other = await fitInProcess(vaePlugin, data, options, { ...driver, shardRows: 1000 });
    expect(Math.abs(other.meanLogLikelihood - reference.meanLogLikelihood)).toBeLessThan(1e-5);
  });
});
