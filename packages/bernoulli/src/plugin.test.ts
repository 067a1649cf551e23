import { describe, expect, it } from 'vitest';
import { createDataset, datasetFromRows, fit, FitError, InputError, ModelFileError, OptionError, planShards, runShardsInProcess } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { bernoulliPlugin } from './plugin.js';
import { logPriorKernel } from './index.js';
import { readFixture, readFixtureDataset } from './test-support/fixtures.js';
import { binaryMixture } from './test-support/data.js';

const model = bernoulliPlugin.fromJSON({ k: 2, weights: [0.3, 0.7], probabilities: [[0.9, 0.1, 0.5], [0.2, 0.8, 0.0]] });

describe('options', () => {
  it('fills in defaults', () => {
    expect(bernoulliPlugin.parseOptions({ k: 3 })).toEqual({ k: 3, init: null, initMethod: 'kmeans++', clamp: 1e-10, betaPrior: null, dirichletPrior: null, kernels: 'wasm' });
  });

  it('accepts a fixture\'s init object as it is, and CLI list strings for betaPrior', () => {
    const fx = readFixture<{ init: unknown }>('bernoulli-bernoulli20.json');
    const o = bernoulliPlugin.parseOptions({ k: 3, init: fx.init, betaPrior: ['2', '3.5'], dirichletPrior: 2 });
    expect(o.init?.probabilities?.cols).toBe(20);
    expect(o.betaPrior).toEqual([2, 3.5]);
    expect(o.dirichletPrior).toBe(2);
  });

  it('rejects bad options naming the field', () => {
    expect(() => bernoulliPlugin.parseOptions({})).toThrow(/^k: required/);
    expect(() => bernoulliPlugin.parseOptions({ k: 0 })).toThrow(/^k:/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, clamp: 0.5 })).toThrow(/^clamp:/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, clamp: -1e-3 })).toThrow(/^clamp:/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, betaPrior: [0.5, 2] })).toThrow(/^betaPrior:.*≥ 1/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, betaPrior: [2] })).toThrow(/^betaPrior/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, betaPrior: ['two', '2'] })).toThrow(/^betaPrior/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, dirichletPrior: 0.5 })).toThrow(/^dirichletPrior:/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, initMethod: 'kmeans' })).toThrow(/^initMethod:/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, tol: 1 })).toThrow(OptionError);
  });

  it('rejects an init of the wrong shape or range, naming the field and index', async () => {
    const data = binaryMixture(1, 30, 3, 2);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, init: { probabilities: [[0.5, 0.5, 0.5], [0.5, 1.5, 0.5]] } })).toThrow(/^init\.probabilities\[1\]\[1\]: is 1.5/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, init: { probabilities: [[0.5, 0.5, 0.5], [0.5, 0.5]] } })).toThrow(/^init\.probabilities\[1\]/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, init: { weights: [0.5, 0.6] } })).toThrow(/^init\.weights: sum to/);
    expect(() => bernoulliPlugin.parseOptions({ k: 2, init: { weights: [1.5, -0.5] } })).toThrow(/^init\.weights\[1\]/);
    await expect(fit(bernoulliPlugin, data, { k: 2, init: { probabilities: [[0.5, 0.5], [0.5, 0.5]] } })).rejects.toThrow(/^init\.probabilities: rows have 2 values; the data has 3 columns/);
  });

  it('K larger than the rows to start from is a clear option error', async () => {
    await expect(fit(bernoulliPlugin, binaryMixture(1, 3, 2, 1), { k: 5 })).rejects.toThrow(/^k: 5 components need at least 5 rows/);
  });

  it('every option has a spec, so the CLI offers it', () => {
    expect(bernoulliPlugin.optionSpecs.map((s) => s.name)).toEqual(['k', 'init', 'initMethod', 'clamp', 'betaPrior', 'dirichletPrior', 'kernels']);
    expect(bernoulliPlugin.moduleUrl).toMatch(/^file:.*plugin\.(ts|js)$/);
  });
});

describe('0/1 data', () => {
  const data = datasetFromRows([[0, 1, 1], [1, 0, 0.5], [2, 0, 1]], { columns: ['a', 'b', 'c'] });

  it('a non-binary value is an InputError naming the 1-based row and column', async () => {
    await expect(fit(bernoulliPlugin, data, { k: 1 })).rejects.toThrow(InputError);
    await expect(fit(bernoulliPlugin, data, { k: 1 })).rejects.toThrow(/^data: row 2, column 3 \(c\) is 0\.5; a Bernoulli mixture needs 0\/1 values/);
    expect(() => bernoulliPlugin.predict(model.params, data)).toThrow(/row 2, column 3/);
    expect(() => bernoulliPlugin.scoreSamples(model.params, datasetFromRows([[0, 1, -1]]))).toThrow(/row 1, column 3 is -1/);
    expect(() => bernoulliPlugin.init(data, bernoulliPlugin.parseOptions({ k: 1, init: { probabilities: [[0.5, 0.5, 0.5]] } }), new Random(0))).toThrow(
      /row 2, column 3/,
    );
  });

  it('data with another column count than the model is an InputError', () => {
    expect(() => bernoulliPlugin.responsibilities(model.params, datasetFromRows([[0, 1]]))).toThrow(/has 2 columns; the model has 3/);
  });
});

