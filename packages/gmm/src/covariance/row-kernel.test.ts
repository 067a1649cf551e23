import { describe, expect, it } from 'vitest';
import { createDataset, type Dataset } from '@emkit/core';
import { logSumExp, Random } from '@emkit/linalg';
import { responsibilityRule } from '../assignment.js';
import { createStats, eStepRows } from '../estimate.js';
import { parseGmmOptions } from '../options.js';
import type { CovarianceType, GmmParams } from '../params.js';
import { gmmPlugin } from '../plugin.js';
import { covarianceModel } from './index.js';
import { BLOCK_ROWS } from './shared.js';

const types: CovarianceType[] = ['full', 'diag', 'spherical', 'tied'];
const LOG_2PI = Math.log(2 * Math.PI);

/** Uncentred clustered data (offset 50) with a few zero weights, and parameters from init. */
function problem(covariance: CovarianceType, seed: number, n: number, d: number, k: number): { data: Dataset; params: GmmParams } {
  const random = new Random(seed);
  const centres = Array.from({ length: 3 }, () => Array.from({ length: d }, () => 50 + 4 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % 3][c] + random.nextNormal() * (0.5 + 0.3 * c);
  const weights = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : i % 5 === 1 ? 2.5 : 1));
  const data = createDataset(values, n, d, { weights });
  const params = gmmPlugin.init(data, parseGmmOptions({ k, covariance, initMethod: 'random', kernels: 'js' }), new Random(seed + 1));
  return { data, params };
}

const cases = types.flatMap((covariance) =>
  [
    [1, 37, 1, 1],
    [2, 37, 2, 3],
    [3, 41, 3, 4],
    [4, 39, 5, 3],
    [5, 23, 8, 2],
  ].map(([seed, n, d, k]) => ({ covariance, seed, n, d, k })),
);

