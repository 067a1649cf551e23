import { OptionError, readMatrix, readVector, toNested } from '@emkit/core';
import type { GmmParams, GmmPrior } from '../params.js';
import type { CovarianceModel, RowKernel } from './model.js';
import { centredSquare, componentOffsets, RowDifferences, putBlockLogProbs, type WasmBlockKernel } from './shared.js';
import { padded, SCATTER, WasmShard, portableLog, type WasmKernels } from '@emkit/linalg';
import { logInverseGamma, logMeanPrior, meanVarianceScale } from './prior-terms.js';

/** Per-component diagonal covariances: D variances per component. */
export const diagCovariance: CovarianceModel = {
  type: 'diag',
  covarianceLength: (k, d) => k * d,
  secondMomentLength: (k, d) => k * d,

  accumulate(block, blockOff, x, xOff, wr, params) {
    accumulateSquares(block, blockOff, x, xOff, wr, params.k, params.d, params.means);
  },

  fromStats({ params, nk, nkEffective, firstMoments, block, blockOff, means, ridge, prior }) {
    const { k, d, means: reference } = params;
    if (!prior) return diagonalVariances(k, d, nk, nkEffective, firstMoments, block, blockOff, reference, means, ridge);
    // MAP: an inverse-gamma(ν/2, Λ_c/2) per coordinate and N(m_c, σ²/κ) on the mean: the mode is
    // (scatter + Λ_c + κ(μ − m)²)/(ν + n + 3) (Fraley & Raftery 2007, VVI, with a scale per coordinate).
    const out = new Float64Array(k * d);
    for (let j = 0; j < k; j++)
      for (let c = 0; c < d; c++) {
        const i = j * d + c;
        const shift = means[i] - prior.mean[c];
        const scatter = centredSquare(block[blockOff + i], nk[j], firstMoments[i], means[i] - reference[i]);
        out[i] = (scatter + prior.scale[c] + prior.shrinkage * shift * shift) / (prior.dof + nk[j] + 3) + ridge[c];
      }
    return out;
  },

  precisionCholesky(covariances, k, d, log = portableLog) {
    const precisionCholesky = new Float64Array(k * d);
    const logDet = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const v = covariances[j * d + c];
        if (!(v > 0) || !Number.isFinite(v)) return { singular: j };
        const p = 1 / Math.sqrt(v);
        precisionCholesky[j * d + c] = p;
        s += log(p);
      }
      logDet[j] = s;
    }
    return { precisionCholesky, logDet };
  },

  mahalanobis(params, j, x, xOff) {
    const { d, means, precisionCholesky } = params;
    let sum = 0;
    for (let c = 0; c < d; c++) {
      const y = (x[xOff + c] - means[j * d + c]) * precisionCholesky[j * d + c];
      sum += y * y;
    }
    return sum;
  },

  rowKernel: (params) => new DiagRowKernel(params),

  wasmKernel: (params, kernels) => scaledWasmKernel(params, kernels, params.precisionCholesky, params.k * params.d, SCATTER.diag),

  smallestVariance(covariances, j, d) {
    let smallest = Infinity;
    for (let c = 0; c < d; c++) smallest = Math.min(smallest, covariances[j * d + c] > 0 ? covariances[j * d + c] : 0);
    return smallest;
  },
  // mclust's defaultPrior gives the diagonal family one number (the mean variance), here in every coordinate.
  priorScaleFrom: (dataCovariance, k, d) => new Float64Array(d).fill(meanVarianceScale(dataCovariance, k, d)),
  priorScaleToJSON: (scale) => Array.from(scale),
  readPriorScale(value, d, field) {
    const scale = readVector(value, field, d, 'option');
    scale.forEach((v, c) => {
      if (!(v > 0)) throw new OptionError({ field: `${field}[${c}]`, detail: `is ${v}; the prior scale of a diagonal covariance is D positive numbers` });
    });
    return scale;
  },
  logPriorDensity(params, prior) {
    const { k, d } = params;
    let total = 0;
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) total += logDiagonalPrior(params.covariances[j * d + c], params.means[j * d + c] - prior.mean[c], prior.scale[c], prior);
    return total;
  },

  parameterCount: (k, d) => k * d,
  toNested: (covariances, k, d) => toNested(covariances, k, d),
  fromNested: (value, k, d, field, kind) => readMatrix(value, field, k, d, kind).values,

  sampleNoise(params, j, random, out, outOff) {
    const { d, covariances } = params;
    for (let c = 0; c < d; c++) out[outOff + c] = Math.sqrt(covariances[j * d + c]) * random.nextNormal();
  },
};

