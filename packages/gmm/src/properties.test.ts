import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDataset, fit, planShards, runShardsInProcess, FitError, OptionError, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { COVARIANCE_TYPES } from './covariance/index.js';
import type { CovarianceType } from './params.js';

// All 14 structures: the four classic ones and mclust's other ten.
const covarianceTypes: CovarianceType[] = [...COVARIANCE_TYPES];

/** Clustered random data: a few well-separated groups so fits are not degenerate. */
function clustered(seed: number, n: number, d: number, groups: number): Dataset {
  const random = new Random(seed);
  const centres = Array.from({ length: groups }, () => Array.from({ length: d }, () => 6 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % groups][c] + random.nextNormal() * (0.5 + c * 0.3);
  return createDataset(values, n, d);
}

const fitCase = fc.record({
  seed: fc.integer({ min: 0, max: 10_000 }),
  n: fc.integer({ min: 30, max: 120 }),
  d: fc.integer({ min: 1, max: 4 }),
  k: fc.integer({ min: 1, max: 4 }),
  covariance: fc.constantFrom(...covarianceTypes),
  initMethod: fc.constantFrom('kmeans' as const, 'kmeans++' as const, 'random' as const),
});

describe('gmm invariants (fast-check)', () => {
  it('the log-likelihood never decreases by more than 1e-9 relative per iteration', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, async ({ seed, n, d, k, covariance, initMethod }) => {
        const data = clustered(seed, n, d, 3);
        // The default regCovar (1e-8 of each column's variance): a larger one moves the M-step off the exact maximiser, and
        // the likelihood may then dip by O(regCovar) near convergence — which the driver records.
        const r = await fit(gmmPlugin, data, { k, covariance, initMethod }, { tol: 1e-8, maxIter: 60, seed });
        for (let i = 1; i < r.history.length; i++) expect(r.history[i]).toBeGreaterThanOrEqual(r.history[i - 1] - 1e-9 * Math.abs(r.history[i - 1]));
        expect(r.monotonicityViolations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('responsibilities are in [0, 1] and each row sums to 1', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, async ({ seed, n, d, k, covariance }) => {
        const data = clustered(seed, n, d, 2);
        const r = await fit(gmmPlugin, data, { k, covariance, regCovar: 1e-3 }, { maxIter: 5, seed });
        const resp = gmmPlugin.responsibilities(r.params, data);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) {
            const v = resp[i * k + j];
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
            s += v;
          }
          expect(Math.abs(s - 1)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('the same seed gives bit-identical results, restarts included', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, async ({ seed, n, d, k, covariance, initMethod }) => {
        const data = clustered(seed, n, d, 3);
        const options = { k, covariance, initMethod, regCovar: 1e-3 };
        const a = await fit(gmmPlugin, data, options, { seed, restarts: 2, maxIter: 20 });
        const b = await fit(gmmPlugin, data, options, { seed, restarts: 2, maxIter: 20 });
        expect(Array.from(b.params.means)).toEqual(Array.from(a.params.means));
        expect(Array.from(b.params.covariances)).toEqual(Array.from(a.params.covariances));
        expect(b.meanLogLikelihood).toBe(a.meanLogLikelihood);
        expect(b.restart).toBe(a.restart);
      }),
      { numRuns: 20 },
    );
  });

  it('a row with sample weight 2 fits like that row duplicated', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, fc.nat(), async ({ seed, n, d, k, covariance }, pick) => {
        const base = clustered(seed, n, d, 3);
        const row = pick % n;
        const dupValues = new Float64Array((n + 1) * d);
        dupValues.set(base.values);
        dupValues.set(base.values.subarray(row * d, row * d + d), n * d);
        const duplicated = createDataset(dupValues, n + 1, d);
        const weights = new Float64Array(n).fill(1);
        weights[row] = 2;
        const weighted = createDataset(base.values, n, d, { weights });
        // The same start for both (init from data would see different rows).
        const start = await fit(gmmPlugin, base, { k, covariance, regCovar: 1e-3 }, { maxIter: 1, seed });
        const init = gmmPlugin.toJSON(start.params, start.options);
        const options = { k, covariance, regCovar: 1e-3, init: { weights: init.weights, means: init.means, covariances: init.covariances } };
        const a = await fit(gmmPlugin, duplicated, options, { maxIter: 15, tol: 0 });
        const b = await fit(gmmPlugin, weighted, options, { maxIter: 15, tol: 0 });
        expect(Math.abs(a.meanLogLikelihood - b.meanLogLikelihood)).toBeLessThan(1e-9);
        for (let i = 0; i < a.params.means.length; i++) expect(Math.abs(a.params.means[i] - b.params.means[i])).toBeLessThan(1e-7);
        expect(b.bic).toBeCloseTo(a.bic!, 6);
      }),
      { numRuns: 25 },
    );
  });

  it('statistics of shards add up to the statistics of the whole data', () => {
    fc.assert(
      fc.property(fitCase, fc.integer({ min: 1, max: 17 }), ({ seed, n, d, k, covariance }, shardRows) => {
        const data = clustered(seed, n, d, 3);
        const params = gmmPlugin.init(data, gmmPlugin.parseOptions({ k, covariance, regCovar: 1e-3 }), new Random(seed));
        const whole = runShardsInProcess(gmmPlugin, params, data, planShards(n, n));
        const sharded = runShardsInProcess(gmmPlugin, params, data, planShards(n, shardRows));
        expect(Math.abs(whole.logLikelihood - sharded.logLikelihood)).toBeLessThan(1e-9 * Math.abs(whole.logLikelihood));
        for (let i = 0; i < whole.stats.length; i++) expect(Math.abs(whole.stats[i] - sharded.stats[i])).toBeLessThan(1e-9 * (1 + Math.abs(whole.stats[i])));
      }),
      { numRuns: 40 },
    );
  });
});

