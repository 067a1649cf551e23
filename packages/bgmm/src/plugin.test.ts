import { describe, expect, it } from 'vitest';
import { FitError, ModelFileError, OptionError, createDataset, fit, modelFileFromFit, readModelFile, selectModel } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { Random } from '@emkit/linalg';
import { bgmmFitFields, bgmmPlugin, effectiveComponents } from './plugin.js';
import { blobs } from './test-support/data.js';
import { readFixtureDataset } from './test-support/fixtures.js';

const blobsData = readFixtureDataset('blobs');
const faithful = readFixtureDataset('faithful');

describe('acceptance: the Dirichlet-process model keeps as many components as the data has', () => {
  it('blobs (three clusters), K = 10: exactly 3 components above 1 %, for several seeds', async () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const result = await fit(bgmmPlugin, blobsData, { k: 10 }, { seed });
      expect(result.converged).toBe(true);
      expect(effectiveComponents(result.params), `seed ${seed}: weights ${Array.from(result.params.weights)}`).toBe(3);
      expect(result.monotonicityViolations).toEqual([]);
      // the three large weights are the clusters' shares (300/200/100 of 600 rows)
      // (the empty sticks keep a little mass, so compare the large ones' shares among themselves)
      const large = Array.from(result.params.weights).filter((w) => w > 0.01);
      const total = large.reduce((a, b) => a + b, 0);
      const big = large.map((w) => w / total).sort();
      [1 / 6, 2 / 6, 3 / 6].forEach((share, c) => expect(Math.abs(big[c] - share)).toBeLessThan(0.02));
    }
  });

  it('faithful, K = 10: exactly 2 components above 1 %, for several seeds', async () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const result = await fit(bgmmPlugin, faithful, { k: 10 }, { seed });
      expect(effectiveComponents(result.params), `seed ${seed}: weights ${Array.from(result.params.weights)}`).toBe(2);
      expect(result.monotonicityViolations).toEqual([]);
    }
  });

  it('with restarts the best ELBO wins, and a Dirichlet-distribution prior finds the same clusters on blobs', async () => {
    const result = await fit(bgmmPlugin, blobsData, { k: 10, weightPrior: 'dirichlet-distribution', weightConcentration: 0.01 }, { seed: 0, restarts: 3 });
    expect(result.options.weightPrior).toBe('dirichlet');
    expect(effectiveComponents(result.params)).toBe(3);
    expect(result.meanLogLikelihood).toBe(Math.max(...result.restarts.map((r) => r.meanLogLikelihood)));
  });
});

