import { cholesky, choleskySolve, KERNEL_CHUNK_ROWS, kernelsFor, padded, precisionCholeskyFromCovarianceCholesky, SCATTER, symmetrizeFromLower, syrkRowsLower, syrLower, type WasmKernels } from '@emkit/linalg';
import { FitError, type Dataset } from '@emkit/core';
import { RowScratch, latentMeanRow, logDensityRow, prepareModel, type PreparedModel } from './model.js';
import type { FactorOptions } from './options.js';
import type { FactorParams, NoiseModel } from './params.js';

/**
 * Sufficient statistics of the E-step, one flat Float64Array, every block a sum over rows of
 * w·(…) with r = x − μ around the current mean μ (a parameter, so every shard uses the same
 * reference point and shard statistics add up) and z = E[z|x] = β·r:
 *
 *   [ Σw | Σw·r (D) | Σw·z (q) | Σw·z·rᵀ (q×D) | Σw·z·zᵀ (q×q, lower triangle) | Σw·r∘r (D) ]
 *
 * O(q·D) numbers and O(q·D) work per row, however large D is. E[z·zᵀ|x] = G + z·zᵀ with G the
 * posterior covariance, the same for every row: the M-step adds Σw·G.
 */
export interface StatsLayout {
  readonly length: number;
  readonly sumR: number;
  readonly sumZ: number;
  readonly sumZR: number;
  readonly sumZZ: number;
  readonly sumRR: number;
}

export function statsLayout(d: number, q: number): StatsLayout {
  const sumR = 1;
  const sumZ = sumR + d;
  const sumZR = sumZ + q;
  const sumZZ = sumZR + q * d;
  const sumRR = sumZZ + q * q;
  return { length: sumRR + d, sumR, sumZ, sumZR, sumZZ, sumRR };
}

/** The E-step over rows [start, end): adds the rows' statistics into `stats`, returns Σ w·log p(x). */
export function eStepRows(params: FactorParams, data: Dataset, start: number, end: number, stats: Float64Array): number {
  checkColumns(params, data);
  const { d, q } = params;
  const layout = statsLayout(d, q);
  const model = prepareModel(params);
  const wasm = kernelsFor(params.kernels);
  if (wasm) return eStepRowsWasm(model, wasm, data, start, end, stats);
  const scratch = new RowScratch(d, q);
  const { residual: r, latent: z } = scratch;
  const { values, weights } = data;
  let logLikelihood = 0;
  for (let i = start; i < end; i++) {
    const w = weights === null ? 1 : weights[i];
    if (w === 0) continue;
    latentMeanRow(model, values, i * d, scratch);
    logLikelihood += w * logDensityRow(model, scratch);
    stats[0] += w;
    for (let c = 0; c < d; c++) {
      const wr = w * r[c];
      stats[layout.sumR + c] += wr;
      stats[layout.sumRR + c] += wr * r[c];
    }
    for (let k = 0; k < q; k++) {
      const wz = w * z[k];
      stats[layout.sumZ + k] += wz;
      const row = layout.sumZR + k * d;
      for (let c = 0; c < d; c++) stats[row + c] += wz * r[c];
    }
    syrLower(w, z, 0, stats, layout.sumZZ, q);
  }
  return logLikelihood;
}

/**
 * eStepRows on the WebAssembly kernels, a chunk of rows at a time: r = x − μ; E[z|x] = r·βᵀ (a
 * GEMM); log N(x | μ, C) by the triangular kernel with C⁻¹'s Cholesky factor (direct) or, through
 * Woodbury, from e = r − z·Wᵀ (a second GEMM); the statistics by the weighted moment kernels (Σw,
 * Σw·r, Σw·r∘r around μ; Σw·z, Σw·z·zᵀ) and crossAccumulate (Σw·z·rᵀ). Chunks start at `start`,
 * so a shard's result does not depend on the thread that runs it.
 */
