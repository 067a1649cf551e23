import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '@emkit/linalg';
import { createDataset, type Dataset } from './dataset.js';
import { fit } from './driver.js';
import { fitOnline, gatherRows, stepSize, stepwiseLearner, supportsStepwise } from './online.js';
import { univariateGaussianMixture as ugm } from './testing/univariate-gaussian-mixture.js';

/** Two well-separated 1-D Gaussians (means −4 and 4, sd 1), shuffled. */
function easyData(rows: number, seed = 1): Dataset {
  const random = new Random(seed);
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) values[i] = (random.next() < 0.4 ? -4 : 4) + random.nextNormal();
  return createDataset(values, rows, 1);
}

describe('stepwise EM', () => {
  it('steps are ηₜ = (t + 2)^(−α) and α must lie in (0.5, 1]', () => {
    expect(stepSize(0, 1)).toBe(0.5);
    expect(stepSize(2, 0.5)).toBe(0.5);
    expect(() => stepwiseLearner(ugm, { k: 2 }, { stepPower: 0.5 })).toThrow(/stepPower: must be in \(0\.5, 1\]/);
    expect(() => stepwiseLearner(ugm, { k: 2 }, { stepPower: 1.01 })).toThrow(/stepPower/);
    expect(() => stepwiseLearner(ugm, { k: 2 }, { batchSize: 0 })).toThrow(/batchSize: must be an integer ≥ 1/);
  });

  it('a plugin without stepwiseStatsLength is refused by name', () => {
    const { stepwiseStatsLength: _, ...plain } = ugm;
    expect(supportsStepwise(ugm)).toBe(true);
    expect(supportsStepwise(plain)).toBe(false);
    expect(() => stepwiseLearner(plain, { k: 2 })).toThrow(/"univariate-gaussian-mixture" model does not support stepwise \(online\) EM/);
  });

  it('with α = 1 the running statistics are the plain average of the batches (per unit weight)', () => {
    const data = easyData(3000);
    const learner = stepwiseLearner(ugm, { k: 2 }, { stepPower: 1, batchSize: 1000 });
    const batches = [0, 1, 2].map((b) => ({ ...data, rows: 1000, values: data.values.subarray(b * 1000, (b + 1) * 1000) }));
    const fixed = learner.init(batches[0]);
    const perBatch = batches.map((batch) => {
      const stats = ugm.createStats(fixed, 1);
      ugm.eStep(fixed, batch, { start: 0, end: 1000 }, stats);
      return stats.map((s) => s / 1000);
    });
    // Hold the parameters fixed so every batch's E-step sees the same ones.
    for (const batch of batches) learner.partialFit(fixed, batch);
    // ηₜ = 1/(t+2): s₀ = b₀, s₁ = ⅔s₀ + ⅓b₁, s₂ = ¾s₁ + ¼b₂ — weights ½, ¼, ¼ … of the batches.
    const s = learner.state().stats!;
    for (let i = 0; i < s.length; i++) {
      const expected = 0.75 * ((2 / 3) * perBatch[0][i] + (1 / 3) * perBatch[1][i]) + 0.25 * perBatch[2][i];
      expect(s[i]).toBeCloseTo(expected, 12);
    }
    expect(learner.state().steps).toBe(3);
    expect(learner.state().weightSeen).toBe(3000);
  });

  it('state() and restore() continue a learner bit for bit (checkpoints)', () => {
    const data = easyData(4000, 7);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.boolean(), (split, polyak) => {
        const batch = (b: number): Dataset => ({ ...data, rows: 500, values: data.values.subarray(b * 500, (b + 1) * 500) });
        const straight = stepwiseLearner(ugm, { k: 2 }, { batchSize: 500, polyak, seed: 3 });
        let p = straight.init(batch(0));
        straight.startAveraging();
        for (let b = 0; b < 8; b++) p = straight.partialFit(p, batch(b));
        const first = stepwiseLearner(ugm, { k: 2 }, { batchSize: 500, polyak, seed: 3 });
        let q = first.init(batch(0));
        first.startAveraging();
        for (let b = 0; b < split; b++) q = first.partialFit(q, batch(b));
        const second = stepwiseLearner(ugm, { k: 2 }, { batchSize: 500, polyak, seed: 3 });
        second.restore(structuredClone(first.state()));
        for (let b = split; b < 8; b++) q = second.partialFit(q, batch(b));
        expect(ugm.toJSON(q, second.options)).toEqual(ugm.toJSON(p, straight.options));
        expect(ugm.toJSON(second.reportedParams(), second.options)).toEqual(ugm.toJSON(straight.reportedParams(), straight.options));
      }),
      { numRuns: 20 },
    );
  });
});

describe('gatherRows', () => {
  it('copies the chosen rows with their weights, targets and missing cells', () => {
    const data = createDataset(Float64Array.from([1, 2, NaN, 4, 5, 6]), 3, 2, { weights: [1, 2, 3], target: [7, 8, 9], missing: 'nan' });
    const batch = gatherRows(data, Int32Array.from([2, 1]), 0, 2);
    expect(Array.from(batch.values)).toEqual([5, 6, NaN, 4]);
    expect(Array.from(batch.weights!)).toEqual([3, 2]);
    expect(Array.from(batch.target!)).toEqual([9, 8]);
    expect(Array.from(batch.missing!)).toEqual([0, 0, 1, 0]);
  });
});

describe('fitOnline', () => {
  it('improves the held-out score monotonically pass after pass on easy data until it stops improving', async () => {
    const data = easyData(40_000, 11);
    const result = await fitOnline(ugm, data, { k: 2 }, { batchSize: 200, stepPower: 0.6, passes: 6, tol: 0, seed: 2 });
    const h = result.heldOutHistory;
    expect(h.length).toBeGreaterThanOrEqual(2);
    // Every pass but the one that ended the fit improved the held-out score.
    for (let i = 1; i < h.length - 1; i++) expect(h[i]).toBeGreaterThan(h[i - 1]);
    expect(result.heldOutRows).toBe(2000);
    expect(result.steps).toBe(result.passes * Math.ceil(38_000 / 200));
  });

  it('one pass lands within 0.5 % of batch EM on easy data, and the same seed gives the same bits', async () => {
    const data = easyData(50_000, 5);
    const batch = await fit(ugm, data, { k: 2 }, { seed: 0 });
    const online = await fitOnline(ugm, data, { k: 2 }, { batchSize: 500, passes: 1, seed: 0 });
    expect(Math.abs(online.meanLogLikelihood - batch.meanLogLikelihood)).toBeLessThan(0.005 * Math.abs(batch.meanLogLikelihood));
    const again = await fitOnline(ugm, data, { k: 2 }, { batchSize: 500, passes: 1, seed: 0 });
    expect(ugm.toJSON(again.params, again.options)).toEqual(ugm.toJSON(online.params, online.options));
  });

  it('option errors name the option', async () => {
    const data = easyData(100);
    await expect(fitOnline(ugm, data, { k: 2 }, { passes: 0 })).rejects.toThrow(/passes: must be an integer ≥ 1/);
    await expect(fitOnline(ugm, data, { k: 2 }, { heldOutFraction: 1 })).rejects.toThrow(/heldOutFraction/);
  });
});
