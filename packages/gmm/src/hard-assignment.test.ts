import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columnMoments, createDataset, fit, ModelFileError, planShards, runShardsInProcess, totalWeight, type Dataset } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { lloyd } from '@emkit/kmeans';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { DEFAULT_REG_COVAR } from './options.js';
import { COVARIANCE_TYPES } from './covariance/index.js';
import type { CovarianceType, GmmParams } from './params.js';
import { readFixture, readFixtureDataset } from './test-support/fixtures.js';

// All 14 structures: the four classic ones and mclust's other ten.
const covarianceTypes: CovarianceType[] = [...COVARIANCE_TYPES];

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

/**
 * Σ w·max_j log(π_j N(x | j)) / Σw computed another way: from the soft rule's posteriors r and
 * log p(x), as log p(x) + log max_j r_j.
 */
function classificationMeanLogLikelihood(params: GmmParams, data: Dataset): number {
  const soft: GmmParams = { ...params, assignment: 'soft' };
  const logP = gmmPlugin.scoreSamples(soft, data);
  const r = gmmPlugin.responsibilities(soft, data);
  let total = 0;
  for (let i = 0; i < data.rows; i++) {
    let best = 0;
    for (let j = 0; j < params.k; j++) best = Math.max(best, r[i * params.k + j]);
    total += (data.weights === null ? 1 : data.weights[i]) * (logP[i] + Math.log(best));
  }
  return total / totalWeight(data);
}

