// The Bernoulli mixture's two E-step kernels, 'wasm' (a GEMM against logit p on WebAssembly
// SIMD) and 'js' (the scalar reference), agree to 1e-12 relative on its fixtures.
import { describe, expect, it } from 'vitest';
import { fit } from '@emkit/core';
import { bernoulliPlugin } from './plugin.js';
import { readFixture, readFixtureDataset } from './test-support/fixtures.js';

function largestRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return worst;
}

const fx = readFixture<{ dataset: string; k: number; probabilityClamp: number; init: object }>('bernoulli-bernoulli20.json');
const cases = [
  { name: 'bernoulli20 from the fixture\'s init', data: readFixtureDataset(fx.dataset), options: { k: fx.k, clamp: fx.probabilityClamp, init: fx.init } },
  { name: 'bernoulli20 from seeded k-means++ rows, a Beta prior', data: readFixtureDataset(fx.dataset), options: { k: 4, betaPrior: [2, 2], dirichletPrior: 2 } },
  { name: 'coins', data: readFixtureDataset('coins'), options: { k: 2, init: { weights: [0.5, 0.5], probabilities: [[0.5, 0.5, 0.5, 0.5], [0.9, 0.9, 0.9, 0.9]] } } },
];

describe('bernoulli: wasm and js kernels', () => {
  for (const { name, data, options } of cases)
    it(`agree on ${name}: parameters, log-likelihood history and iterations`, async () => {
      const [wasm, js] = await Promise.all((['wasm', 'js'] as const).map((kernels) => fit(bernoulliPlugin, data, { ...options, kernels }, { seed: 5, tol: 1e-10, maxIter: 500 })));
      expect(wasm.params.kernels).toBe('wasm');
      expect(js.params.kernels).toBe('js');
      expect(wasm.iterations).toBe(js.iterations);
      expect(largestRelative(wasm.history, js.history)).toBeLessThanOrEqual(1e-12);
      expect(largestRelative(wasm.params.weights, js.params.weights)).toBeLessThanOrEqual(1e-12);
      expect(largestRelative(wasm.params.probabilities, js.params.probabilities)).toBeLessThanOrEqual(1e-12);
    });
});
