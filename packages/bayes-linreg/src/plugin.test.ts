import { describe, expect, it } from 'vitest';
import {
  createDataset,
  fit,
  FitError,
  InputError,
  ModelFileError,
  modelFileFromFit,
  modelFileFromParams,
  OptionError,
  PLUGIN_API_VERSION,
  readModelFile,
} from '@emkit/core';
import { Random } from '@emkit/linalg';
import { bayesLinregPlugin as plugin } from './plugin.js';
import { predictive } from './predictive.js';
import { readRegressionDataset } from './test-support/fixtures.js';
import { randomProblem } from './test-support/problems.js';

const sinusoid = readRegressionDataset('sinusoid', 't');

describe('options', () => {
  it('defaults: EM, α₀ = 1, β₀ from the target variance', () => {
    expect(plugin.parseOptions({})).toEqual({ update: 'em', initialAlpha: null, initialBeta: null });
    expect(plugin.parseOptions(undefined)).toEqual({ update: 'em', initialAlpha: null, initialBeta: null });
    const p = plugin.init(sinusoid, plugin.parseOptions({}), new Random(0));
    const t = sinusoid.target!;
    const mean = t.reduce((s, x) => s + x, 0) / t.length;
    const variance = t.reduce((s, x) => s + (x - mean) ** 2, 0) / t.length;
    expect(p.alpha).toBe(1);
    expect(p.beta).toBeCloseTo(1 / variance, 12);
    const given = plugin.init(sinusoid, plugin.parseOptions({ initialAlpha: 2, initialBeta: 3, update: 'mackay' }), new Random(0));
    expect([given.alpha, given.beta]).toEqual([2, 3]);
  });

  it('errors name the field', () => {
    expect(() => plugin.parseOptions({ update: 'newton' })).toThrow(OptionError);
    expect(() => plugin.parseOptions({ update: 'newton' })).toThrow(/^update: /);
    expect(() => plugin.parseOptions({ initialAlpha: -1 })).toThrow(/^initialAlpha: expected a number > 0, got -1$/);
    expect(() => plugin.parseOptions({ initialBeta: Infinity })).toThrow(/^initialBeta: /);
    expect(() => plugin.parseOptions({ k: 2 })).toThrow(OptionError);
  });

  it('optionSpecs describe every option the parser takes, for the CLI', () => {
    expect(plugin.optionSpecs.map((s) => s.name)).toEqual(['update', 'initialAlpha', 'initialBeta']);
    expect(plugin.optionSpecs[0].choices).toEqual(['em', 'mackay']);
    expect(plugin.moduleUrl).toMatch(/plugin\.(ts|js)$/);
    expect(plugin.apiVersion).toBe(PLUGIN_API_VERSION);
  });
});

describe('data errors', () => {
  const noTarget = createDataset(sinusoid.values, sinusoid.rows, sinusoid.cols);

  it('a missing target tells the user to pass --target', async () => {
    await expect(fit(plugin, noTarget, {})).rejects.toThrow(InputError);
    await expect(fit(plugin, noTarget, {})).rejects.toThrow(/--target <column>/);
    const params = (await fit(plugin, sinusoid, {})).params;
    expect(() => plugin.scoreSamples(params, noTarget)).toThrow(/--target <column>/);
    // Prediction needs no target.
    expect(predictive(params, noTarget).mean).toHaveLength(sinusoid.rows);
  });

  it('a design with another number of columns is refused', async () => {
    const params = (await fit(plugin, sinusoid, {})).params;
    const narrow = randomProblem(1, 5, 3);
    expect(() => predictive(params, narrow)).toThrow(/10 design columns but the data has 3/);
    expect(() => plugin.scoreSamples(params, narrow)).toThrow(InputError);
    expect(() => plugin.predict(params, narrow)).toThrow(InputError);
  });

  it('a target the design fits exactly has no finite β: a FitError that says so', async () => {
    const data = randomProblem(2, 20, 3, { noise: 0 });
    for (const update of ['em', 'mackay']) await expect(fit(plugin, data, { update })).rejects.toThrow(FitError);
    for (const update of ['em', 'mackay']) await expect(fit(plugin, data, { update })).rejects.toThrow(/fits the target exactly .*evidence grows as the noise precision β → ∞/);
  });
});

