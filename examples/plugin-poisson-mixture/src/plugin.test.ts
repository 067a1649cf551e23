import { describe, expect, it } from 'vitest';
import { InputError, createDataset, datasetFromRows, fit } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { Random } from '@emkit/linalg';
import { poissonMixturePlugin } from './plugin.js';
import { logFactorial, poissonLogPmf, samplePoisson } from './poisson.js';
import { generate, truth } from './test-support/data.js';

describe('poisson-mixture passes the plugin conformance kit', () => {
  it('two components, three columns', async () => {
    await assertConformance(poissonMixturePlugin, { data: generate(truth, 300, 1), options: { k: 2 }, maxIter: 30 });
  });

  it('three components on weighted rows', async () => {
    const data = generate(truth, 200, 2);
    const weights = Float64Array.from({ length: data.rows }, (_, i) => [0, 0.5, 1, 2.5][i % 4]);
    await assertConformance(poissonMixturePlugin, { data: { ...data, weights }, options: { k: 3 }, maxIter: 30 });
  });
});

describe('fitting', () => {
  it('recovers the weights and rates of generated data', async () => {
    const data = generate(truth, 4000, 7);
    const result = await fit(poissonMixturePlugin, data, { k: 2 }, { restarts: 3, seed: 0, tol: 1e-10 });
    expect(result.converged).toBe(true);
    expect(result.monotonicityViolations).toEqual([]);
    expect(result.parameterCount).toBe(2 - 1 + 2 * 3);
    // Components come back in any order: match them by the first column's rate.
    const order = result.params.rates[0] < result.params.rates[3] ? [0, 1] : [1, 0];
    order.forEach((fitted, j) => {
      expect(result.params.weights[fitted]).toBeCloseTo(truth.weights[j], 1);
      for (let c = 0; c < 3; c++) {
        const rate = truth.rates[j * 3 + c];
        // A few standard errors of a mean of ~1000 Poisson counts.
        expect(Math.abs(result.params.rates[fitted * 3 + c] - rate)).toBeLessThan(0.05 * rate + 0.15);
      }
    });
  });

  it('a one-component fit is the column means', async () => {
    const data = datasetFromRows([[0, 4], [2, 6], [1, 5], [5, 1]]);
    const result = await fit(poissonMixturePlugin, data, { k: 1 });
    expect(Array.from(result.params.rates)).toEqual([2, 4]);
    // The first M-step lands on the optimum; the next two E-steps see no change.
    expect(result.iterations).toBeLessThanOrEqual(3);
  });

  it('refuses data that are not counts, naming row and column', async () => {
    const data = datasetFromRows([[0, 4], [2, 6.5]]);
    await expect(fit(poissonMixturePlugin, data, { k: 1 })).rejects.toThrow(InputError);
    await expect(fit(poissonMixturePlugin, data, { k: 1 })).rejects.toThrow('row 2, column 2 is 6.5');
    await expect(fit(poissonMixturePlugin, datasetFromRows([[-1]]), { k: 1 })).rejects.toThrow('row 1, column 1 is -1');
  });

  it('validates options and names the field', () => {
    expect(() => poissonMixturePlugin.parseOptions({})).toThrow(/^k: required/);
    expect(() => poissonMixturePlugin.parseOptions({ k: 2, rateFloor: 0 })).toThrow(/^rateFloor: expected a number > 0, got 0$/);
    expect(() => poissonMixturePlugin.parseOptions({ k: 2, rateflor: 1 } as never)).toThrow(/^rateflor: unknown option; did you mean "rateFloor"\?$/);
    expect(poissonMixturePlugin.parseOptions({ k: 2 })).toEqual({ k: 2, rateFloor: 1e-10 });
  });
});

describe('model files', () => {
  it('round-trip, and name the field at fault', () => {
    const json = JSON.parse(JSON.stringify(poissonMixturePlugin.toJSON(truth, { k: 2, rateFloor: 1e-10 }))) as Record<string, unknown>;
    expect(json).toEqual({ k: 2, rateFloor: 1e-10, weights: [0.3, 0.7], rates: [[2, 10, 0.5], [15, 3, 6]] });
    expect(poissonMixturePlugin.fromJSON(json).params).toEqual(truth);
    expect(() => poissonMixturePlugin.fromJSON({ ...json, weights: [0.5, 0.6] })).toThrow(/^weights: sum to 1.1/);
    expect(() => poissonMixturePlugin.fromJSON({ ...json, rates: [[2, 10, 0.5], [15, 0, 6]] })).toThrow(/^rates\[1\]\[1\]: is 0/);
    expect(() => poissonMixturePlugin.fromJSON({ ...json, rates: [[2, 10, 0.5]] })).toThrow(/^rates: expected 2 rows/);
  });

  it('a file without an option takes the schema default; a bad one is a model-file error naming it', () => {
    const { rateFloor: _, ...json } = JSON.parse(JSON.stringify(poissonMixturePlugin.toJSON(truth, { k: 2, rateFloor: 1e-3 }))) as Record<string, unknown>;
    expect(poissonMixturePlugin.fromJSON(json).options).toEqual({ k: 2, rateFloor: 1e-10 });
    expect(() => poissonMixturePlugin.fromJSON({ ...json, rateFloor: -1 })).toThrow(expect.objectContaining({ code: 'model-file', field: 'rateFloor', detail: 'expected a number > 0, got -1' }));
  });
});

describe('Poisson helpers', () => {
  it('log n! is continuous where the table hands over to Stirling', () => {
    let exact = 0;
    for (let n = 1; n <= 300; n++) {
      exact += Math.log(n);
      expect(Math.abs(logFactorial(n) - exact)).toBeLessThanOrEqual(1e-12 * Math.max(1, exact));
    }
  });

  it('the pmf sums to 1', () => {
    for (const rate of [0.01, 3, 40, 700]) {
      let total = 0;
      for (let x = 0; x < 3000; x++) total += Math.exp(poissonLogPmf(x, rate));
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it('draws have mean and variance λ, for small and large λ', () => {
    const random = new Random(3);
    for (const rate of [0.2, 4, 95]) {
      const n = 20000;
      const draws = Array.from({ length: n }, () => samplePoisson(rate, random));
      const mean = draws.reduce((a, b) => a + b, 0) / n;
      const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - rate)).toBeLessThan(5 * Math.sqrt(rate / n));
      expect(Math.abs(variance / rate - 1)).toBeLessThan(0.05);
    }
  });

  it('createDataset-level checks still apply (non-finite values never reach the plugin)', () => {
    expect(() => createDataset(Float64Array.of(NaN), 1, 1)).toThrow(InputError);
  });
});