describe('bgmm plugin', () => {
  it('passes the conformance kit (parameter-count does not apply: parameterCount is null)', async () => {
    for (const options of [{ k: 3 }, { k: 4, weightPrior: 'dirichlet', initMethod: 'random' }]) {
      const report = await assertConformance(bgmmPlugin, { data: blobs(2, 120, 2, 3, true), options });
      expect(report.checks.map((c) => c.name)).toEqual(['shard-additivity', 'determinism', 'purity', 'init-progress', 'monotone', 'serialisation', 'view']);
    }
  });

  it('has no parameter count, so no BIC/AIC, and model selection refuses it', async () => {
    const result = await fit(bgmmPlugin, faithful, { k: 3 }, { seed: 0 });
    expect(result.parameterCount).toBeNull();
    expect(result.bic).toBeNull();
    await expect(selectModel(bgmmPlugin, faithful, [{ k: 2 }, { k: 3 }])).rejects.toThrow(/"bgmm" reports no parameter count/);
  });

  it('writes effectiveComponents, weights, the posterior and the resolved prior; reads them back', async () => {
    const result = await fit(bgmmPlugin, blobsData, { k: 6 }, { seed: 1 });
    const file = JSON.parse(JSON.stringify({ ...modelFileFromFit(bgmmPlugin, result), ...bgmmFitFields(result) })) as Record<string, unknown>;
    expect(file).toMatchObject({ model: 'bgmm', k: 6, covariance: 'full', weightPrior: 'dirichlet-process', effectiveComponents: 3, totalWeight: 600 });
    expect((file.weightConcentration as number[][]).map((r) => r.length)).toEqual([6, 6]);
    expect(file.covariances as number[][][]).toHaveLength(6);
    const prior = file.prior as Record<string, unknown>;
    expect(prior.weightConcentration).toBeCloseTo(1 / 6, 15);
    expect(prior.degreesOfFreedom).toBe(2);
    expect(prior.meanPrecision).toBe(1);
    // the data mean and covariance (N − 1)
    const mean = [0, 1].map((c) => Array.from({ length: 600 }, (_, i) => blobsData.values[2 * i + c]).reduce((a, b) => a + b, 0) / 600);
    expect(prior.meanPrior as number[]).toEqual(mean.map((m) => expect.closeTo(m, 12)));
    let s01 = 0;
    for (let i = 0; i < 600; i++) s01 += (blobsData.values[2 * i] - mean[0]) * (blobsData.values[2 * i + 1] - mean[1]);
    expect((prior.covariancePrior as number[][])[0][1]).toBeCloseTo(s01 / 599, 10);
    // the ELBO fields: total ELBO and its history (total per E-step), never decreasing
    expect(file.elbo).toBeCloseTo(result.meanLogLikelihood * 600, 8);
    const history = file.elboHistory as number[];
    expect(history).toHaveLength(result.history.length);
    for (let i = 1; i < history.length; i++) expect(history[i]).toBeGreaterThanOrEqual(history[i - 1]);
    expect(history.at(-1)).toBeCloseTo(file.elbo as number, 8);

    const back = readModelFile(bgmmPlugin, file);
    expect(Array.from(bgmmPlugin.scoreSamples(back.params, blobsData))).toEqual(Array.from(bgmmPlugin.scoreSamples(result.params, blobsData)));
    expect(back.params.globalTerm).toBe(result.params.globalTerm);
    expect(Array.from(bgmmPlugin.predict(back.params, blobsData))).toEqual(Array.from(bgmmPlugin.predict(result.params, blobsData)));
  });

  it('scoreSamples are the per-row ELBO terms: their weighted sum plus the global KL term is the ELBO', async () => {
    const data = blobs(3, 90, 2, 2, true);
    const result = await fit(bgmmPlugin, data, { k: 4 }, { seed: 0 });
    const scores = bgmmPlugin.scoreSamples(result.params, data);
    let sum = 0;
    for (let i = 0; i < data.rows; i++) sum += data.weights![i] * scores[i];
    expect(sum + result.params.globalTerm).toBeCloseTo(result.logLikelihood, 8);
    expect(result.params.globalTerm).toBeLessThan(0); // −KL
    const r = bgmmPlugin.responsibilities(result.params, data);
    const labels = bgmmPlugin.predict(result.params, data);
    for (let i = 0; i < data.rows; i++) {
      const row = Array.from(r.subarray(4 * i, 4 * i + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      expect(labels[i]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('samples from the point-estimate mixture', async () => {
    const result = await fit(bgmmPlugin, blobsData, { k: 5 }, { seed: 0 });
    const n = 20000;
    const draws = bgmmPlugin.sample!(result.params, n, new Random(9));
    const mean = [0, 0];
    for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) mean[c] += draws[2 * i + c] / n;
    const expected = [0, 1].map((c) => Array.from(result.params.weights).reduce((s, w, j) => s + w * result.params.means[2 * j + c], 0));
    for (let c = 0; c < 2; c++) expect(mean[c]).toBeCloseTo(expected[c], 0);
  });

  it('validates options and model files with errors that name the field', () => {
    expect(() => bgmmPlugin.parseOptions({})).toThrow(/^k: required/);
    expect(() => bgmmPlugin.parseOptions({ k: 3, covariance: 'round' })).toThrow(OptionError);
    expect(() => bgmmPlugin.parseOptions({ k: 3, weightConcentration: 0 })).toThrow(/weightConcentration/);
    expect(() => bgmmPlugin.parseOptions({ k: 3, weightPrior: 'uniform' })).toThrow(/weightPrior/);
    expect(() => bgmmPlugin.parseOptions({ k: 3, bogus: 1 })).toThrow(OptionError);
    const random = new Random(0);
    expect(() => bgmmPlugin.init(faithful, bgmmPlugin.parseOptions({ k: 2, degreesOfFreedom: 0.5 }), random)).toThrow(/degreesOfFreedom: must be greater than D − 1 = 1/);
    expect(() => bgmmPlugin.init(faithful, bgmmPlugin.parseOptions({ k: 2, meanPrior: [1, 2, 3] }), random)).toThrow(/meanPrior/);
    expect(() => bgmmPlugin.init(faithful, bgmmPlugin.parseOptions({ k: 2, covariancePrior: [[1, 2], [2, 1]] }), random)).toThrow(/covariancePrior: must be positive definite/);
    const one = createDataset(Float64Array.of(1, 2), 1, 2);
    expect(() => bgmmPlugin.init(one, bgmmPlugin.parseOptions({ k: 1 }), random)).toThrow(/covariancePrior: the default .* needs a total weight above 1/);
    expect(() => bgmmPlugin.init(faithful.rows > 0 ? createDataset(Float64Array.of(1, 2, 3, 4), 2, 2) : faithful, bgmmPlugin.parseOptions({ k: 3 }), random)).toThrow(/k: k-means starts need at least 3 rows/);
    // random starts allow K above N (a truncation level larger than the data)
    expect(bgmmPlugin.init(createDataset(Float64Array.of(1, 2, 3, 5), 2, 2), bgmmPlugin.parseOptions({ k: 3, initMethod: 'random' }), random).k).toBe(3);

    const good = bgmmPlugin.toJSON(bgmmPlugin.init(faithful, bgmmPlugin.parseOptions({ k: 2 }), random), bgmmPlugin.parseOptions({ k: 2 }));
    expect(() => bgmmPlugin.fromJSON({ ...good, weightPrior: 'x' })).toThrow(ModelFileError);
    expect(() => bgmmPlugin.fromJSON({ ...good, degreesOfFreedom: [3, 0.5] })).toThrow(/degreesOfFreedom\[1\]/);
    expect(() => bgmmPlugin.fromJSON({ ...good, covariances: [[[1, 0], [0, 1]], [[1, 2], [2, 1]]] })).toThrow(/covariances\[1\]: is not positive definite/);
    expect(() => bgmmPlugin.fromJSON({ ...good, prior: undefined })).toThrow(/prior/);
    expect(() => bgmmPlugin.scoreSamples(bgmmPlugin.fromJSON(good).params, blobs(0, 10, 3, 1))).toThrow(/2 dimensions but the data has 3 columns/);
  });

  it('a collapsed, collinear cluster stays finite: the Wishart prior keeps every covariance positive definite', async () => {
    // 40 rows on a line plus 40 copies of one point
    const values = new Float64Array(160);
    for (let i = 0; i < 40; i++) values.set([i, 2 * i], 2 * i);
    for (let i = 40; i < 80; i++) values.set([100, 100], 2 * i);
    const result = await fit(bgmmPlugin, createDataset(values, 80, 2), { k: 5, regCovar: 0 }, { seed: 0 });
    expect(Number.isFinite(result.logLikelihood)).toBe(true);
    expect(result.monotonicityViolations).toEqual([]);
    expect(effectiveComponents(result.params)).toBeGreaterThanOrEqual(2);
  });

  it('reports a singular covariance prior as a FitError', () => {
    const flat = createDataset(Float64Array.of(1, 5, 2, 5, 3, 5), 3, 2);
    expect(() => bgmmPlugin.init(flat, bgmmPlugin.parseOptions({ k: 1, regCovar: 0 }), new Random(0))).toThrow(FitError);
    expect(bgmmPlugin.init(flat, bgmmPlugin.parseOptions({ k: 1 }), new Random(0)).k).toBe(1);
  });
});