describe('gmm options and edge cases', () => {
  const data = clustered(7, 90, 2, 3);

  it('frozen weights stay uniform and are not counted as free parameters', async () => {
    const r = await fit(gmmPlugin, data, { k: 3, covariance: 'full', freeze: ['weights'] }, { seed: 1 });
    expect(Array.from(r.params.weights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(r.parameterCount).toBe(3 * 2 + 3 * 3);
    const free = await fit(gmmPlugin, data, { k: 3, covariance: 'full' }, { seed: 1 });
    expect(free.parameterCount).toBe(2 + 3 * 2 + 3 * 3);
  });

  it('frozen means and covariances keep the given values; weights follow the data', async () => {
    const init = { means: [[0, 0], [5, 5]], covariances: [[[1, 0], [0, 1]], [[2, 0.5], [0.5, 1]]] };
    const r = await fit(gmmPlugin, data, { k: 2, covariance: 'full', init, freeze: ['means', 'covariances'] }, { seed: 1 });
    expect(Array.from(r.params.means)).toEqual([0, 0, 5, 5]);
    expect(Array.from(r.params.covariances)).toEqual([1, 0, 0, 1, 2, 0.5, 0.5, 1]);
    expect(r.params.weights[0] + r.params.weights[1]).toBeCloseTo(1, 12);
    expect(r.parameterCount).toBe(1);
  });

  it('given weights are used when frozen', async () => {
    const r = await fit(gmmPlugin, data, { k: 2, init: { weights: [0.25, 0.75] }, freeze: 'weights' }, { seed: 3 });
    expect(Array.from(r.params.weights)).toEqual([0.25, 0.75]);
  });

  it('sampling reproduces the model\'s moments', () => {
    const model = gmmPlugin.fromJSON({ k: 2, covariance: 'full', weights: [0.3, 0.7], means: [[0, 0], [10, -4]], covariances: [[[1, 0.5], [0.5, 2]], [[0.5, 0], [0, 0.5]]] });
    const n = 40_000;
    const x = gmmPlugin.sample!(model.params, n, new Random(5));
    let mx = 0, my = 0;
    for (let i = 0; i < n; i++) {
      mx += x[2 * i] / n;
      my += x[2 * i + 1] / n;
    }
    expect(mx).toBeCloseTo(0.7 * 10, 1);
    expect(my).toBeCloseTo(0.7 * -4, 1);
    const labels = gmmPlugin.predict(model.params, createDataset(x, n, 2));
    const share = labels.reduce((s, l) => s + l, 0) / n;
    expect(Math.abs(share - 0.7)).toBeLessThan(0.02);
  });

  it('toJSON/fromJSON round-trip gives the same log-likelihood', async () => {
    for (const covariance of covarianceTypes) {
      const r = await fit(gmmPlugin, data, { k: 3, covariance }, { seed: 2 });
      const back = gmmPlugin.fromJSON(JSON.parse(JSON.stringify(gmmPlugin.toJSON(r.params, r.options))));
      expect(Array.from(gmmPlugin.scoreSamples(back.params, data))).toEqual(Array.from(gmmPlugin.scoreSamples(r.params, data)));
      expect(back.options.covariance).toBe(covariance);
    }
  });

  it('rejects bad options naming the field', () => {
    expect(() => gmmPlugin.parseOptions({ k: 0 })).toThrow(/^k:/);
    expect(() => gmmPlugin.parseOptions({ k: 2, covariance: 'banana' })).toThrow(/^covariance:/);
    expect(() => gmmPlugin.parseOptions({ k: 2, regCovar: -1 })).toThrow(/^regCovar:/);
    expect(() => gmmPlugin.parseOptions({ k: 2, freeze: ['nothing'] })).toThrow(/^freeze/);
    expect(() => gmmPlugin.parseOptions({ k: 2, kk: 1 })).toThrow(OptionError);
  });

  it('rejects an init of the wrong shape, naming the field and index', async () => {
    await expect(fit(gmmPlugin, data, { k: 2, init: { means: [[0, 0], [1]] } })).rejects.toThrow(/init\.means\[1\]/);
    await expect(fit(gmmPlugin, data, { k: 2, init: { weights: [0.5, 0.6] } })).rejects.toThrow(/init\.weights/);
    await expect(fit(gmmPlugin, data, { k: 2, covariance: 'diag', init: { covariances: [[1, 1], [1, -1]] } })).rejects.toThrow(/init\.covariances\[1\]/);
  });

  it('K larger than N is a clear option error', async () => {
    await expect(fit(gmmPlugin, clustered(1, 3, 2, 1), { k: 5 })).rejects.toThrow(/^k: 5 components need at least 5 rows/);
  });

  it('a collapsed component without regularisation is a FitError naming the component', async () => {
    const values = Float64Array.from([0, 0, 0, 0, 0, 0, 5, 1, 6, 2, 7, 1.5]);
    const flat = createDataset(values, 6, 2);
    const init = { means: [[0, 0], [6, 1.5]], weights: [0.5, 0.5], covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]]] };
    await expect(fit(gmmPlugin, flat, { k: 2, regCovar: 0, init }, { maxIter: 10 })).rejects.toThrow(FitError);
    await expect(fit(gmmPlugin, flat, { k: 2, regCovar: 0, init }, { maxIter: 10 })).rejects.toThrow(/component 1 is singular.*reg-covar/);
    const ok = await fit(gmmPlugin, flat, { k: 2, regCovar: 1e-6, init }, { maxIter: 10 });
    expect(Number.isFinite(ok.meanLogLikelihood)).toBe(true);
  });
});
