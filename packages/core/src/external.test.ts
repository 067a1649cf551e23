import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDataset } from './dataset.js';
import { ReservoirSampler, externalDataset, reservoirSample } from './external.js';
import { fit } from './driver.js';
import { univariateGaussianMixture } from './testing/univariate-gaussian-mixture.js';

describe('ReservoirSampler', () => {
  it('gives the same sample however the rows are cut into chunks, in data order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), fc.integer(), (n, capacity, cuts, seed) => {
        const values = Float64Array.from({ length: 2 * n }, (_, i) => Math.floor(i / 2));
        const whole = new ReservoirSampler(capacity, 2, seed);
        whole.add(values, n);
        const chunked = new ReservoirSampler(capacity, 2, seed);
        let at = 0;
        for (let c = 0; at < n; c++) {
          const rows = Math.min(cuts[c % cuts.length], n - at);
          chunked.add(values.subarray(2 * at, 2 * (at + rows)), rows);
          at += rows;
        }
        const sample = whole.rows();
        expect(chunked.rows()).toEqual(sample);
        expect(sample.length).toBe(2 * Math.min(n, capacity));
        // Distinct rows, in increasing row order, each row's two cells together.
        for (let i = 0; i < sample.length / 2; i++) {
          expect(sample[2 * i]).toBe(sample[2 * i + 1]);
          if (i > 0) expect(sample[2 * i]).toBeGreaterThan(sample[2 * i - 2]);
        }
      }),
    );
  });

  it('includes each row with probability capacity / N', () => {
    const n = 50;
    const capacity = 10;
    const counts = new Float64Array(n);
    const draws = 4000;
    const values = Float64Array.from({ length: n }, (_, i) => i);
    for (let seed = 0; seed < draws; seed++) {
      const sampler = new ReservoirSampler(capacity, 1, seed);
      sampler.add(values, n);
      for (const row of sampler.rows()) counts[row]++;
    }
    // Binomial(4000, 0.2): standard deviation about 25; allow 5 of them.
    for (const c of counts) expect(Math.abs(c - draws * 0.2)).toBeLessThan(130);
  });
});

describe('out-of-core data in the driver', () => {
  it('refuses to initialise from rows that are on disk', async () => {
    const data = externalDataset({ moduleUrl: 'file:///nowhere.js', reference: null, name: 'big.csv' }, 100, 1);
    await expect(fit(univariateGaussianMixture, data, {})).rejects.toThrow(/rows of big\.csv are on disk: initialise from a sample/);
  });

  it('initialises from initData when given', async () => {
    const data = createDataset(Float64Array.from({ length: 200 }, (_, i) => (i % 7) + (i % 2) * 10), 200, 1);
    const sample = reservoirSample(data, 50, 0);
    // Starting from the sample: one iteration from it equals one from init on the sample's rows.
    const fromSample = await fit(univariateGaussianMixture, data, {}, { initData: sample, maxIter: 1 });
    const again = await fit(univariateGaussianMixture, data, {}, { initData: reservoirSample(data, 50, 0), maxIter: 1 });
    const fromData = await fit(univariateGaussianMixture, data, {}, { maxIter: 1 });
    expect(fromSample.params).toEqual(again.params);
    expect(fromSample.params).not.toEqual(fromData.params);
    expect(sample.rows).toBe(50);
  });
});
