import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDataset, fit, planShards, runShardsInProcess, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { bernoulliPlugin } from './plugin.js';
import { binaryMixture } from './test-support/data.js';

/** The data with each bit missing with probability `rate`. */
function withMissing(data: Dataset, rate: number, seed: number): Dataset {
  const random = new Random(seed);
  const values = data.values.slice();
  for (let i = 0; i < values.length; i++) if (random.next() < rate) values[i] = NaN;
  return createDataset(values, data.rows, data.cols, { missing: 'nan' });
}

describe('Bernoulli mixture with missing bits', () => {
  it('a row with missing bits scores the sum over every completion of them (the bits are summed out)', async () => {
    const data = binaryMixture(1, 200, 5, 3);
    const { params } = await fit(bernoulliPlugin, data, { k: 3 }, { maxIter: 20 });
    const row = Float64Array.from([1, NaN, 0, NaN, 1]);
    const score = bernoulliPlugin.scoreSamples(params, createDataset(row.slice(), 1, 5, { missing: 'nan' }))[0];
    let total = 0;
    for (const [a, b] of [[0, 0], [0, 1], [1, 0], [1, 1]]) total += Math.exp(bernoulliPlugin.scoreSamples(params, createDataset(Float64Array.from([1, a, 0, b, 1]), 1, 5))[0]);
    expect(Math.abs(score - Math.log(total))).toBeLessThan(1e-12);
  });

  it('the observed-data log-likelihood never decreases, and statistics add up across shard plans (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.integer({ min: 1, max: 80 }), async (seed, rate, shardRows) => {
        const data = withMissing(binaryMixture(seed, 160, 8, 3), rate, seed + 1);
        const result = await fit(bernoulliPlugin, data, { k: 3, betaPrior: [1.5, 1.5] }, { seed, maxIter: 40, tol: 0 });
        expect(result.monotonicityViolations).toEqual([]);
        const whole = runShardsInProcess(bernoulliPlugin, result.params, data, planShards(160, 160));
        const sharded = runShardsInProcess(bernoulliPlugin, result.params, data, planShards(160, shardRows));
        expect(Math.abs(whole.logLikelihood - sharded.logLikelihood)).toBeLessThan(1e-10 * Math.abs(whole.logLikelihood));
        whole.stats.forEach((s, i) => expect(Math.abs(s - sharded.stats[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(s))));
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('imputes each missing bit with its conditional probability, leaving observed bits', async () => {
    const data = withMissing(binaryMixture(4, 300, 6, 2), 0.2, 5);
    const { params } = await fit(bernoulliPlugin, data, { k: 2 }, { maxIter: 50 });
    const filled = bernoulliPlugin.impute!(params, data);
    for (let i = 0; i < filled.length; i++) {
      if (data.missing![i] === 1) expect(filled[i] > 0 && filled[i] < 1).toBe(true);
      else expect(filled[i]).toBe(data.values[i]);
    }
  });
});