/**
 * The E-step's log-densities of the per-coordinate-scaled structures: log π_j + log N(x | μ_j,
 * Σ_j) with Σ_j diagonal, from factors[j·D + c] = 1/σ_jc as diag's `mahalanobis` sums them,
 * Σ_c ((x_c − μ_jc)·f_jc)² — diag's factors, or spherical's 1/σ_j in every coordinate (the
 * arithmetic of the WebAssembly kernel both use). Holds x − μ_j for the subclass's statistics.
 * A block gives each row what one row gives it (unrolled for BLOCK_ROWS = 4).
 */
export abstract class ScaledRowDifferences extends RowDifferences implements RowKernel {
  private readonly offsets: Float64Array;
  private readonly factors: Float64Array;

  constructor(params: GmmParams, factors: Float64Array) {
    super(params);
    this.offsets = componentOffsets(params);
    this.factors = factors;
  }

  weightedLogProbs(x: Float64Array, xOff: number, out: Float64Array): void {
    const { k, d, means, diffs, factors, offsets } = this;
    for (let j = 0; j < k; j++) {
      const m = j * d;
      let sum = 0;
      for (let c = 0; c < d; c++) {
        const diff = x[xOff + c] - means[m + c];
        diffs[m + c] = diff;
        const y = diff * factors[m + c];
        sum += y * y;
      }
      out[j] = offsets[j] - 0.5 * sum;
    }
    this.held(x, xOff, 1);
  }

  weightedLogProbsBlock(x: Float64Array, xOff: number, out: Float64Array): void {
    const { k, d, means, diffs, factors, offsets } = this;
    const kd = k * d;
    const x1 = xOff + d;
    const x2 = x1 + d;
    const x3 = x2 + d;
    for (let j = 0; j < k; j++) {
      const m0 = j * d;
      const m1 = m0 + kd;
      const m2 = m1 + kd;
      const m3 = m2 + kd;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < d; c++) {
        const mu = means[m0 + c];
        const p = factors[m0 + c];
        const d0 = x[xOff + c] - mu;
        const d1 = x[x1 + c] - mu;
        const d2 = x[x2 + c] - mu;
        const d3 = x[x3 + c] - mu;
        diffs[m0 + c] = d0;
        diffs[m1 + c] = d1;
        diffs[m2 + c] = d2;
        diffs[m3 + c] = d3;
        const y0 = d0 * p;
        const y1 = d1 * p;
        const y2 = d2 * p;
        const y3 = d3 * p;
        s0 += y0 * y0;
        s1 += y1 * y1;
        s2 += y2 * y2;
        s3 += y3 * y3;
      }
      putBlockLogProbs(out, k, j, offsets[j], s0, s1, s2, s3);
    }
    this.held(x, xOff, 4);
  }

}

/**
 * The diagonal E-step rows: ScaledRowDifferences' log-densities from the per-coordinate 1/σ;
 * statistics from the held x − μ_j (n_j, the first moments and Σ w·r_j·(x_c − m_jc)², with
 * accumulateSquares' products), the four rows of a block added in row order.
 */
class DiagRowKernel extends ScaledRowDifferences {
  constructor(params: GmmParams) {
    super(params, params.precisionCholesky);
  }

  protected addRow(stats: Float64Array, j: number, w: number): void {
    const { k, d, diffs } = this;
    const m = j * d;
    const first = k + m;
    const block = k + k * d + m;
    for (let c = 0; c < d; c++) {
      const diff = diffs[m + c];
      const a = w * diff;
      stats[first + c] += a;
      stats[block + c] += a * diff;
    }
  }

