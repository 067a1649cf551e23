import { OptionError, readFiniteNumber, readVector } from '@emkit/core';
import type { GmmParams } from '../params.js';
import type { CovarianceModel, RowKernel } from './model.js';
import { componentOffsets, RowDifferences } from './shared.js';
import { padded, SCATTER, WasmShard, portableLog } from '@emkit/linalg';
import { logInverseGamma, logMeanPrior, meanVarianceScale } from './prior-terms.js';

/**
 * One variance per component (Σ_j = σ_j²·I). As in scikit-learn, σ_j² is the mean over the
 * coordinates of the diagonal variances; that mean needs only their sum, so the statistics keep
 * one number per component, Σ w·r_j·‖x − m_j‖², which the first moments move to the new means:
 * Σ_c (M2_c − 2·a_c·b_c + n·b_c²) with b = μ_j − m_j (see shared.ts).
 */
export const sphericalCovariance: CovarianceModel = {
  type: 'spherical',
  covarianceLength: (k) => k,
  secondMomentLength: (k) => k,

  accumulate(block, blockOff, x, xOff, wr, params) {
    const { k, d, means } = params;
    for (let j = 0; j < k; j++) {
      const w = wr[j];
      if (w === 0) continue;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = x[xOff + c] - means[j * d + c];
        s += diff * diff;
      }
      block[blockOff + j] += w * s;
    }
  },

  fromStats({ params, nk, nkEffective, firstMoments, block, blockOff, means, regCovar, prior }) {
    const { k, d, means: reference } = params;
    const out = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      // Σ w·r_j·‖x − μ_j‖² around the new means.
      let scatter = block[blockOff + j];
      for (let c = 0; c < d; c++) {
        const i = j * d + c;
        const b = means[i] - reference[i];
        scatter += -2 * firstMoments[i] * b + nk[j] * b * b;
      }
      if (prior) {
        // MAP: inverse-gamma(ν/2, Λ/2) on σ² and N(m, σ²I/κ) on the mean: the mode is
        // (scatter + Λ + κ‖μ − m‖²)/(ν + (n + 1)·D + 2) (Fraley & Raftery 2007, VII).
        let shift = 0;
        for (let c = 0; c < d; c++) shift += (means[j * d + c] - prior.mean[c]) ** 2;
        out[j] = (prior.scale[0] + scatter + prior.shrinkage * shift) / (prior.dof + (nk[j] + 1) * d + 2) + regCovar;
      } else out[j] = scatter / nkEffective[j] / d + regCovar;
    }
    return out;
  },

  precisionCholesky(covariances, k, d, log = portableLog) {
    const precisionCholesky = new Float64Array(k);
    const logDet = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const v = covariances[j];
      if (!(v > 0) || !Number.isFinite(v)) return { singular: j };
      precisionCholesky[j] = 1 / Math.sqrt(v);
      logDet[j] = d * log(precisionCholesky[j]);
    }
    return { precisionCholesky, logDet };
  },

  mahalanobis(params, j, x, xOff) {
    const { d, means, precisionCholesky } = params;
    let sum = 0;
    for (let c = 0; c < d; c++) {
      const diff = x[xOff + c] - means[j * d + c];
      sum += diff * diff;
    }
    const p = precisionCholesky[j];
    return sum * p * p;
  },

  rowKernel: (params) => new SphericalRowKernel(params),

  // diag's component-vectorised kernel with every coordinate's scale 1/σ_j.
  wasmKernel(params, kernels) {
    const { k, d } = params;
    const kp = padded(k);
    const shard = new WasmShard(kernels, k, d, k, [k * d, d * kp, d * kp, kp]);
    const [means, meansT, scalesT, offsets] = shard.params;
    shard.put(means, params.means);
    shard.putTransposed(meansT, params.means);
    const scales = new Float64Array(k * d);
    for (let j = 0; j < k; j++) scales.fill(params.precisionCholesky[j], j * d, (j + 1) * d);
    shard.putTransposed(scalesT, scales);
    shard.put(offsets, componentOffsets(params, (v) => kernels.log(v)));
    const run = kernels.exports;
    return {
      shard,
      logProbs: (rows) => run.scaledDistances(shard.x, rows, d, d, meansT, scalesT, kp, k, offsets, shard.logp),
      accumulate: (rows) => run.componentStats(shard.x, rows, d, shard.dp, shard.resp, k, means, shard.stats, shard.first, shard.block, SCATTER.spherical, shard.z, shard.a, shard.tri),
    };
  },

  smallestVariance: (covariances, j) => (covariances[j] > 0 ? covariances[j] : 0),
  priorScaleFrom: (dataCovariance, k, d) => Float64Array.of(meanVarianceScale(dataCovariance, k, d)),
  priorScaleToJSON: (scale) => scale[0],
  readPriorScale(value, _d, field) {
    const v = Array.isArray(value) && value.length === 1 ? readVector(value, field, 1, 'option')[0] : typeof value === 'number' ? readFiniteNumber(value, field, 'option') : NaN;
    if (!(v > 0)) throw new OptionError({ field, detail: `the prior scale of a spherical covariance is one positive number, got ${JSON.stringify(value)}` });
    return Float64Array.of(v);
  },
  logPriorDensity(params, prior) {
    const { k, d } = params;
    let total = 0;
    for (let j = 0; j < k; j++) {
      const variance = params.covariances[j];
      let distance = 0;
      for (let c = 0; c < d; c++) distance += (params.means[j * d + c] - prior.mean[c]) ** 2;
      total += logInverseGamma(variance, 0.5 * prior.dof, 0.5 * prior.scale[0]) + logMeanPrior(distance / variance, -0.5 * d * portableLog(variance), prior.shrinkage, d);
    }
    return total;
  },

  parameterCount: (k) => k,
  toNested: (covariances) => Array.from(covariances),
  fromNested: (value, k, _d, field, kind) => readVector(value, field, k, kind),

  sampleNoise(params, j, random, out, outOff) {
    const sd = Math.sqrt(params.covariances[j]);
    for (let c = 0; c < params.d; c++) out[outOff + c] = sd * random.nextNormal();
  },
};

