import { describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
// The runner's workers import the plugin from its moduleUrl: the built dist/plugin.js of this package.
import { fit } from '@emkit/runner/node';
import { hmmPlugin as sourcePlugin } from './plugin.js';
import type { HmmParams } from './params.js';
import { categoricalTruth, gaussianTruth, sequenceData } from './test-support/data.js';

const { hmmPlugin } = (await import(new URL('../dist/index.js', import.meta.url).href)) as { hmmPlugin: typeof sourcePlugin };

function sameBits(a: FitResult<HmmParams>, b: FitResult<HmmParams>): void {
  expect(JSON.stringify(hmmPlugin.toJSON(b.params, b.options))).toBe(JSON.stringify(hmmPlugin.toJSON(a.params, a.options)));
  expect(b.history).toEqual(a.history);
  expect(b.meanLogLikelihood).toBe(a.meanLogLikelihood);
  expect(b.iterations).toBe(a.iterations);
  expect(b.restart).toBe(a.restart);
}

describe("@emkit/runner on worker threads gives bit-identical results to core's fit", () => {
  it('is the built plugin', () => {
    expect(hmmPlugin.moduleUrl).toMatch(/\/dist\/plugin\.js$/);
  });

  it('Gaussian emissions, sequences of uneven lengths over many shards: 1, 2 and 4 workers, sharded and restart-parallel', async () => {
    const lengths = Array.from({ length: 37 }, (_, i) => 20 + ((i * 17) % 45));
    const data = sequenceData(gaussianTruth(3, 2, 1), lengths, 2);
    const driver = { shardRows: 97, seed: 3, restarts: 2, maxIter: 15, tol: 0 };
    const reference = await fitInProcess(hmmPlugin, data, { k: 3, covariance: 'diag' }, driver);
    for (const workers of [1, 2, 4])
      for (const parallelism of ['shards', 'restarts'] as const) sameBits(reference, await fit(hmmPlugin, data, { k: 3, covariance: 'diag' }, { ...driver, workers, parallelism }));
  });

  it('categorical emissions with a prior, a left-to-right topology: 1, 2 and 4 workers', async () => {
    const data = sequenceData(categoricalTruth(3, 5, 4), Array.from({ length: 25 }, (_, i) => 30 + i), 5);
    const options = { k: 3, emission: 'categorical', topology: 'left-to-right', maxJump: 2, transitionPrior: 2 };
    const driver = { shardRows: 50, seed: 1, maxIter: 20, tol: 0 };
    const reference = await fitInProcess(hmmPlugin, data, options, driver);
    for (const workers of [1, 2, 4]) sameBits(reference, await fit(hmmPlugin, data, options, { ...driver, workers, parallelism: 'shards' }));
  });
});
