import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDataset, datasetFromRows, fit, modelFileFromFit, planShards, runShardsInProcess, OptionError, type Dataset } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { Random, inverse, symmetricEigen } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { COVARIANCE_TYPES, covarianceModel } from './covariance/index.js';

/** The structures with a conjugate prior (mclust's; it has none for VEE, EVE, VVE, EVV, and EEV and VEV are not offered here yet). */
const WITH_PRIOR = COVARIANCE_TYPES.filter((t) => covarianceModel(t).supportsPrior !== false);
import type { CovarianceType, GmmParams } from './params.js';
import { lnGamma } from './special.js';
import { readFixtureDataset } from './test-support/fixtures.js';

function clustered(seed: number, n: number, d: number, groups: number, weighted = false): Dataset {
  const random = new Random(seed);
  const centres = Array.from({ length: groups }, () => Array.from({ length: d }, () => 6 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % groups][c] + random.nextNormal() * (0.5 + c * 0.3);
  return createDataset(values, n, d, { weights: weighted ? Array.from({ length: n }, () => 1 + random.nextInt(3)) : null });
}

const faithful = readFixtureDataset('faithful');

/** The lectures' example: d = 1, k = 2, equal fixed weights, x = −1, +1, +3. */
const lecture = datasetFromRows([[-1], [1], [3]]);
const lectureInit = { weights: [0.5, 0.5], means: [[0], [3]], covariances: [[[1]], [[0.0001]]] };
const lectureOptions = { k: 2, covariance: 'full', regCovar: 0, freeze: ['weights'], init: lectureInit };

/** Every number in a JSON-able value, for "no NaN, no Infinity anywhere". */
function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbers);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(numbers);
  return [];
}