  protected addBlock(stats: Float64Array, j: number, w0: number, w1: number, w2: number, w3: number, m0: number, m1: number, m2: number, m3: number): void {
    const { k, d, diffs } = this;
    const kd = k * d;
    const first = k + m0;
    const block = k + kd + m0;
    for (let c = 0; c < d; c++) {
      const d0 = diffs[m0 + c];
      const d1 = diffs[m1 + c];
      const d2 = diffs[m2 + c];
      const d3 = diffs[m3 + c];
      const a0 = w0 * d0;
      const a1 = w1 * d1;
      const a2 = w2 * d2;
      const a3 = w3 * d3;
      stats[first + c] = stats[first + c] + a0 + a1 + a2 + a3;
      stats[block + c] = stats[block + c] + a0 * d0 + a1 * d1 + a2 * d2 + a3 * d3;
    }
  }
}

/**
 * The WebAssembly kernels of the per-coordinate-scaled structures, component-vectorised: the
 * means and the scales 1/σ (K×D: diag's, or spherical's 1/σ_j in every coordinate) transposed to
 * D×K, two components per vector; the statistics by componentStats in `scatter` mode with a
 * second-moment block of `blockLength`.
 */
export function scaledWasmKernel(params: GmmParams, kernels: WasmKernels, scales: Float64Array, blockLength: number, scatter: number): WasmBlockKernel {
  const { k, d } = params;
  const kp = padded(k);
  const shard = new WasmShard(kernels, k, d, blockLength, [k * d, d * kp, d * kp, kp]);
  const [means, meansT, scalesT, offsets] = shard.params;
  shard.put(means, params.means);
  shard.putTransposed(meansT, params.means);
  shard.putTransposed(scalesT, scales);
  shard.put(offsets, componentOffsets(params, (v) => kernels.log(v)));
  const run = kernels.exports;
  return {
    shard,
    logProbs: (rows) => run.scaledDistances(shard.x, rows, d, d, meansT, scalesT, kp, k, offsets, shard.logp),
    accumulate: (rows) => run.componentStats(shard.x, rows, d, shard.dp, shard.resp, k, means, shard.stats, shard.first, shard.block, scatter, shard.z, shard.a, shard.tri),
  };
}

/** Σ_j w·r_j·(x_c − m_jc)² per component and coordinate. */
export function accumulateSquares(block: Float64Array, blockOff: number, x: Float64Array, xOff: number, wr: Float64Array, k: number, d: number, means: Float64Array): void {
  for (let j = 0; j < k; j++) {
    const w = wr[j];
    if (w === 0) continue;
    const off = blockOff + j * d;
    for (let c = 0; c < d; c++) {
      const diff = x[xOff + c] - means[j * d + c];
      block[off + c] += w * diff * diff;
    }
  }
}

/** K×D variances around the new means, plus the ridge (one per coordinate). */
export function diagonalVariances(
  k: number,
  d: number,
  nk: Float64Array,
  nkEffective: Float64Array,
  firstMoments: Float64Array,
  block: Float64Array,
  blockOff: number,
  reference: Float64Array,
  means: Float64Array,
  ridge: Float64Array,
): Float64Array {
  const out = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < d; c++) {
      const i = j * d + c;
      out[i] = centredSquare(block[blockOff + i], nk[j], firstMoments[i], means[i] - reference[i]) / nkEffective[j] + ridge[c];
    }
  }
  return out;
}

/** ln InvGamma(σ² | ν/2, Λ/2) + ln N(μ | m, σ²/κ) for one coordinate (shift = μ − m). */
export function logDiagonalPrior(variance: number, shift: number, scale: number, prior: GmmPrior): number {
  return logInverseGamma(variance, 0.5 * prior.dof, 0.5 * scale) + logMeanPrior((shift * shift) / variance, -0.5 * portableLog(variance), prior.shrinkage, 1);
}