describe('the plugin interface of a one-component model', () => {
  it('one component, responsibilities 1, labels 0, two free parameters', async () => {
    const result = await fit(plugin, sinusoid, {});
    const p = result.params;
    expect(plugin.components(p)).toBe(1);
    expect(Array.from(plugin.responsibilities(p, sinusoid))).toEqual(new Array(60).fill(1));
    expect(Array.from(plugin.predict(p, sinusoid))).toEqual(new Array(60).fill(0));
    expect(result.parameterCount).toBe(2);
    expect(result.bic).toBeCloseTo(-2 * result.logLikelihood + 2 * Math.log(60), 10);
    expect(plugin.sample).toBeUndefined();
  });
});

describe('model files', () => {
  it('hold α, β, the posterior, the log evidence and γ, and read back to the same predictions', async () => {
    const result = await fit(plugin, sinusoid, { update: 'mackay' });
    const file = JSON.parse(JSON.stringify(modelFileFromFit(plugin, result))) as Record<string, unknown>;
    expect(file).toMatchObject({ format: 'emkit-model', model: 'bayes-linreg', update: 'mackay', alpha: result.params.alpha, beta: result.params.beta });
    expect(file.posteriorMean).toHaveLength(10);
    expect(file.posteriorCovariance).toHaveLength(10);
    expect((file.posteriorCovariance as number[][])[3]).toHaveLength(10);
    expect(file.logEvidence).toBeCloseTo(result.logLikelihood, 9);
    expect(file.effectiveParameters).toBeGreaterThan(0);
    expect(file.effectiveParameters).toBeLessThan(10);
    expect(file.totalWeight).toBe(60);
    expect(file.meanLogLikelihood).toBe(result.meanLogLikelihood);

    const { params, options } = readModelFile(plugin, file);
    expect(options.update).toBe('mackay');
    expect(params.logDetPrecision).toBeCloseTo(result.params.logDetPrecision, 9);
    const a = predictive(result.params, sinusoid);
    const b = predictive(params, sinusoid);
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(Array.from(b.variance)).toEqual(Array.from(a.variance));
    expect(JSON.parse(JSON.stringify(modelFileFromParams(plugin, params, options)))).toMatchObject({ alpha: file.alpha, logEvidence: file.logEvidence });
  });

  it('a hand-written model needs only α, β, posteriorMean and posteriorCovariance; γ follows from them', () => {
    const file = { format: 'emkit-model', version: 1, model: 'bayes-linreg', alpha: 2, beta: 4, posteriorMean: [1, -1], posteriorCovariance: [[0.1, 0.02], [0.02, 0.2]] };
    const { params } = readModelFile(plugin, file);
    expect(params.effectiveParameters).toBeCloseTo(2 - 2 * 0.3, 12);
    expect(params.logEvidence).toBeNull();
    const data = createDataset(Float64Array.of(1, 0), 1, 2, { target: [1] });
    const { mean, variance } = predictive(params, data);
    expect(mean[0]).toBe(1);
    expect(variance[0]).toBeCloseTo(0.25 + 0.1, 15);
    expect(() => plugin.eStep(params, data, { start: 0, end: 1 }, plugin.createStats(params, 2))).toThrow(/no training weight/);
  });

  it('bad fields are named', () => {
    const good = { format: 'emkit-model', version: 1, model: 'bayes-linreg', alpha: 2, beta: 4, posteriorMean: [1, -1], posteriorCovariance: [[1, 0], [0, 1]] };
    expect(() => readModelFile(plugin, { ...good, alpha: -2 })).toThrow(/^alpha: must be > 0/);
    expect(() => readModelFile(plugin, { ...good, beta: 'x' })).toThrow(ModelFileError);
    expect(() => readModelFile(plugin, { ...good, posteriorCovariance: [[1, 2], [2, 1]] })).toThrow(/^posteriorCovariance: is not positive definite/);
    expect(() => readModelFile(plugin, { ...good, posteriorCovariance: [[1, 0, 0], [0, 1, 0]] })).toThrow(/^posteriorCovariance/);
    expect(() => readModelFile(plugin, { ...good, update: 'newton' })).toThrow(/update/);
  });
});