describe('model', () => {
  it('scores rows as Σ_j π_j Π_c p^x (1 − p)^(1 − x), clamped inside the log', () => {
    const rows = [[1, 0, 1], [0, 1, 1], [1, 1, 0]];
    const scores = bernoulliPlugin.scoreSamples(model.params, datasetFromRows(rows));
    const p = [[0.9, 0.1, 0.5], [0.2, 0.8, 1e-10]];
    rows.forEach((x, i) => {
      const density = [0.3, 0.7].reduce((s, w, j) => s + w * x.reduce((q, xc, c) => q * (xc === 1 ? p[j][c] : 1 - p[j][c]), 1), 0);
      expect(scores[i]).toBeCloseTo(Math.log(density), 12);
    });
  });

  it('parameterCount is (K − 1) + K·D', () => {
    expect(bernoulliPlugin.parameterCount(model.params, model.options)).toBe(1 + 2 * 3);
  });

  it('sampling reproduces the weights and probabilities', () => {
    const n = 40_000;
    const x = bernoulliPlugin.sample!(model.params, n, new Random(5));
    expect(x.every((v) => v === 0 || v === 1)).toBe(true);
    const mean = [0, 1, 2].map((c) => x.filter((_, i) => i % 3 === c).reduce((s, v) => s + v, 0) / n);
    [0.3 * 0.9 + 0.7 * 0.2, 0.3 * 0.1 + 0.7 * 0.8, 0.3 * 0.5].forEach((m, c) => expect(Math.abs(mean[c] - m)).toBeLessThan(0.01));
    expect(Array.from(bernoulliPlugin.sample!(model.params, 10, new Random(5)))).toEqual(Array.from(x.subarray(0, 30)));
  });

  it('toJSON/fromJSON round-trips parameters and priors', () => {
    const data = binaryMixture(3, 50, 3, 2);
    const { params, options } = bernoulliPlugin.fromJSON({ ...bernoulliPlugin.toJSON(model.params, model.options), betaPrior: [2, 3], dirichletPrior: 1.5, clamp: 1e-6 });
    const json = JSON.parse(JSON.stringify(bernoulliPlugin.toJSON(params, options))) as Record<string, unknown>;
    expect(json).toEqual({ k: 2, clamp: 1e-6, betaPrior: [2, 3], dirichletPrior: 1.5, weights: [0.3, 0.7], probabilities: [[0.9, 0.1, 0.5], [0.2, 0.8, 0]] });
    const back = bernoulliPlugin.fromJSON(json);
    expect(back.params).toEqual(params);
    expect(Array.from(bernoulliPlugin.scoreSamples(back.params, data))).toEqual(Array.from(bernoulliPlugin.scoreSamples(params, data)));
  });

  it('fromJSON names the field at fault', () => {
    const good = { k: 2, weights: [0.5, 0.5], probabilities: [[0.5], [0.5]] };
    expect(() => bernoulliPlugin.fromJSON({ ...good, k: 'two' })).toThrow(ModelFileError);
    expect(() => bernoulliPlugin.fromJSON({ ...good, weights: [0.5] })).toThrow(/^weights: expected 2 numbers/);
    expect(() => bernoulliPlugin.fromJSON({ ...good, weights: [1.5, -0.5] })).toThrow(/^weights\[1\]/);
    expect(() => bernoulliPlugin.fromJSON({ ...good, probabilities: [[0.5], [1.2]] })).toThrow(/^probabilities\[1\]\[0\]: is 1.2/);
    expect(() => bernoulliPlugin.fromJSON({ ...good, probabilities: undefined })).toThrow(/^probabilities: expected an array/);
    expect(() => bernoulliPlugin.fromJSON({ ...good, betaPrior: [0, 1] })).toThrow(ModelFileError);
    expect(() => bernoulliPlugin.fromJSON({ ...good, betaPrior: [0, 1] })).toThrow(/^betaPrior:/);
    expect(() => bernoulliPlugin.fromJSON({ ...good, clamp: 2 })).toThrow(/^clamp:/);
  });
});