describe('row kernels', () => {
  for (const { covariance, seed, n, d, k } of cases) {
    describe(`${covariance}, N=${n} D=${d} K=${k}`, () => {
      const { data, params } = problem(covariance, seed, n, d, k);
      const model = covarianceModel(covariance);
      const x = data.values;

      it('weighted log-densities: mahalanobis and the parameters give them (bit for bit except tied), and a block gives each row what one row gives', () => {
        const kernel = model.rowKernel(params);
        const one = new Float64Array(k);
        const block = new Float64Array(BLOCK_ROWS * k);
        const scratch = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          kernel.weightedLogProbs(x, i * d, one);
          for (let j = 0; j < k; j++) {
            const expected = Math.log(params.weights[j]) + -0.5 * d * LOG_2PI + params.logDetPrecisionCholesky[j] - 0.5 * model.mahalanobis(params, j, x, i * d, scratch);
            // tied subtracts Uᵀ(μ_j − c) from Uᵀ(x − c): the same number to round-off.
            if (covariance === 'tied') expect(Math.abs(one[j] - expected)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(expected)));
            else expect(one[j]).toBe(expected);
          }
          if (i + BLOCK_ROWS <= n) {
            kernel.weightedLogProbsBlock(x, i * d, block);
            for (let q = 0; q < BLOCK_ROWS; q++) {
              kernel.weightedLogProbs(x, (i + q) * d, one);
              for (let j = 0; j < k; j++) expect(block[q * k + j]).toBe(one[j]);
            }
          }
        }
      });

      it('statistics: accumulate is n_j, the first moments and model.accumulate, bit for bit, blocks included', () => {
        const random = new Random(seed + 7);
        const wr = Float64Array.from({ length: n * k }, () => (random.next() < 0.2 ? 0 : random.next()));
        // The statistics as the E-step added them before row kernels: one row at a time.
        const reference = createStats(params);
        const scratch = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          const w = wr.subarray(i * k, (i + 1) * k);
          for (let j = 0; j < k; j++) {
            if (w[j] === 0) continue;
            reference[j] += w[j];
            for (let c = 0; c < d; c++) reference[k + j * d + c] += w[j] * (x[i * d + c] - params.means[j * d + c]);
          }
          model.accumulate(reference, k + k * d, x, i * d, w, params, scratch);
        }
        const kernel = model.rowKernel(params);
        const logProbs = new Float64Array(BLOCK_ROWS * k);
        // Row by row, after weightedLogProbs (differences reused) or on its own (recomputed).
        for (const withLogProbs of [true, false]) {
          const stats = createStats(params);
          for (let i = 0; i < n; i++) {
            if (withLogProbs) kernel.weightedLogProbs(x, i * d, logProbs);
            kernel.accumulate(stats, x, i * d, wr.subarray(i * k, (i + 1) * k));
          }
          expect(Array.from(stats)).toEqual(Array.from(reference));
        }
        // In blocks from any starting row, the rest row by row.
        for (let first = 0; first < BLOCK_ROWS; first++) {
          const stats = createStats(params);
          let i = 0;
          for (; i < first; i++) kernel.accumulate(stats, x, i * d, wr.subarray(i * k, (i + 1) * k));
          for (; i + BLOCK_ROWS <= n; i += BLOCK_ROWS) {
            if (i % 2 === 0) kernel.weightedLogProbsBlock(x, i * d, logProbs);
            kernel.accumulateBlock(stats, x, i * d, wr.subarray(i * k, (i + BLOCK_ROWS) * k));
          }
          for (; i < n; i++) kernel.accumulate(stats, x, i * d, wr.subarray(i * k, (i + 1) * k));
          expect(Array.from(stats)).toEqual(Array.from(reference));
        }
      });

      it('eStepRows over any row range is the row-by-row E-step, bit for bit (blocks do not depend on where they start)', () => {
        const rule = responsibilityRule(params.assignment);
        for (const [start, end] of [
          [0, n],
          [1, n - 2],
          [3, 9],
          [5, 6],
        ]) {
          const kernel = model.rowKernel(params);
          const expected = createStats(params);
          const logProb = new Float64Array(k);
          const wr = new Float64Array(k);
          let objective = 0;
          for (let i = start; i < end; i++) {
            const w = data.weights![i];
            if (w === 0) continue;
            kernel.weightedLogProbs(x, i * d, logProb);
            objective += w * rule.assign(logProb, k, wr);
            for (let j = 0; j < k; j++) wr[j] *= w;
            kernel.accumulate(expected, x, i * d, wr);
          }
          const stats = createStats(params);
          expect(eStepRows(params, data, start, end, stats)).toBe(objective);
          expect(Array.from(stats)).toEqual(Array.from(expected));
        }
      });
    });
  }
});

describe('soft responsibilities', () => {
  const soft = responsibilityRule('soft');

  it('return logSumExp and responsibilities e_j/Σe that agree with exp(logProb − lse) and sum to 1', () => {
    const random = new Random(3);
    for (let trial = 0; trial < 500; trial++) {
      const k = 1 + (trial % 9);
      const logProb = Float64Array.from({ length: k }, () => -1000 * random.next() + 30 * random.nextNormal());
      const out = new Float64Array(k);
      const lse = soft.assign(logProb, k, out);
      // Σ e_j to 1 ulp per term (expNonPositive against Math.exp), so lse to a few ulps.
      expect(Math.abs(lse - logSumExp(logProb, 0, k))).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(lse)));
      let sum = 0;
      for (let j = 0; j < k; j++) {
        sum += out[j];
        expect(Math.abs(out[j] - Math.exp(logProb[j] - lse))).toBeLessThanOrEqual(1e-15 + 1e-12 * out[j]);
      }
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(k * Number.EPSILON);
    }
  });

  it('give exactly 0 where exp underflows, without calling it, and keep the edge cases of logSumExp', () => {
    const out = new Float64Array(3);
    expect(soft.assign(Float64Array.of(-5, -5 - 800, -5 - 745.2), 3, out)).toBe(-5);
    expect(Array.from(out)).toEqual([1, 0, 0]);
    expect(soft.assign(Float64Array.of(-Infinity, -Infinity), 2, out)).toBe(-Infinity);
    expect(soft.assign(Float64Array.of(0, NaN), 2, out)).toBeNaN();
    expect(out[0]).toBeNaN();
  });
});
