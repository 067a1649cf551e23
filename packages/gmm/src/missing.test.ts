import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDataset, fit, fitOnline, planShards, runShardsInProcess, type Dataset } from '@emkit/core';
import { Random, inverse, symmetricEigen } from '@emkit/linalg';
import { covarianceModel } from './covariance/index.js';
import { MissingRowModel, meanImputed } from './missing.js';
import { gmmPlugin } from './plugin.js';
import type { CovarianceType, GmmParams } from './params.js';

const TYPES: CovarianceType[] = ['full', 'diag', 'spherical', 'tied'];

/** N rows from a K-component mixture in D dimensions with correlated components. */
function mixtureRows(n: number, k: number, d: number, seed: number): { values: Float64Array; labels: Int32Array; means: Float64Array; covariances: Float64Array } {
  const random = new Random(seed);
  const means = Float64Array.from({ length: k * d }, (_, i) => 5 * Math.cos(i * 1.7 + seed));
  const covariances = new Float64Array(k * d * d);
  const factors = new Float64Array(k * d * d);
  for (let j = 0; j < k; j++) {
    for (let r = 0; r < d; r++) for (let c = 0; c <= r; c++) factors[j * d * d + r * d + c] = r === c ? 0.6 + 0.3 * random.next() : 0.5 * (random.next() - 0.5);
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += factors[j * d * d + r * d + p] * factors[j * d * d + c * d + p];
        covariances[j * d * d + r * d + c] = s;
      }
  }
  const values = new Float64Array(n * d);
  const labels = new Int32Array(n);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const j = i % k;
    labels[i] = j;
    for (let c = 0; c < d; c++) z[c] = random.nextNormal();
    for (let r = 0; r < d; r++) {
      let s = means[j * d + r];
      for (let p = 0; p <= r; p++) s += factors[j * d * d + r * d + p] * z[p];
      values[i * d + r] = s;
    }
  }
  return { values, labels, means, covariances };
}

/** Cells missing completely at random with probability `rate`, never a whole row. */
function mcarMask(n: number, d: number, rate: number, seed: number): Uint8Array {
  const random = new Random(seed);
  const mask = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) mask[i * d + c] = random.next() < rate ? 1 : 0;
    if (mask.subarray(i * d, (i + 1) * d).every((m) => m === 1)) mask[i * d + random.nextInt(d)] = 0;
  }
  return mask;
}

function withMissing(values: Float64Array, n: number, d: number, mask: Uint8Array): Dataset {
  return createDataset(values.slice(), n, d, { missing: mask.slice() });
}

/** Component j's covariance as a full D×D matrix, read from the structure's own layout. */
function fullCovariance(params: GmmParams, j: number): Float64Array {
  const { d, covariances } = params;
  const out = new Float64Array(d * d);
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      if (params.covariance === 'full') out[r * d + c] = covariances[j * d * d + r * d + c];
      else if (params.covariance === 'tied') out[r * d + c] = covariances[r * d + c];
      else if (r === c) out[r * d + c] = params.covariance === 'diag' ? covariances[j * d + r] : covariances[j];
    }
  return out;
}

/** log N(x_o | μ_o, Σ_oo) directly: the sub-matrix's inverse and its eigenvalues for the determinant. */
function directMarginal(params: GmmParams, j: number, x: ArrayLike<number>, observed: number[]): number {
  const { d } = params;
  const full = fullCovariance(params, j);
  const n = observed.length;
  if (n === 0) return 0;
  const sub = new Float64Array(n * n);
  observed.forEach((a, p) => observed.forEach((b, q) => (sub[p * n + q] = full[a * d + b])));
  const inv = inverse(sub, 0, n);
  const logDet = Array.from(symmetricEigen(sub, 0, n).values).reduce((s, v) => s + Math.log(v), 0);
  let q = 0;
  for (let p = 0; p < n; p++) for (let r = 0; r < n; r++) q += (x[observed[p]] - params.means[j * d + observed[p]]) * inv[p * n + r] * (x[observed[r]] - params.means[j * d + observed[r]]);
  return -0.5 * n * Math.log(2 * Math.PI) - 0.5 * logDet - 0.5 * q;
}