describe('MAP-EM with Beta and Dirichlet priors', () => {
  const fx = readFixture<{ k: number; init: unknown; reference: { probabilities: number[][] } }>('bernoulli-bernoulli20.json');
  const data = readFixtureDataset('bernoulli20');

  it('a Beta(2, 2) prior keeps the probabilities off 0 and 1 where maximum likelihood collapses', async () => {
    expect(Math.min(...fx.reference.probabilities.flat())).toBeLessThan(1e-9); // ML collapses here
    const r = await fit(bernoulliPlugin, data, { k: fx.k, init: fx.init, betaPrior: [2, 2] }, { tol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.monotonicityViolations).toEqual([]);
    // (S + 1)/(N_j + 2) ≥ 1/(N + 2).
    for (const p of r.params.probabilities) {
      expect(p).toBeGreaterThanOrEqual(1 / (data.rows + 2));
      expect(p).toBeLessThanOrEqual(1 - 1 / (data.rows + 2));
    }
  });

  it('the reported objective is Σ log p(x) + log prior (without constants), and the fit is a fixed point of the MAP update', async () => {
    const options = { k: 3, init: fx.init, betaPrior: [1.5, 3], dirichletPrior: 2 };
    const r = await fit(bernoulliPlugin, data, options, { tol: 1e-13, maxIter: 3000 });
    const scores = bernoulliPlugin.scoreSamples(r.params, data);
    const loglik = scores.reduce((s, v) => s + v, 0);
    const prior = logPriorKernel(r.params);
    expect(prior).toBeLessThan(0);
    expect(r.logLikelihood).toBeCloseTo(loglik + prior, 8);
    // One more E- and M-step leaves the parameters where they are.
    const { stats } = runShardsInProcess(bernoulliPlugin, r.params, data, planShards(data.rows, data.rows));
    const again = bernoulliPlugin.mStep(r.params, stats, { rows: data.rows, cols: data.cols, totalWeight: data.rows }, r.options);
    for (let i = 0; i < again.probabilities.length; i++) expect(Math.abs(again.probabilities[i] - r.params.probabilities[i])).toBeLessThan(1e-6);
    // …and that update is the MAP one: weights (N_j + α − 1)/(N + K(α − 1)).
    for (let j = 0; j < 3; j++) expect(again.weights[j]).toBeCloseTo((stats[j] + 1) / (data.rows + 3), 12);
  });

  it('a Dirichlet prior keeps a superfluous component alive; without it the component nearly empties', async () => {
    // Three identical rows and K = 2, component 2 starting far from them: ML leaves it a tiny weight.
    const same = createDataset(Float64Array.of(1, 0, 1, 1, 0, 1, 1, 0, 1), 3, 3);
    const init = { weights: [0.999, 0.001], probabilities: [[0.9, 0.1, 0.9], [0.1, 0.9, 0.1]] };
    const ml = await fit(bernoulliPlugin, same, { k: 2, init }, { maxIter: 200, tol: 0 });
    const map = await fit(bernoulliPlugin, same, { k: 2, init, dirichletPrior: 3 }, { maxIter: 200, tol: 0 });
    expect(ml.params.weights[1]).toBeLessThan(1e-3);
    // π_j = (N_j + α − 1)/(N + K(α − 1)) ≥ (α − 1)/(N + K(α − 1)) = 2/7.
    expect(map.params.weights[1]).toBeGreaterThanOrEqual(2 / 7 - 1e-12);
    expect(map.monotonicityViolations).toEqual([]);
  });

  it('clamp 0 with a probability of exactly 0 on an observed 1 is a FitError (zero density), not a silent NaN', async () => {
    const data2 = datasetFromRows([[1, 0], [0, 0]]);
    const init = { weights: [1], probabilities: [[0, 0.5]] };
    await expect(fit(bernoulliPlugin, data2, { k: 1, clamp: 0, init })).rejects.toThrow(FitError);
    const ok = await fit(bernoulliPlugin, data2, { k: 1, init });
    expect(Number.isFinite(ok.meanLogLikelihood)).toBe(true);
    // Probabilities of exactly 0 and 1 that the data agrees with are fine without a clamp.
    const exact = await fit(bernoulliPlugin, datasetFromRows([[0, 1], [0, 1], [1, 1]]), { k: 2, clamp: 0, init: { weights: [0.5, 0.5], probabilities: [[0, 1], [1, 1]] } }, { tol: 0, maxIter: 5 });
    expect(exact.meanLogLikelihood).toBeCloseTo((2 * Math.log(2 / 3) + Math.log(1 / 3)) / 3, 14);
    expect(Array.from(exact.params.probabilities)).toEqual([0, 1, 1, 1]);
  });
});