function eStepRowsWasm(model: PreparedModel, wasm: WasmKernels, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const { d, q, mean, loadings, noiseVariance } = model.params;
  const layout = statsLayout(d, q);
  const rows = KERNEL_CHUNK_ROWS;
  const dp = padded(d);
  const qp = padded(q);
  const wide = Math.max(dp, qp);
  const direct = model.covarianceCholesky !== null;
  const [x, w, r, z, e, betaT, loadingsT, zeros, meanAt, factor, constant, out, scratchZ, scratchA, tri, moments, spare, cross] = wasm.layout([
    rows * d, rows, rows * dp, rows * q, rows * dp, d * qp, q * dp, wide, d, d * dp, 2, rows, rows * wide, rows * wide, wide * wide, layout.length, 1, q * dp,
  ]);
  let f = wasm.f64;
  for (let k = 0; k < q; k++) for (let c = 0; c < d; c++) f[betaT / 8 + c * qp + k] = model.beta[k * d + c];
  for (let c = 0; c < d; c++) for (let k = 0; k < q; k++) f[loadingsT / 8 + k * dp + c] = loadings[c * q + k];
  if (direct) {
    const u = precisionCholeskyFromCovarianceCholesky(model.covarianceCholesky as Float64Array, 0, d);
    for (let i = 0; i < d; i++) for (let c = i; c < d; c++) f[factor / 8 + i * dp + c] = u[i * d + c];
  }
  f[constant / 8] = model.constant;
  f.set(mean, meanAt / 8);
  const run = wasm.exports;
  const { values, weights } = data;
  const s = moments / 8;
  let logLikelihood = 0;
  for (let first = start; first < end; first += rows) {
    const n = Math.min(rows, end - first);
    f = wasm.f64;
    f.set(values.subarray(first * d, (first + n) * d), x / 8);
    if (weights === null) f.fill(1, w / 8, w / 8 + n);
    else f.set(weights.subarray(first, first + n), w / 8);
    run.subtractRows(x, n, d, meanAt, r, dp);
    run.gemmRowsStrided(r, dp, n, d, betaT, qp, q, zeros, z, q);
    if (direct) run.mahalanobisFull(x, n, d, dp, meanAt, factor, 1, constant, out, scratchZ, scratchA);
    else run.gemmRowsStrided(z, q, n, q, loadingsT, dp, d, zeros, e, dp);
    f = wasm.f64;
    for (let i = 0; i < n; i++) {
      const wi = f[w / 8 + i];
      if (wi === 0) continue;
      let density: number;
      if (direct) density = f[out / 8 + i];
      else {
        let quad = 0;
        for (let c = 0; c < d; c++) {
          const v = f[r / 8 + i * dp + c] - f[e / 8 + i * dp + c];
          quad += (v * v) / noiseVariance[c];
        }
        for (let k = 0; k < q; k++) quad += f[z / 8 + i * q + k] ** 2;
        density = model.constant - 0.5 * quad;
      }
      logLikelihood += wi * density;
    }
    // Σw, Σw·r, Σw·r∘r (around μ: the rows themselves against the mean), then Σw·z, Σw·z·zᵀ.
    run.componentStats(x, n, d, dp, w, 1, meanAt, moments, moments + 8 * layout.sumR, moments + 8 * layout.sumRR, SCATTER.diag, scratchZ, scratchA, tri);
    run.componentStats(z, n, q, qp, w, 1, zeros, spare, moments + 8 * layout.sumZ, moments + 8 * layout.sumZZ, SCATTER.full, scratchZ, scratchA, tri);
    run.crossAccumulate(z, q, q, r, dp, dp, w, n, cross);
  }
  f = wasm.f64;
  for (let i = 0; i < layout.length; i++) if (i < layout.sumZR || i >= layout.sumZR + q * d) stats[i] += f[s + i];
  for (let k = 0; k < q; k++) for (let c = 0; c < d; c++) stats[layout.sumZR + k * d + c] += f[cross / 8 + k * dp + c];
  return logLikelihood;
}

export function checkColumns(params: FactorParams, data: Dataset): void {
  if (data.cols !== params.d) throw new RangeError(`the model has ${params.d} columns but the data has ${data.cols}`);
}

/**
 * The lower bounds of the noise variances (see FactorOptions.noiseFloor) from the column
 * variances: noiseFloor × var_c, a constant column taking the mean column variance; for
 * isotropic noise noiseFloor × the mean column variance for every column.
 */
export function noiseFloors(variances: ArrayLike<number>, noise: NoiseModel, noiseFloor: number): Float64Array {
  const d = variances.length;
  let mean = 0;
  for (let c = 0; c < d; c++) mean += variances[c] / d;
  const out = new Float64Array(d);
  for (let c = 0; c < d; c++) out[c] = noiseFloor * (noise === 'isotropic' || !(variances[c] > 0) ? mean : variances[c]);
  return out;
}

/**
 * The M-step: μ = the weighted mean, then one EM update of W and Ψ at that mean (Ghahramani &
 * Hinton 1996; Bishop, PRML §12.2.4). With S the weighted covariance around the new mean and
 * β, G of the parameters the E-step used, the statistics give
 *   A = (1/N)·Σw·E[z|x]·(x − x̄)ᵀ = β·S                  (q×D)
 *   B = (1/N)·Σw·E[z·zᵀ|x] around x̄ = G + β·S·βᵀ          (q×q)
 * (the E-step's sums are around the old μ; moving them to x̄ is exact because E[z|x] is linear
 * in x), and
 *   W_new = Aᵀ·B⁻¹,   ψ_c = S_cc − (W_new·A)_cc   (isotropic: σ² = the mean of those).
 * Setting μ = x̄ first maximises the likelihood over μ for any W and Ψ, and the E-step at μ = x̄
 * is the one these moved sums describe, so each iteration is a full EM step: the likelihood never
 * decreases. The floor on Ψ keeps that true — for each ψ_c the expected complete-data
 * log-likelihood is unimodal with its maximum at the unconstrained value, so max(value, floor) is
 * the constrained maximiser — as long as the previous Ψ respected the floor (it does, except for
 * a given `init` below it).
 */