/**
 * The spherical E-step rows: ‖x − μ_j‖²·(1/σ_j)², as `mahalanobis` computes it; statistics from
 * the held x − μ_j (n_j, the first moments and w·Σ_c (x_c − m_jc)², as `accumulate` above). A
 * block gives each row what one row gives it, adding the four rows' terms in row order
 * (unrolled for BLOCK_ROWS = 4).
 */
class SphericalRowKernel extends RowDifferences implements RowKernel {
  private readonly offsets: Float64Array;
  private readonly factors: Float64Array;

  constructor(params: GmmParams) {
    super(params);
    this.offsets = componentOffsets(params);
    this.factors = params.precisionCholesky;
  }

  weightedLogProbs(x: Float64Array, xOff: number, out: Float64Array): void {
    const { k, d, means, diffs, factors, offsets } = this;
    for (let j = 0; j < k; j++) {
      const m = j * d;
      let sum = 0;
      for (let c = 0; c < d; c++) {
        const diff = x[xOff + c] - means[m + c];
        diffs[m + c] = diff;
        sum += diff * diff;
      }
      const p = factors[j];
      out[j] = offsets[j] - 0.5 * (sum * p * p);
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
        const d0 = x[xOff + c] - mu;
        const d1 = x[x1 + c] - mu;
        const d2 = x[x2 + c] - mu;
        const d3 = x[x3 + c] - mu;
        diffs[m0 + c] = d0;
        diffs[m1 + c] = d1;
        diffs[m2 + c] = d2;
        diffs[m3 + c] = d3;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      const p = factors[j];
      const o = offsets[j];
      out[j] = o - 0.5 * (s0 * p * p);
      out[k + j] = o - 0.5 * (s1 * p * p);
      out[2 * k + j] = o - 0.5 * (s2 * p * p);
      out[3 * k + j] = o - 0.5 * (s3 * p * p);
    }
    this.held(x, xOff, 4);
  }

  accumulate(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void {
    this.hold(x, xOff, 1, wr);
    const { k, d, diffs } = this;
    const blockOff = k + k * d;
    for (let j = 0; j < k; j++) {
      const w = wr[j];
      if (w === 0) continue;
      stats[j] += w;
      const m = j * d;
      const first = k + m;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const diff = diffs[m + c];
        stats[first + c] += w * diff;
        s += diff * diff;
      }
      stats[blockOff + j] += w * s;
    }
  }

  accumulateBlock(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void {
    this.hold(x, xOff, 4, wr);
    const { k, d, diffs } = this;
    const kd = k * d;
    const blockOff = k + kd;
    for (let j = 0; j < k; j++) {
      const w0 = wr[j];
      const w1 = wr[k + j];
      const w2 = wr[2 * k + j];
      const w3 = wr[3 * k + j];
      if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
      // A zero weight adds ±0 products, which change no sum: the row-by-row skip, without a branch.
      stats[j] = stats[j] + w0 + w1 + w2 + w3;
      const m0 = j * d;
      const m1 = m0 + kd;
      const m2 = m1 + kd;
      const m3 = m2 + kd;
      const first = k + m0;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < d; c++) {
        const d0 = diffs[m0 + c];
        const d1 = diffs[m1 + c];
        const d2 = diffs[m2 + c];
        const d3 = diffs[m3 + c];
        stats[first + c] = stats[first + c] + w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      stats[blockOff + j] = stats[blockOff + j] + w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3;
    }
  }
}