describe('MAP-EM with conjugate priors (mclust priorControl)', () => {
  it('the lectures\' example stays finite under MAP (regCovar 0, a component on one point)', async () => {
    const r = await fit(gmmPlugin, lecture, { ...lectureOptions, prior: 'default' }, { maxIter: 200 });
    expect(r.converged).toBe(true);
    expect(r.monotonicityViolations).toEqual([]);
    for (const v of r.params.covariances) expect(v).toBeGreaterThan(0.01);
    const file = modelFileFromFit(gmmPlugin, r);
    expect(numbers(file).every(Number.isFinite)).toBe(true);
    expect(JSON.stringify(file)).not.toMatch(/null/);
    // mclust's defaultPrior from the data: mean 1, dof D + 2 = 3, scale var(x)/K^(2/D) = 4/4 = 1
    expect(file.prior).toEqual({ shrinkage: 0.01, mean: [1], dof: 3, scale: [[1]], weightConcentration: 1 });
    // the component on x = 3 by hand: n ≈ 1, x̄ = 3 → σ² = (1 + κn/(κ+n)·(3 − 1)² + 0)/(ν + n + 3) ≈ 0.1485
    expect(r.params.covariances[1]).toBeCloseTo(1.04 / 7, 2);
  });

  it('the objective is the log posterior Σ w·log p(x | θ) + log p(θ), and it never decreases (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 0, max: 10_000 }),
          n: fc.integer({ min: 20, max: 90 }),
          d: fc.integer({ min: 1, max: 3 }),
          k: fc.integer({ min: 1, max: 4 }),
          covariance: fc.constantFrom(...WITH_PRIOR),
          weighted: fc.boolean(),
          shrinkage: fc.double({ min: 1e-3, max: 5, noNaN: true }),
          extraDof: fc.double({ min: 0.1, max: 6, noNaN: true }),
          weightConcentration: fc.double({ min: 1, max: 5, noNaN: true }),
          freeze: fc.subarray(['weights', 'means', 'covariances'] as const, { maxLength: 2 }),
          assignment: fc.constantFrom('soft' as const, 'hard' as const),
        }),
        async ({ seed, n, d, k, covariance, weighted, shrinkage, extraDof, weightConcentration, freeze, assignment }) => {
          const data = clustered(seed, n, d, 3, weighted);
          const options = { k, covariance, regCovar: 0, freeze, assignment, prior: { shrinkage, dof: d + extraDof, weightConcentration } };
          const r = await fit(gmmPlugin, data, options, { tol: 0, maxIter: 40, seed });
          for (let i = 1; i < r.history.length; i++) expect(r.history[i] - r.history[i - 1]).toBeGreaterThanOrEqual(-1e-10 * Math.abs(r.history[i - 1]));
          expect(r.monotonicityViolations).toEqual([]);
          const scores = gmmPlugin.scoreSamples(r.params, data);
          let logLikelihood = 0;
          for (let i = 0; i < n; i++) logLikelihood += (data.weights === null ? 1 : data.weights[i]) * scores[i];
          expect(r.logLikelihood).toBeCloseTo(logLikelihood + r.params.logPrior!, 6);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('in one dimension full, diag and spherical are the same model and give the same MAP fit', async () => {
    const data = clustered(3, 60, 1, 2);
    const fits = await Promise.all((['full', 'diag', 'spherical'] as CovarianceType[]).map((covariance) => fit(gmmPlugin, data, { k: 3, covariance, prior: 'default', regCovar: 0 }, { seed: 1, tol: 1e-10 })));
    for (const r of fits.slice(1)) {
      expect(r.logLikelihood).toBeCloseTo(fits[0].logLikelihood, 8);
      expect(r.params.logPrior!).toBeCloseTo(fits[0].params.logPrior!, 8);
      Array.from(r.params.covariances).forEach((v, j) => expect(v).toBeCloseTo(fits[0].params.covariances[j], 8));
    }
  });

  it('log p(θ) agrees with an independent computation (explicit inverse and eigenvalue determinants)', async () => {
    const r = await fit(gmmPlugin, faithful, { k: 3, covariance: 'full', prior: { shrinkage: 0.2, weightConcentration: 2 } }, { seed: 0, maxIter: 5 });
    const p = r.params;
    const prior = p.prior!;
    const d = 2;
    const logDet = (m: Float64Array) => symmetricEigen(m, 0, d).values.reduce((s, v) => s + Math.log(v), 0);
    const lnGammaD = (a: number) => (d * (d - 1) * Math.log(Math.PI)) / 4 + lnGamma(a) + lnGamma(a - 0.5);
    let expected = lnGamma(3 * 2) - 3 * lnGamma(2) + Array.from(p.weights).reduce((s, w) => s + Math.log(w), 0);
    for (let j = 0; j < 3; j++) {
      const sigma = p.covariances.subarray(j * 4, j * 4 + 4);
      const precision = inverse(sigma, 0, d);
      const nu = prior.dof;
      let trace = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) trace += prior.scale[a * d + b] * precision[b * d + a];
      expected += (nu / 2) * logDet(prior.scale) - ((nu * d) / 2) * Math.LN2 - lnGammaD(nu / 2) - ((nu + d + 1) / 2) * logDet(sigma) - trace / 2;
      const diff = [p.means[2 * j] - prior.mean[0], p.means[2 * j + 1] - prior.mean[1]];
      let quad = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) quad += diff[a] * precision[a * d + b] * diff[b];
      expected += -Math.log(2 * Math.PI) + Math.log(prior.shrinkage) - 0.5 * logDet(sigma) - (prior.shrinkage / 2) * quad;
    }
    expect(p.logPrior).toBeCloseTo(expected, 9);
  });

  it('resolves mclust\'s defaultPrior per covariance structure and writes it to the model file', async () => {
    const moments = { mean: [0, 0], cov: [0, 0, 0, 0] };
    const n = faithful.rows;
    for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) moments.mean[c] += faithful.values[2 * i + c] / n;
    for (let i = 0; i < n; i++)
      for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) moments.cov[a * 2 + b] += ((faithful.values[2 * i + a] - moments.mean[a]) * (faithful.values[2 * i + b] - moments.mean[b])) / (n - 1);
    const k = 3;
    const s = Math.pow(k, -2 / 2);
    // mclust's defaultPrior: the data covariance for the ellipsoidal models, the mean variance for the diagonal family.
    const matrix = [[moments.cov[0] * s, moments.cov[1] * s], [moments.cov[2] * s, moments.cov[3] * s]];
    const meanVariance = ((moments.cov[0] + moments.cov[3]) / 2) * s;
    const expectedScale: Partial<Record<CovarianceType, unknown>> = {
      full: matrix,
      tied: matrix,
      diag: [meanVariance, meanVariance],
      EEI: [meanVariance, meanVariance],
      VEI: [meanVariance, meanVariance],
      EVI: [meanVariance, meanVariance],
      spherical: meanVariance,
      EII: meanVariance,
    };
    expect(Object.keys(expectedScale).sort()).toEqual([...WITH_PRIOR].sort());
    for (const covariance of WITH_PRIOR) {
      const options = gmmPlugin.parseOptions({ k, covariance, prior: 'default' });
      const json = gmmPlugin.toJSON(gmmPlugin.init(faithful, options, new Random(0)), options) as { prior: Record<string, unknown>; totalWeight: number };
      expect(json.prior.shrinkage).toBe(0.01);
      expect(json.prior.dof).toBe(4);
      expect(json.prior.weightConcentration).toBe(1);
      expect(json.totalWeight).toBe(n);
      expect((json.prior.mean as number[])[1]).toBeCloseTo(moments.mean[1], 10);
      expect(JSON.stringify(json.prior.scale, (_k, v) => (typeof v === 'number' ? +v.toPrecision(10) : v))).toBe(JSON.stringify(expectedScale[covariance], (_k, v) => (typeof v === 'number' ? +v.toPrecision(10) : v)));
    }
  });

  it('passes the conformance kit with a prior, for every covariance structure', async () => {
    for (const covariance of WITH_PRIOR) await assertConformance(gmmPlugin, { data: faithful, options: { k: 2, covariance, prior: 'default' }, maxIter: 30 });
  }, 120_000);

  it('the flat prior* options (CLI flags) imply and refine the prior; bad values name the field', async () => {
    expect(gmmPlugin.parseOptions({ k: 2 }).prior).toBeNull();
    expect(gmmPlugin.parseOptions({ k: 2, prior: 'none' }).prior).toBeNull();
    expect(gmmPlugin.parseOptions({ k: 2, prior: 'default' }).prior).toEqual({ shrinkage: 0.01, mean: null, dof: null, scale: null, weightConcentration: 1 });
    expect(gmmPlugin.parseOptions({ k: 2, priorShrinkage: 0.5 }).prior).toMatchObject({ shrinkage: 0.5 });
    expect(gmmPlugin.parseOptions({ k: 2, prior: { dof: 7 }, priorWeightConcentration: 3 }).prior).toMatchObject({ dof: 7, weightConcentration: 3, shrinkage: 0.01 });
    expect(() => gmmPlugin.parseOptions({ k: 2, prior: 'none', priorDof: 3 })).toThrow(/^priorDof: is given with prior "none"/);
    expect(() => gmmPlugin.parseOptions({ k: 2, priorWeightConcentration: 0.5 })).toThrow(/^priorWeightConcentration: expected a number ≥ 1 \(a Dirichlet below 1 has no interior mode\), got 0.5$/);
    expect(() => gmmPlugin.parseOptions({ k: 2, prior: { shrinkage: 0 } })).toThrow(/^prior\.shrinkage/);
    expect(() => gmmPlugin.parseOptions({ k: 2, prior: { bogus: 1 } })).toThrow(OptionError);
    const random = new Random(0);
    expect(() => gmmPlugin.init(faithful, gmmPlugin.parseOptions({ k: 2, prior: { dof: 0.5 } }), random)).toThrow(/prior\.dof: must be greater than 1 with covariance full/);
    expect(() => gmmPlugin.init(faithful, gmmPlugin.parseOptions({ k: 2, covariance: 'diag', prior: { scale: [1, -1] } }), random)).toThrow(/prior\.scale\[1\]/);
    expect(() => gmmPlugin.init(faithful, gmmPlugin.parseOptions({ k: 2, prior: { scale: [[1, 2], [2, 1]] } }), random)).toThrow(/prior\.scale: the prior scale must be positive definite/);
    expect(() => gmmPlugin.init(faithful, gmmPlugin.parseOptions({ k: 2, prior: { mean: [1] } }), random)).toThrow(/prior\.mean/);
    const constant = createDataset(Float64Array.of(1, 5, 2, 5, 3, 5, 4, 5), 4, 2);
    expect(() => gmmPlugin.init(constant, gmmPlugin.parseOptions({ k: 2, prior: 'default' }), random)).toThrow(/prior\.scale: the default .* singular/);
    // a given scale works there, and keeps the constant column's variance positive
    const r = await fit(gmmPlugin, constant, { k: 2, regCovar: 0, prior: { scale: [[1, 0], [0, 0.1]] } });
    expect(r.params.covariances.every((v, i) => i % 4 !== 3 || v > 0)).toBe(true);
  });

  it('a row of weight 2 is that row twice under MAP too (prior and fit)', async () => {
    const base = clustered(4, 40, 2, 2);
    const weighted = createDataset(base.values, 40, 2, { weights: Array.from({ length: 40 }, (_, i) => (i === 5 ? 2 : 1)) });
    const values = new Float64Array(82);
    values.set(base.values);
    values.set(base.values.subarray(10, 12), 80);
    const duplicated = createDataset(values, 41, 2);
    const init = { means: [[base.values[0], base.values[1]], [base.values[2], base.values[3]]] };
    const a = await fit(gmmPlugin, weighted, { k: 2, prior: 'default', init }, { tol: 1e-10 });
    const b = await fit(gmmPlugin, duplicated, { k: 2, prior: 'default', init }, { tol: 1e-10 });
    expect(a.logLikelihood).toBeCloseTo(b.logLikelihood, 8);
    Array.from(a.params.covariances).forEach((v, i) => expect(v).toBeCloseTo(b.params.covariances[i], 8));
  });

  it('shards add up to the log posterior whatever the plan (the prior is spread over rows by weight)', () => {
    const data = clustered(2, 57, 2, 3, true);
    const options = gmmPlugin.parseOptions({ k: 3, covariance: 'tied', prior: 'default' });
    const params: GmmParams = gmmPlugin.init(data, options, new Random(1));
    const whole = runShardsInProcess(gmmPlugin, params, data, planShards(57, 57)).logLikelihood;
    for (const rows of [1, 5, 20]) expect(runShardsInProcess(gmmPlugin, params, data, planShards(57, rows)).logLikelihood).toBeCloseTo(whole, 9);
    const scores = gmmPlugin.scoreSamples(params, data);
    let sum = 0;
    for (let i = 0; i < 57; i++) sum += data.weights![i] * scores[i];
    expect(whole).toBeCloseTo(sum + params.logPrior!, 9);
  });
});
