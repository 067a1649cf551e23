// The two E-step kernels, 'wasm' (WebAssembly SIMD, @emkit/linalg) and 'js' (the scalar row
// kernels, the reference), agree to round-off: 1e-12 relative on every gmm fixture and on
// uncentred, weighted, hard-assignment and re-seeding problems.
import { describe, expect, it } from 'vitest';
import { createDataset, fit, type Dataset } from '@emkit/core';
import { Random, wasmKernels } from '@emkit/linalg';
import { createStats, eStepRows } from './estimate.js';
import { parseGmmOptions } from './options.js';
import type { CovarianceType, GmmParams } from './params.js';
import { gmmPlugin } from './plugin.js';
import { fixtureNames, readFixture, readFixtureDataset } from './test-support/fixtures.js';

const RELATIVE = 1e-12;

/** Largest |a − b| / max(1, |b|): relative, with an absolute floor at 1 for values near 0. */
function largestRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return worst;
}

function expectClose(actual: GmmParams, expected: GmmParams, scale = 1): void {
  for (const field of ['weights', 'means', 'covariances', 'precisionCholesky', 'logDetPrecisionCholesky'] as const)
    expect(largestRelative(actual[field], expected[field]), field).toBeLessThanOrEqual(RELATIVE * scale);
}

interface GmmFixture {
  dataset: string;
  k: number;
  covariance: CovarianceType;
  regCovar: number;
  tol: number;
  init: Record<string, unknown>;
}

describe('wasm and js kernels', () => {
  it('the wasm kernels load in Node', () => expect(wasmKernels()).not.toBeNull());

  for (const name of fixtureNames('gmm-'))
    it(`agree on ${name}: the fitted parameters and log-likelihood within 1e-12 relative, the same iterations`, async () => {
      const fx = readFixture<GmmFixture>(name);
      const data = readFixtureDataset(fx.dataset);
      const options = { k: fx.k, covariance: fx.covariance, regCovar: fx.regCovar, init: fx.init };
      const [wasm, js] = await Promise.all(
        (['wasm', 'js'] as const).map((kernels) => fit(gmmPlugin, data, { ...options, kernels }, { tol: fx.tol, maxIter: 5000 })),
      );
      expect(wasm.params.kernels).toBe('wasm');
      expect(js.params.kernels).toBe('js');
      expect(wasm.iterations).toBe(js.iterations);
      expect(largestRelative([wasm.logLikelihood], [js.logLikelihood])).toBeLessThanOrEqual(RELATIVE);
      expect(largestRelative(wasm.history, js.history)).toBeLessThanOrEqual(RELATIVE);
      expectClose(wasm.params, js.params);
    });

  const types: CovarianceType[] = ['full', 'diag', 'spherical', 'tied'];

  /** Uncentred data (offset 50), zero and fractional weights, D and K odd and even. */
  function problem(seed: number, n: number, d: number): Dataset {
    const random = new Random(seed);
    const centres = Array.from({ length: 3 }, () => Array.from({ length: d }, () => 50 + 4 * random.nextNormal()));
    const values = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % 3][c] + random.nextNormal() * (0.5 + 0.3 * c);
    const weights = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : i % 5 === 1 ? 2.5 : 1));
    return createDataset(values, n, d, { weights });
  }

  for (const covariance of types)
    for (const assignment of ['soft', 'hard'] as const)
      it(`one E-step agrees, ${covariance} ${assignment}: objective and statistics, for row ranges that cross chunk boundaries`, () => {
        for (const [seed, n, d, k] of [
          [1, 600, 1, 1],
          [2, 700, 3, 4],
          [3, 530, 8, 5],
          [4, 300, 11, 7],
        ]) {
          const data = problem(seed, n, d);
          const options = { k, covariance, assignment, initMethod: 'random' as const, onSingular: 'reseed' as const };
          const js = gmmPlugin.init(data, parseGmmOptions({ ...options, kernels: 'js' }), new Random(seed));
          const wasm = gmmPlugin.init(data, parseGmmOptions({ ...options, kernels: 'wasm' }), new Random(seed));
          expectClose(wasm, js);
          for (const [start, end] of [
            [0, n],
            [3, n - 1],
            [255, 258],
          ]) {
            const sj = createStats(js);
            const sw = createStats(wasm);
            const oj = eStepRows(js, data, start, end, sj);
            const ow = eStepRows(wasm, data, start, end, sw);
            expect(largestRelative([ow], [oj])).toBeLessThanOrEqual(RELATIVE);
            // The statistics are sums over up to 700 rows of magnitude ~50²: relative to their scale.
            // (The re-seeding slots after them hold rows and ±∞ sentinels: equal or not at all.)
            const scale = Math.max(...Array.from(sj).filter(Number.isFinite).map(Math.abs));
            let worst = 0;
            for (let i = 0; i < sj.length; i++) worst = Math.max(worst, Object.is(sw[i], sj[i]) ? 0 : Math.abs(sw[i] - sj[i]) / scale);
            expect(worst).toBeLessThanOrEqual(RELATIVE);
          }
        }
      });
});