describe('hard assignment (classification EM)', () => {
  it('the classification log-likelihood never decreases, and is what the driver tracks', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, async ({ seed, n, d, k, covariance, initMethod }) => {
        const data = clustered(seed, n, d, 3);
        const r = await fit(gmmPlugin, data, { k, covariance, initMethod, assignment: 'hard' }, { tol: 1e-10, maxIter: 100, seed });
        expect(r.monotonicityViolations).toEqual([]);
        for (let i = 1; i < r.history.length; i++) expect(r.history[i]).toBeGreaterThanOrEqual(r.history[i - 1] - 1e-9 * Math.abs(r.history[i - 1]));
        const expected = classificationMeanLogLikelihood(r.params, data);
        expect(Math.abs(r.meanLogLikelihood - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
        // Soft EM's log-likelihood bounds the classification one from above (Σ_j π_j N_j ≥ max_j π_j N_j),
        // with equality (up to the rounding of two ways of summing) when the other components' terms underflow.
        const soft = gmmPlugin.scoreSamples({ ...r.params, assignment: 'soft' }, data);
        expect(soft.reduce((s, x) => s + x, 0) / n).toBeGreaterThanOrEqual(r.meanLogLikelihood - 1e-12 * Math.abs(r.meanLogLikelihood));
      }),
      { numRuns: 60 },
    );
  });

  it('labels are stable at convergence: one more E- and M-step changes neither labels nor parameters', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, async ({ seed, n, d, k, covariance, initMethod }) => {
        const data = clustered(seed, n, d, 3);
        const r = await fit(gmmPlugin, data, { k, covariance, initMethod, assignment: 'hard' }, { tol: 1e-10, maxIter: 200, seed });
        expect(r.converged).toBe(true);
        const labels = gmmPlugin.predict(r.params, data);
        const { stats } = runShardsInProcess(gmmPlugin, r.params, data, planShards(n));
        const next = gmmPlugin.mStep(r.params, stats, { rows: n, cols: d, totalWeight: n }, r.options);
        expect(Array.from(gmmPlugin.predict(next, data))).toEqual(Array.from(labels));
        for (let i = 0; i < next.means.length; i++) expect(Math.abs(next.means[i] - r.params.means[i])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(r.params.means[i])));
      }),
      { numRuns: 40 },
    );
  });

  it('responsibilities are one-hot on the most probable component, the lowest index on ties', () => {
    const { params } = gmmPlugin.fromJSON({ k: 3, covariance: 'spherical', assignment: 'hard', weights: [0.25, 0.25, 0.5], means: [[0], [2], [10]], covariances: [1, 1, 1] });
    // x = 1 is equally probable under components 0 and 1; x = 9 belongs to component 2.
    const data = createDataset(Float64Array.of(1, 9, -3), 3, 1);
    expect(Array.from(gmmPlugin.responsibilities(params, data))).toEqual([1, 0, 0, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(gmmPlugin.predict(params, data))).toEqual([0, 2, 0]);
    const logN = (x: number, m: number) => -0.5 * Math.log(2 * Math.PI) - 0.5 * (x - m) ** 2;
    const scores = gmmPlugin.scoreSamples(params, data);
    expect(scores[0]).toBeCloseTo(Math.log(0.25) + logN(1, 0), 14);
    expect(scores[1]).toBeCloseTo(Math.log(0.5) + logN(9, 10), 14);
  });

  it('weights, means and covariances are still estimated, from the hard assignments', async () => {
    const data = clustered(3, 150, 2, 3);
    const r = await fit(gmmPlugin, data, { k: 3, covariance: 'full', assignment: 'hard' }, { tol: 1e-10, seed: 1 });
    const labels = gmmPlugin.predict(r.params, data);
    // the ridge: regCovar (its default) times each column's variance
    const ridge = columnMoments(data).deviation.map((s) => DEFAULT_REG_COVAR * s * s);
    for (let j = 0; j < 3; j++) {
      const rows = [...labels.keys()].filter((i) => labels[i] === j);
      expect(r.params.weights[j]).toBeCloseTo(rows.length / 150, 12);
      const mean = [0, 1].map((c) => rows.reduce((s, i) => s + data.values[2 * i + c], 0) / rows.length);
      for (let c = 0; c < 2; c++) expect(r.params.means[2 * j + c]).toBeCloseTo(mean[c], 10);
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++) {
          const s = rows.reduce((acc, i) => acc + (data.values[2 * i + a] - mean[a]) * (data.values[2 * i + b] - mean[b]), 0) / rows.length;
          expect(r.params.covariances[4 * j + 2 * a + b]).toBeCloseTo(s + (a === b ? ridge[a] : 0), 10);
        }
    }
  });

  it('statistics of shards add up to the statistics of the whole data', () => {
    fc.assert(
      fc.property(fitCase, fc.integer({ min: 1, max: 17 }), ({ seed, n, d, k, covariance }, shardRows) => {
        const data = clustered(seed, n, d, 3);
        const params = gmmPlugin.init(data, gmmPlugin.parseOptions({ k, covariance, assignment: 'hard' }), new Random(seed));
        const whole = runShardsInProcess(gmmPlugin, params, data, planShards(n, n));
        const sharded = runShardsInProcess(gmmPlugin, params, data, planShards(n, shardRows));
        expect(Math.abs(whole.logLikelihood - sharded.logLikelihood)).toBeLessThan(1e-9 * Math.abs(whole.logLikelihood) + 1e-12);
        for (let i = 0; i < whole.stats.length; i++) expect(Math.abs(whole.stats[i] - sharded.stats[i])).toBeLessThan(1e-9 * (1 + Math.abs(whole.stats[i])));
      }),
      { numRuns: 40 },
    );
  });

  for (const name of ['kmeans-blobs.json', 'kmeans-iris.json', 'kmeans-faithful.json']) {
    it(`${name}: spherical, frozen equal weights and a frozen equal variance reproduce Lloyd's centres`, async () => {
      const fx = readFixture<{ dataset: string; k: number; init: { centers: number[][] } }>(name);
      const data = readFixtureDataset(fx.dataset);
      const { k } = fx;
      const start = Float64Array.from(fx.init.centers.flat());
      const reference = lloyd(data, start, k, { tol: 0, maxIter: 1000 });
      // The variance does not matter to hard assignments as long as it is the same for every
      // component (argmax_j −‖x − μ_j‖²/2c is the nearest centre); tiny is the limit c → 0.
      for (const variance of [1e-4, 1]) {
        const init = { weights: Array(k).fill(1 / k), means: fx.init.centers, covariances: Array(k).fill(variance) };
        const options = { k, covariance: 'spherical', assignment: 'hard', init, freeze: ['weights', 'covariances'] };
        const r = await fit(gmmPlugin, data, options, { tol: 1e-6, maxIter: 1000 });
        expect(r.converged).toBe(true);
        expect(r.monotonicityViolations).toEqual([]);
        let worst = 0;
        for (let i = 0; i < reference.centers.length; i++) worst = Math.max(worst, Math.abs(r.params.means[i] - reference.centers[i]));
        expect(worst).toBeLessThanOrEqual(1e-9);
        expect(Array.from(gmmPlugin.predict(r.params, data))).toEqual(Array.from(reference.labels));
        expect(Array.from(r.params.weights)).toEqual(Array(k).fill(1 / k));
        expect(Array.from(r.params.covariances)).toEqual(Array(k).fill(variance));
      }
    });
  }

  it('is an option (default soft) and round-trips through model files', async () => {
    expect(gmmPlugin.parseOptions({ k: 2 }).assignment).toBe('soft');
    expect(gmmPlugin.parseOptions({ k: 2, assignment: 'hard' }).assignment).toBe('hard');
    expect(() => gmmPlugin.parseOptions({ k: 2, assignment: 'fuzzy' })).toThrow(/^assignment:/);
    expect(gmmPlugin.optionSpecs.find((s) => s.name === 'assignment')).toMatchObject({ type: 'string', choices: ['soft', 'hard'], defaultValue: 'soft' });

    const data = clustered(11, 90, 2, 3);
    const r = await fit(gmmPlugin, data, { k: 3, covariance: 'diag', assignment: 'hard' }, { seed: 2 });
    const json = JSON.parse(JSON.stringify(gmmPlugin.toJSON(r.params, r.options))) as Record<string, unknown>;
    expect(json.assignment).toBe('hard');
    const back = gmmPlugin.fromJSON(json);
    expect(back.params.assignment).toBe('hard');
    expect(back.options.assignment).toBe('hard');
    expect(Array.from(gmmPlugin.scoreSamples(back.params, data))).toEqual(Array.from(gmmPlugin.scoreSamples(r.params, data)));
    expect(Array.from(gmmPlugin.responsibilities(back.params, data))).toEqual(Array.from(gmmPlugin.responsibilities(r.params, data)));

    // A model file from before hard EM existed is soft.
    const { assignment: _dropped, ...old } = json;
    expect(gmmPlugin.fromJSON(old).params.assignment).toBe('soft');
    expect(() => gmmPlugin.fromJSON({ ...json, assignment: 'fuzzy' })).toThrow(ModelFileError);
    expect(() => gmmPlugin.fromJSON({ ...json, assignment: 'fuzzy' })).toThrow(/assignment/);
  });

  for (const covariance of covarianceTypes)
    it(`passes core's conformance kit in hard mode (${covariance})`, async () => {
      await assertConformance(gmmPlugin, {
        data: clustered(5, 200, 2, 3),
        options: { k: 3, covariance, assignment: 'hard' },
      });
    });

  it('given covariances are not estimated at init, so regCovar 0 does not fail on a one-row cluster', async () => {
    const data = createDataset(Float64Array.of(0, 0.1, 0.2, 10), 4, 1);
    const r = await fit(gmmPlugin, data, { k: 2, covariance: 'spherical', regCovar: 0, init: { means: [[0.1], [10]], covariances: [1, 1] }, freeze: ['covariances'] });
    expect(Array.from(r.params.covariances)).toEqual([1, 1]);
  });
});
