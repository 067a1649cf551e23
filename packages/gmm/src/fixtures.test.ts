import { describe, expect, it } from 'vitest';
import { fit } from '@emkit/core';
import { gmmPlugin } from './plugin.js';
import { covarianceModel } from './covariance/index.js';
import { fixtureNames, readFixture, readFixtureDataset } from './test-support/fixtures.js';

interface GmmFixture {
  dataset: string;
  k: number;
  covariance: 'full' | 'diag' | 'spherical' | 'tied';
  regCovar: number;
  tol: number;
  init: Record<string, unknown>;
  sklearn: {
    weights: number[];
    means: number[][];
    covariances: unknown;
    meanLogLikelihood: number;
    iterations: number;
    converged: boolean;
    bic: number;
    aic: number;
    labels: number[];
    probaFirst5: number[][];
  };
}

function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

function expectAllClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst, `${what}: largest difference`).toBeLessThanOrEqual(tol);
}

const names = fixtureNames('gmm-');

describe('gmm reaches scikit-learn 1.2 optima from the fixtures\' starting parameters', () => {
  it('finds the 12 gmm fixtures', () => expect(names).toHaveLength(12));

  for (const name of names) {
    it(name, async () => {
      const fx = readFixture<GmmFixture>(name);
      const data = readFixtureDataset(fx.dataset);
      const result = await fit(gmmPlugin, data, { k: fx.k, covariance: fx.covariance, regCovar: fx.regCovar, regCovarScale: 'none', init: fx.init }, { tol: fx.tol, maxIter: 5000 });
      const ref = fx.sklearn;
      const p = result.params;
      expect(Math.abs(result.meanLogLikelihood - ref.meanLogLikelihood)).toBeLessThanOrEqual(1e-6);
      expectAllClose(p.weights, ref.weights, 1e-4, 'weights');
      expectAllClose(p.means, flat(ref.means), 1e-4, 'means');
      expectAllClose(flat(covarianceModel(p.covariance).toNested(p.covariances, p.k, p.d)), flat(ref.covariances), 1e-4, 'covariances');
      expect(Math.abs(result.iterations - ref.iterations)).toBeLessThanOrEqual(2);
      expect(result.converged).toBe(ref.converged);
      expect(Math.abs(result.bic! - ref.bic) / Math.abs(ref.bic)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(result.aic! - ref.aic) / Math.abs(ref.aic)).toBeLessThanOrEqual(1e-6);
      const labels = gmmPlugin.predict(p, data);
      const agree = ref.labels.filter((l, i) => l === labels[i]).length / ref.labels.length;
      expect(agree).toBeGreaterThanOrEqual(0.995);
      const proba = gmmPlugin.responsibilities(p, data).subarray(0, 5 * p.k);
      expectAllClose(proba, flat(ref.probaFirst5), 1e-4, 'probaFirst5');
      expect(result.monotonicityViolations).toEqual([]);
    });
  }
});