async function fittedParams(covariance: CovarianceType, seed: number): Promise<{ params: GmmParams; values: Float64Array }> {
  const { values } = mixtureRows(120, 3, 4, seed);
  const result = await fit(gmmPlugin, createDataset(values.slice(), 120, 4), { k: 3, covariance }, { seed, maxIter: 20 });
  return { params: result.params, values };
}

describe('exact EM with missing values', () => {
  it('the marginal log-density of a row with missing cells equals a direct computation on its observed sub-vector, every covariance type (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TYPES), fc.integer({ min: 0, max: 1000 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), async (covariance, seed, missingCells) => {
        const { params, values } = await fittedParams(covariance, seed);
        const mask = Uint8Array.from(missingCells, (m) => (m ? 1 : 0));
        const row = values.slice(0, 4);
        for (let c = 0; c < 4; c++) if (mask[c]) row[c] = NaN;
        const model = new MissingRowModel(params);
        const out = new Float64Array(3);
        model.logProbs(row, mask, 0, out);
        const observed = [0, 1, 2, 3].filter((c) => !mask[c]);
        for (let j = 0; j < 3; j++) {
          const expected = Math.log(params.weights[j]) + directMarginal(params, j, row, observed);
          expect(Math.abs(out[j] - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('the observed-data log-likelihood never decreases, every covariance type (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TYPES), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.05, max: 0.5, noNaN: true }), async (covariance, seed, rate) => {
        const { values } = mixtureRows(150, 3, 3, seed);
        const data = withMissing(values, 150, 3, mcarMask(150, 3, rate, seed + 1));
        // A tiny regCovar: it biases each M-step by its size, so EM is monotone up to it.
        // From a k-means start: emEM's start is already near an optimum, where the regCovar bias is all that moves.
        const result = await fit(gmmPlugin, data, { k: 3, covariance, regCovar: 1e-10, initMethod: 'kmeans' }, { seed, maxIter: 30, tol: 0 });
        expect(result.monotonicityViolations).toEqual([]);
        expect(Number.isFinite(result.meanLogLikelihood)).toBe(true);
      }),
      { numRuns: 24 },
    );
  }, 120_000);

  it('statistics with masks add up across shard plans (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TYPES), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 60 }), async (covariance, seed, shardRows) => {
        const { params, values } = await fittedParams(covariance, seed);
        const data = withMissing(values, 120, 4, mcarMask(120, 4, 0.3, seed));
        const whole = runShardsInProcess(gmmPlugin, params, data, planShards(120, 120));
        const sharded = runShardsInProcess(gmmPlugin, params, data, planShards(120, shardRows));
        expect(Math.abs(whole.logLikelihood - sharded.logLikelihood)).toBeLessThan(1e-10 * Math.abs(whole.logLikelihood));
        whole.stats.forEach((s, i) => expect(Math.abs(s - sharded.stats[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(s))));
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it('with nothing missing, a dataset read with missing values allowed fits bit for bit as today', async () => {
    const { values } = mixtureRows(200, 3, 3, 5);
    const plain = await fit(gmmPlugin, createDataset(values.slice(), 200, 3), { k: 3 }, { seed: 2, maxIter: 15 });
    const allowed = createDataset(values.slice(), 200, 3, { missing: 'nan' });
    expect(allowed.missing).toBeUndefined();
    const again = await fit(gmmPlugin, allowed, { k: 3 }, { seed: 2, maxIter: 15 });
    expect(again.history).toEqual(plain.history);
    expect(Array.from(again.params.covariances)).toEqual(Array.from(plain.params.covariances));
  });

  it('the statistics of a row with missing cells are the expected complete-data statistics (conditional mean, plus the conditional covariance in the scatter)', async () => {
    const { params, values } = await fittedParams('full', 3);
    const mask = Uint8Array.of(0, 1, 0, 1);
    const row = values.slice(0, 4);
    row[1] = row[3] = NaN;
    const data = createDataset(row, 1, 4, { missing: mask });
    const stats = gmmPlugin.createStats(params, 4);
    gmmPlugin.eStep(params, data, { start: 0, end: 1 }, stats);
    // Monte Carlo check of one component's scatter against draws from x_m | x_o.
    const model = new MissingRowModel(params);
    const lp = new Float64Array(3);
    model.logProbs(row, mask, 0, lp);
    const r = lp.map((v) => Math.exp(v - Math.max(...lp)));
    const total = r.reduce((a, b) => a + b, 0);
    for (let j = 0; j < 3; j++) expect(Math.abs(stats[j] - r[j] / total)).toBeLessThan(1e-12);
    // The scatter's trace: Σ_j r_j (‖x̂_j − μ_j‖² + tr C_j) ≥ the completed rows' part alone.
    const block = stats.subarray(3 + 12);
    let trace = 0;
    for (let j = 0; j < 3; j++) for (let c = 0; c < 4; c++) trace += block[j * 16 + c * 5];
    let completedOnly = 0;
    for (let j = 0; j < 3; j++) for (let c = 0; c < 4; c++) completedOnly += (r[j] / total) * (model.completed[j * 4 + c] - params.means[j * 4 + c]) ** 2;
    expect(trace).toBeGreaterThan(completedOnly + 1e-6);
  });
});

describe('stepwise (online) EM with missing values', () => {
  it('mini-batches carry their rows of the mask: a finite fit near the batch fit', async () => {
    const { values } = mixtureRows(3000, 3, 3, 8);
    const data = withMissing(values, 3000, 3, mcarMask(3000, 3, 0.2, 9));
    const online = await fitOnline(gmmPlugin, data, { k: 3 }, { batchSize: 300, passes: 3, seed: 1 });
    const batch = await fit(gmmPlugin, data, { k: 3 }, { seed: 1 });
    expect(Number.isFinite(online.meanLogLikelihood)).toBe(true);
    expect(online.meanLogLikelihood).toBeGreaterThan(batch.meanLogLikelihood - 0.05);
  }, 120_000);
});

/** Max |Δ| over means and covariances after matching components by their nearest true mean. */
function parameterError(params: GmmParams, truth: { means: Float64Array; covariances: Float64Array }, k: number, d: number): { means: number; covariances: number } {
  let means = 0;
  let covariances = 0;
  for (let t = 0; t < k; t++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (params.means[j * d + c] - truth.means[t * d + c]) ** 2;
      if (s < bestDistance) [best, bestDistance] = [j, s];
    }
    means = Math.max(means, Math.sqrt(bestDistance));
    const full = fullCovariance(params, best);
    let f = 0;
    for (let i = 0; i < d * d; i++) f += (full[i] - truth.covariances[t * d * d + i]) ** 2;
    covariances = Math.max(covariances, Math.sqrt(f));
  }
  return { means, covariances };
}

describe('recovery with cells missing completely at random', () => {
  it('exact EM recovers the parameters far better than mean-imputation followed by a complete-data fit (10, 20, 40 % missing)', async () => {
    const n = 3000;
    const k = 3;
    const d = 4;
    const truth = mixtureRows(n, k, d, 42);
    const lines: string[] = [];
    for (const rate of [0.1, 0.2, 0.4]) {
      const data = withMissing(truth.values, n, d, mcarMask(n, d, rate, 7));
      const options = { k, covariance: 'full', init: { means: Array.from({ length: k }, (_, j) => Array.from(truth.means.subarray(j * d, (j + 1) * d), (x) => x + 0.3)) } };
      const exact = await fit(gmmPlugin, data, options, { tol: 1e-8, maxIter: 500 });
      const imputed = await fit(gmmPlugin, meanImputed(data), options, { tol: 1e-8, maxIter: 500 });
      const e = parameterError(exact.params, truth, k, d);
      const m = parameterError(imputed.params, truth, k, d);
      lines.push(`${Math.round(rate * 100)} % missing: exact EM max mean error ${e.means.toFixed(3)}, covariance error ${e.covariances.toFixed(3)}; mean imputation ${m.means.toFixed(3)}, ${m.covariances.toFixed(3)}`);
      expect(exact.monotonicityViolations).toEqual([]);
      expect(e.means).toBeLessThan(0.5 * m.means);
      expect(e.covariances).toBeLessThan(0.5 * m.covariances);
    }
    // The figures for the README's missing-values section.
    console.log(lines.join('\n'));
  }, 120_000);
});

it('the covariance module map covers every type the tests use', () => {
  for (const t of TYPES) expect(covarianceModel(t).type).toBe(t);
});
