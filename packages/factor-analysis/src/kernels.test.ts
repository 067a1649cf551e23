// Factor analysis' two E-step kernels, 'wasm' (GEMMs and moment kernels on WebAssembly SIMD)
// and 'js' (the scalar reference), agree to 1e-12 relative on its fixtures, through both ways
// of computing the likelihood (direct Cholesky of C and Woodbury), with zero sample weights.
import { describe, expect, it } from 'vitest';
import { createDataset, fit, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { factorAnalysisPlugin } from './plugin.js';
import { likelihoodMethod } from './model.js';
import { readFixture, readFixtureDataset } from './test-support/fixtures.js';

function largestRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return worst;
}

function weighted(data: Dataset): Dataset {
  return createDataset(data.values, data.rows, data.cols, { weights: Float64Array.from({ length: data.rows }, (_, i) => (i % 7 === 3 ? 0 : i % 5 === 1 ? 2.5 : 1)) });
}

/** N rows of x = W·z + μ + noise, D = 13, two factors: the Woodbury method (D > 2(q + 1)). */
function lowRank(n: number, d: number, q: number, seed: number): Dataset {
  const random = new Random(seed);
  const w = Array.from({ length: d * q }, () => random.nextNormal());
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: q }, () => random.nextNormal());
    for (let c = 0; c < d; c++) {
      let s = 20 + c;
      for (let k = 0; k < q; k++) s += w[c * q + k] * z[k];
      values[i * d + c] = s + (0.3 + 0.1 * (c % 4)) * random.nextNormal();
    }
  }
  return createDataset(values, n, d);
}

const factors6 = readFixture<{ dataset: string; factors: number }>('factor-analysis-factors6.json');
const iris = readFixture<{ dataset: string; factors: number }>('factor-analysis-iris.json');
const cases = [
  { name: 'factors6', data: readFixtureDataset(factors6.dataset), factors: factors6.factors },
  { name: 'factors6, weighted, isotropic noise', data: weighted(readFixtureDataset(factors6.dataset)), factors: factors6.factors, noise: 'isotropic' },
  { name: 'iris', data: readFixtureDataset(iris.dataset), factors: iris.factors },
  { name: 'generated D = 13, 2 factors, weighted (Woodbury)', data: weighted(lowRank(700, 13, 2, 4)), factors: 2 },
  { name: 'iris, weighted, 1 factor', data: weighted(readFixtureDataset(iris.dataset)), factors: 1 },
];

describe('factor analysis: wasm and js kernels', () => {
  it('the cases cover both likelihood methods', () => {
    expect(new Set(cases.map((c) => likelihoodMethod(c.data.cols, c.factors)))).toEqual(new Set(['direct', 'woodbury']));
  });

  for (const { name, data, factors, noise } of cases)
    it(`agree on ${name}: parameters, log-likelihood history and iterations`, async () => {
      const [wasm, js] = await Promise.all(
        (['wasm', 'js'] as const).map((kernels) => fit(factorAnalysisPlugin, data, { factors, noise, kernels }, { tol: 1e-10, maxIter: 300, seed: 3, shardRows: 64 })),
      );
      expect(wasm.params.kernels).toBe('wasm');
      expect(js.params.kernels).toBe('js');
      expect(wasm.iterations).toBe(js.iterations);
      expect(largestRelative(wasm.history, js.history)).toBeLessThanOrEqual(1e-12);
      for (const field of ['mean', 'loadings', 'noiseVariance'] as const) expect(largestRelative(wasm.params[field], js.params[field]), field).toBeLessThanOrEqual(1e-12);
    });
});