export function estimateParameters(params: FactorParams, stats: Float64Array, options: FactorOptions, iteration?: number): FactorParams {
  const { d, q, noise } = params;
  const layout = statsLayout(d, q);
  const n = stats[0];
  if (!(n > 0)) throw new FitError({ plugin: 'factor-analysis', iteration, detail: 'no rows with positive weight' });
  const posterior = prepareModel(params, 'woodbury').posteriorCovariance;

  const shift = new Float64Array(d);
  for (let c = 0; c < d; c++) shift[c] = stats[layout.sumR + c] / n;
  const zBar = new Float64Array(q);
  for (let k = 0; k < q; k++) zBar[k] = stats[layout.sumZ + k] / n;
  const a = new Float64Array(q * d);
  for (let k = 0; k < q; k++) for (let c = 0; c < d; c++) a[k * d + c] = stats[layout.sumZR + k * d + c] / n - zBar[k] * shift[c];
  const b = new Float64Array(q * q);
  for (let k = 0; k < q; k++) for (let l = 0; l <= k; l++) b[k * q + l] = posterior[k * q + l] + stats[layout.sumZZ + k * q + l] / n - zBar[k] * zBar[l];
  symmetrizeFromLower(b, 0, q);
  const variances = new Float64Array(d);
  for (let c = 0; c < d; c++) variances[c] = Math.max(0, stats[layout.sumRR + c] / n - shift[c] * shift[c]);

  const bFactor = new Float64Array(q * q);
  if (!cholesky(b, 0, q, bFactor, 0))
    throw new FitError({ plugin: 'factor-analysis', iteration, detail: 'the second moment of the latent factors is not positive definite (non-finite statistics?)' });
  const loadings = new Float64Array(d * q);
  const column = new Float64Array(q);
  for (let c = 0; c < d; c++) {
    for (let k = 0; k < q; k++) column[k] = a[k * d + c];
    choleskySolve(bFactor, 0, q, column, 0);
    loadings.set(column, c * q);
  }
  const unconstrained = new Float64Array(d);
  for (let c = 0; c < d; c++) {
    let explained = 0;
    for (let k = 0; k < q; k++) explained += loadings[c * q + k] * a[k * d + c];
    unconstrained[c] = variances[c] - explained;
  }
  const noiseVariance = constrainNoise(unconstrained, variances, noise, options.noiseFloor, iteration);
  const mean = new Float64Array(d);
  for (let c = 0; c < d; c++) mean[c] = params.mean[c] + shift[c];
  return { d, q, noise, mean, loadings, noiseVariance, ...(params.kernels ? { kernels: params.kernels } : {}) };
}

/** Ψ from the unconstrained maximisers: averaged for isotropic noise, then raised to the floor. */
export function constrainNoise(unconstrained: Float64Array, variances: ArrayLike<number>, noise: NoiseModel, noiseFloor: number, iteration?: number): Float64Array {
  const d = unconstrained.length;
  const out = new Float64Array(d);
  if (noise === 'isotropic') {
    let mean = 0;
    for (let c = 0; c < d; c++) mean += unconstrained[c] / d;
    out.fill(mean);
  } else out.set(unconstrained);
  return raiseToFloor(out, variances, noise, noiseFloor, iteration);
}

/**
 * Raises each noise variance to its floor in place. Throws a FitError naming the column when one
 * is still not > 0: possible only without a floor, or when every column is constant.
 */
export function raiseToFloor(noiseVariance: Float64Array, variances: ArrayLike<number>, noise: NoiseModel, noiseFloor: number, iteration?: number): Float64Array {
  const floors = noiseFloors(variances, noise, noiseFloor);
  for (let c = 0; c < noiseVariance.length; c++) {
    const v = Math.max(noiseVariance[c], floors[c]);
    if (!(v > 0) || !Number.isFinite(v)) {
      const reason =
        noiseFloor > 0
          ? // The floor is relative to the column variances, so all of them are 0.
            'every column of the data is constant, or varies so little that its variance underflows float64 (values closer than about 1e-154); factor analysis needs columns that vary: rescale the data'
          : 'the column is constant, or the factors explain it exactly (a Heywood case); set noiseFloor > 0 (--noise-floor; the default is 1e-6)';
      throw new FitError({ plugin: 'factor-analysis', iteration, detail: `the noise variance of column ${c + 1} became ${v} (${reason})` });
    }
    noiseVariance[c] = v;
  }
  return noiseVariance;
}

/** Weighted column means and the weighted (population) covariance around them, D×D. */
export function weightedMoments(data: Dataset): { total: number; mean: Float64Array; covariance: Float64Array } {
  const { rows, cols: d, values, weights } = data;
  const mean = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights === null ? 1 : weights[i];
    if (w === 0) continue;
    total += w;
    for (let c = 0; c < d; c++) mean[c] += w * values[i * d + c];
  }
  for (let c = 0; c < d; c++) mean[c] /= total;
  const covariance = new Float64Array(d * d);
  syrkRowsLower(values, 0, rows, d, weights, mean, 0, covariance, 0, new Float64Array(d));
  for (let i = 0; i < d * d; i++) covariance[i] /= total;
  symmetrizeFromLower(covariance, 0, d);
  return { total, mean, covariance };
}
