import { describe, expect, it } from 'vitest';
import { columnMoments, createDataset, datasetFromRows, fit, FitError, modelFileFromFit, planShards, runShardsInProcess, type Dataset } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { DEFAULT_REG_COVAR } from './options.js';
import { COVARIANCE_TYPES } from './covariance/index.js';
import { MAX_RESEEDS, clearFarRows, mergeFarRows, offerFarRow, slotWidth } from './singularity.js';
import { readFixtureDataset } from './test-support/fixtures.js';

/** The lectures' example: d = 1, k = 2, equal FIXED weights, x = −1, +1, +3; component 2 starts at μ = 3, σ = 0.01. */
const lecture = datasetFromRows([[-1], [1], [3]]);
const lectureOptions = {
  k: 2,
  covariance: 'full',
  regCovar: 0,
  freeze: ['weights'],
  init: { weights: [0.5, 0.5], means: [[0], [3]], covariances: [[[1]], [[0.01 ** 2]]] },
};

function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbers);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(numbers);
  return [];
}

async function fitError(run: Promise<unknown>): Promise<FitError> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(FitError);
    return error as FitError;
  }
  throw new Error('expected a FitError');
}

describe('collapsing components under maximum likelihood', () => {
  it('the lectures\' example: detected at iteration 1 and reported with the component and remedies (onSingular: fail)', async () => {
    for (const covariance of ['full', 'diag', 'spherical']) {
      const init = covariance === 'full' ? lectureOptions.init : { ...lectureOptions.init, covariances: covariance === 'diag' ? [[1], [1e-4]] : [1, 1e-4] };
      const error = await fitError(fit(gmmPlugin, lecture, { ...lectureOptions, covariance, init }, { maxIter: 100 }));
      expect(error.iteration).toBe(1);
      expect(error.code).toBe('fit');
      expect(error.message).toMatch(/^gmm \(iteration 1\): component 2 is singular \(variance 0: it sits on a single point/);
      expect(error.message).toMatch(/Remedies: MAP-EM with a prior .*--prior default.*--reg-covar.*--on-singular reseed/);
      expect(error.message).not.toMatch(/NaN|Infinity/);
    }
    // the weight rule (minRows: 1, a weight under 1/N) names the same component, with both reasons
    const byWeight = await fitError(fit(gmmPlugin, lecture, { ...lectureOptions, minRows: 1 }));
    expect(byWeight.message).toMatch(/component 2 is singular .*0\.9999 rows' worth of responsibility, under 1 \(a weight under 1\/N\)/);
  });

  it('the lectures\' example with onSingular: reseed goes on, finite everywhere, the re-seed recorded as a warning', async () => {
    const r = await fit(gmmPlugin, lecture, { ...lectureOptions, onSingular: 'reseed' }, { maxIter: 200 });
    expect(r.params.warnings).toEqual([
      {
        iteration: 1,
        component: 2,
        reason: 'variance 0: it sits on a single point or on collapsed rows',
        action: 're-seeded at row 1 (the row of lowest log-density) with the mean covariance of the other components',
      },
    ]);
    // re-seeding restarts a component, so the log-likelihood may drop there: recorded, not hidden
    expect(r.monotonicityViolations.map((v) => v.iteration)).toEqual([2]);
    const file = modelFileFromFit(gmmPlugin, r);
    expect(file.warnings).toEqual(r.params.warnings);
    expect(file.onSingular).toBe('reseed');
    expect(numbers(file).every(Number.isFinite)).toBe(true);
    expect(JSON.stringify(file)).not.toMatch(/null/);
    // and the model file reads back with its warnings
    expect(gmmPlugin.fromJSON(JSON.parse(JSON.stringify(file))).params.warnings).toEqual(r.params.warnings);
  });

  it('a variance floor catches a collapse that regCovar keeps positive definite', async () => {
    // five identical rows and a spread cluster: k-means puts a component on the identical rows
    const values = new Float64Array(40);
    for (let i = 0; i < 5; i++) values.set([2, 2], 2 * i);
    const random = new Random(1);
    for (let i = 5; i < 20; i++) values.set([10 + random.nextNormal(), random.nextNormal()], 2 * i);
    const data = createDataset(values, 20, 2);
    const plain = await fit(gmmPlugin, data, { k: 2, covariance: 'diag', initMethod: 'kmeans' }, { seed: 0 });
    // collapsed onto the ridge, silently: regCovar times each column's variance (the default scale)…
    const variances = columnMoments(data).deviation.map((s) => s * s);
    const collapsed = plain.params.covariances.findIndex((v) => v < 1e-3);
    expect(plain.params.covariances[collapsed] / (DEFAULT_REG_COVAR * variances[collapsed % 2])).toBeCloseTo(1, 8);
    // …or regCovar itself, scikit-learn's ridge
    const absolute = await fit(gmmPlugin, data, { k: 2, covariance: 'diag', initMethod: 'kmeans', regCovar: 1e-6, regCovarScale: 'none' }, { seed: 0 });
    expect(Math.min(...absolute.params.covariances)).toBeCloseTo(1e-6, 12);
    const error = await fitError(fit(gmmPlugin, data, { k: 2, covariance: 'diag', varianceFloor: 1e-4, initMethod: 'kmeans', regCovar: 1e-6, regCovarScale: 'none' }, { seed: 0 }));
    expect(error.message).toMatch(/component \d collapsed \(its smallest variance 0\.000001 is at or below the floor 0\.0001\)/);
  });

  it('reseed moves a collapsing component to the worst-explained row and the fit ends well', async () => {
    // three clusters; start two components on the same tight pair of identical rows
    const random = new Random(3);
    const rows: number[][] = [];
    for (const [cx, cy] of [[0, 0], [8, 0], [0, 8]]) for (let i = 0; i < 30; i++) rows.push([cx + random.nextNormal(), cy + random.nextNormal()]);
    rows.push([4, 4], [4, 4]);
    const data = datasetFromRows(rows);
    const init = { means: [[0, 0], [8, 0], [4, 4]], covariances: [[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1e-3, 0], [0, 1e-3]]], weights: [0.4, 0.4, 0.2] };
    await expect(fit(gmmPlugin, data, { k: 3, regCovar: 0, init })).rejects.toThrow(/component 3 is singular/);
    const r = await fit(gmmPlugin, data, { k: 3, regCovar: 0, init, onSingular: 'reseed' }, { maxIter: 300 });
    expect(r.params.warnings!.length).toBeGreaterThanOrEqual(1);
    expect(r.params.warnings![0]).toMatchObject({ component: 3 });
    // the re-seeded component found the third cluster
    const means = Array.from({ length: 3 }, (_, j) => [r.params.means[2 * j], r.params.means[2 * j + 1]]);
    expect(means.some(([x, y]) => Math.abs(x) < 1 && Math.abs(y - 8) < 1)).toBe(true);
    expect(Number.isFinite(r.logLikelihood)).toBe(true);
  });

  it('gives up after MAX_RESEEDS re-seeds with the fail error', async () => {
    // three values repeated, four components, no regularisation: every component that owns one value collapses, again and again
    const data = datasetFromRows([[0], [0], [0], [5], [5], [5], [10], [10], [10], [2.4]]);
    const init = { means: [[0], [5], [10], [2.5]], covariances: [[[1]], [[1]], [[1]], [[4]]], weights: [0.25, 0.25, 0.25, 0.25] };
    const error = await fitError(fit(gmmPlugin, data, { k: 4, regCovar: 0, onSingular: 'reseed', init }, { maxIter: 200 }));
    expect(error.message).toMatch(new RegExp(`is singular .*\\(after ${MAX_RESEEDS} re-seeds in this fit\\)`));
    expect(error.iteration).toBeGreaterThan(1);
  });

  it('a collapse at the start is reported as such', async () => {
    const data = datasetFromRows([[0], [5], [5.5], [6]]);
    const error = await fitError(fit(gmmPlugin, data, { k: 2, regCovar: 0, init: { means: [[0], [5.5]] } }));
    expect(error.iteration).toBeUndefined();
    expect(error.message).toMatch(/^gmm: component 1 is singular at the start/);
  });

  for (const covariance of COVARIANCE_TYPES)
    it(`passes the conformance kit with onSingular: reseed (candidate rows merge by selection; ${covariance})`, async () => {
      const data = readFixtureDataset('faithful');
      // VVE's parameter count at faithful's K = 2 start is checked on iris instead (conformance.test.ts says why).
      await assertConformance(gmmPlugin, { data, options: { k: 2, covariance, onSingular: 'reseed' }, maxIter: 30, skip: covariance === 'VVE' ? ['parameter-count'] : [] });
    });
});

describe('re-seeding candidates in the statistics', () => {
  function candidates(data: Dataset, scores: number[], slots: number, shardRows: number): number[] {
    const d = data.cols;
    const w = slotWidth(d);
    const total = new Float64Array(slots * w);
    clearFarRows(total, 0, slots, d);
    for (let start = 0; start < data.rows; start += shardRows) {
      const shard = new Float64Array(slots * w);
      clearFarRows(shard, 0, slots, d);
      for (let i = start; i < Math.min(data.rows, start + shardRows); i++) offerFarRow(shard, 0, slots, d, scores[i], i, data.values, i * d);
      mergeFarRows(total, shard, 0, slots, d);
    }
    return Array.from({ length: slots }, (_, s) => total[s * w + 1]);
  }

  it('keeps the rows of lowest log-density, ties to the lower row, whatever the shard plan', () => {
    const data = datasetFromRows([[0], [1], [2], [3], [4], [5], [6]]);
    const scores = [-1, -5, -2, -5, 0, -9, -2];
    for (const shardRows of [1, 2, 3, 7]) expect(candidates(data, scores, 3, shardRows)).toEqual([5, 1, 3]);
    expect(candidates(data, scores, 9, 2)).toEqual([5, 1, 3, 2, 6, 0, 4, Infinity, Infinity]);
  });

  it('the E-step fills them only under onSingular: reseed', () => {
    const data = readFixtureDataset('faithful');
    const plain = gmmPlugin.init(data, gmmPlugin.parseOptions({ k: 2 }), new Random(0));
    const reseed = gmmPlugin.init(data, gmmPlugin.parseOptions({ k: 2, onSingular: 'reseed' }), new Random(0));
    expect(reseed.reseedSlots).toBe(2);
    const a = runShardsInProcess(gmmPlugin, plain, data, planShards(data.rows, 50));
    const b = runShardsInProcess(gmmPlugin, reseed, data, planShards(data.rows, 50));
    expect(b.stats.length - a.stats.length).toBe(2 * slotWidth(2));
    expect(Array.from(b.stats.subarray(0, a.stats.length))).toEqual(Array.from(a.stats));
    expect(b.logLikelihood).toBe(a.logLikelihood);
    const scores = gmmPlugin.scoreSamples(plain, data);
    const worst = scores.indexOf(Math.min(...scores));
    expect(b.stats[a.stats.length + 1]).toBe(worst);
  });
});
