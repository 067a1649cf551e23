import { cholesky, choleskyWithJitter, precisionCholeskyFromCovarianceCholesky, padded, SCATTER, WasmShard, symmetrizeFromLower, syrLower, type Random, portableLog } from '@emkit/linalg';
import { readMatrixStack, toNested } from '@emkit/core';
import type { CovarianceModel, RowKernel } from './model.js';
import type { GmmParams } from '../params.js';
import { componentOffsets, packedLength, packedMahalanobis, packUpperByColumns, RowDifferences, subtractCrossTerms, putBlockLogProbs } from './shared.js';
import { inverseWishartScale, logDetScale, logInverseWishart, logMeanPrior, smallestPivot } from './prior-terms.js';

/** One unconstrained D×D covariance per component. */
export const fullCovariance: CovarianceModel = {
  type: 'full',
  covarianceLength: (k, d) => k * d * d,
  secondMomentLength: (k, d) => k * d * d,

  accumulate(block, blockOff, x, xOff, wr, params, scratch) {
    const { k, d, means } = params;
    for (let j = 0; j < k; j++) {
      const w = wr[j];
      if (w === 0) continue;
      for (let c = 0; c < d; c++) scratch[c] = x[xOff + c] - means[j * d + c];
      syrLower(w, scratch, 0, block, blockOff + j * d * d, d);
    }
  },

  fromStats({ params, nk, nkEffective, firstMoments, block, blockOff, means, ridge, prior }) {
    const { k, d, means: reference } = params;
    const out = new Float64Array(k * d * d);
    for (let j = 0; j < k; j++) {
      const off = j * d * d;
      for (let i = 0; i < d * d; i++) out[off + i] = block[blockOff + off + i];
      symmetrizeFromLower(out, off, d);
      subtractCrossTerms(out, off, d, nk[j], firstMoments, j * d, reference, means, j * d);
      // MAP: the Normal–inverse-Wishart posterior mode (Fraley & Raftery 2007, VVV).
      if (prior) addPriorScatter(out, off, d, prior.scale, 0, prior.shrinkage, means, j * d, prior.mean);
      const scale = prior ? 1 / (prior.dof + nk[j] + d + 2) : 1 / nkEffective[j];
      for (let i = 0; i < d * d; i++) out[off + i] *= scale;
      for (let c = 0; c < d; c++) out[off + c * d + c] += ridge[c];
    }
    return out;
  },

  precisionCholesky(covariances, k, d, log = portableLog) {
    const precisionCholesky = new Float64Array(k * d * d);
    const logDet = new Float64Array(k);
    const l = new Float64Array(d * d);
    for (let j = 0; j < k; j++) {
      if (!cholesky(covariances, j * d * d, d, l, 0)) return { singular: j };
      precisionCholeskyFromCovarianceCholesky(l, 0, d, precisionCholesky, j * d * d);
      let s = 0;
      for (let c = 0; c < d; c++) s += log(precisionCholesky[j * d * d + c * d + c]);
      logDet[j] = s;
    }
    return { precisionCholesky, logDet };
  },

  mahalanobis(params, j, x, xOff, scratch) {
    return upperTriangularMahalanobis(params.precisionCholesky, j * params.d * params.d, params.means, j * params.d, params.d, x, xOff, scratch);
  },

  rowKernel: (params) => new FullRowKernel(params),

  // ‖(x − μ_j)·U_j‖² as a triangular GEMM per component (the difference first, which keeps
  // uncentred data accurate), the scatter as a weighted rank-k update per component.
  wasmKernel(params, kernels) {
    const { k, d } = params;
    const shard = new WasmShard(kernels, k, d, k * d * d, [k * d, k * d * padded(d), padded(k)]);
    const [means, factors, offsets] = shard.params;
    shard.put(means, params.means);
    for (let j = 0; j < k; j++) shard.putUpper(factors + 8 * j * d * shard.dp, params.precisionCholesky, j * d * d);
    shard.put(offsets, componentOffsets(params, (v) => kernels.log(v)));
    const run = kernels.exports;
    return {
      shard,
      logProbs: (rows) => run.mahalanobisFull(shard.x, rows, d, shard.dp, means, factors, k, offsets, shard.logp, shard.z, shard.y),
      accumulate: (rows) => run.componentStats(shard.x, rows, d, shard.dp, shard.resp, k, means, shard.stats, shard.first, shard.block, SCATTER.full, shard.z, shard.a, shard.tri),
    };
  },

  smallestVariance: (covariances, j, d) => smallestPivot(covariances, j * d * d, d),
  ...inverseWishartScale,
  logPriorDensity(params, prior) {
    const { k, d } = params;
    const logDetLambda = logDetScale(prior.scale, d);
    const scratch = new Float64Array(d);
    let total = 0;
    for (let j = 0; j < k; j++) {
      const logDetU = params.logDetPrecisionCholesky[j];
      total += logInverseWishart(params.precisionCholesky, j * d * d, logDetU, prior.scale, logDetLambda, prior.dof, d);
      const distance = upperTriangularMahalanobis(params.precisionCholesky, j * d * d, params.means, j * d, d, prior.mean, 0, scratch);
      total += logMeanPrior(distance, logDetU, prior.shrinkage, d);
    }
    return total;
  },

  parameterCount: (k, d) => (k * d * (d + 1)) / 2,
  toNested: (covariances, k, d) => Array.from({ length: k }, (_, j) => toNested(covariances, d, d, j * d * d)),
  fromNested: (value, k, d, field, kind) => readMatrixStack(value, field, k, d, kind),

  sampleNoise(params, j, random, out, outOff, scratch) {
    sampleCorrelated(params.covariances, j * params.d * params.d, params.d, random, out, outOff, scratch);
  },
};

/**
 * The full structure's E-step rows: U_j packed by columns so each y_c is a contiguous dot
 * product, and x − μ_j computed once for the Mahalanobis distance and the statistics. Every sum
 * runs in the order of `mahalanobis` and `accumulate` above, so the results are theirs bit for
 * bit; the block methods (unrolled for BLOCK_ROWS = 4) add four rows' terms in row order.
 */
class FullRowKernel extends RowDifferences implements RowKernel {
  private readonly offsets: Float64Array;
  private readonly factors: Float64Array;

  constructor(params: GmmParams) {
    super(params);
    const { k, d } = params;
    const t = packedLength(d);
    this.offsets = componentOffsets(params);
    this.factors = new Float64Array(k * t);
    if (params.precisionCholesky.length === k * d * d) for (let j = 0; j < k; j++) packUpperByColumns(params.precisionCholesky, j * d * d, d, this.factors, j * t);
  }

  weightedLogProbs(x: Float64Array, xOff: number, out: Float64Array): void {
    const { k, d, means, diffs, factors, offsets } = this;
    const t = packedLength(d);
    for (let j = 0; j < k; j++) {
      const m = j * d;
      for (let c = 0; c < d; c++) diffs[m + c] = x[xOff + c] - means[m + c];
      out[j] = offsets[j] - 0.5 * packedMahalanobis(factors, j * t, diffs, m, d);
    }
    this.held(x, xOff, 1);
  }

  weightedLogProbsBlock(x: Float64Array, xOff: number, out: Float64Array): void {
    const { k, d, diffs, factors, offsets } = this;
    const t = packedLength(d);
    const kd = k * d;
    for (let j = 0; j < k; j++) {
      this.blockDifferences(x, xOff, j);
      const m0 = j * d;
      const m1 = m0 + kd;
      const m2 = m1 + kd;
      const m3 = m2 + kd;
      // Two columns of U_j at a time: y_c and y_(c+1) share the loads of x − μ_j (eight
      // independent sums). Each y is still summed over r in order, each s over c in order: an
      // odd D takes column 0 (one entry, y_0 = (x_0 − μ_0)·U_00) alone first.
      const p0 = j * t;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const odd = d & 1;
      if (odd === 1) {
        const u = factors[p0];
        let y = diffs[m0] * u;
        s0 = y * y;
        y = diffs[m1] * u;
        s1 = y * y;
        y = diffs[m2] * u;
        s2 = y * y;
        y = diffs[m3] * u;
        s3 = y * y;
      }
      for (let c = odd; c < d; c += 2) {
        const pa = p0 + (c * (c + 1)) / 2;
        const pb = pa + c + 1;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let b0 = 0;
        let b1 = 0;
        let b2 = 0;
        let b3 = 0;
        for (let r = 0; r <= c; r++) {
          const ua = factors[pa + r];
          const ub = factors[pb + r];
          let v = diffs[m0 + r];
          a0 += v * ua;
          b0 += v * ub;
          v = diffs[m1 + r];
          a1 += v * ua;
          b1 += v * ub;
          v = diffs[m2 + r];
          a2 += v * ua;
          b2 += v * ub;
          v = diffs[m3 + r];
          a3 += v * ua;
          b3 += v * ub;
        }
        const ul = factors[pb + c + 1];
        b0 += diffs[m0 + c + 1] * ul;
        b1 += diffs[m1 + c + 1] * ul;
        b2 += diffs[m2 + c + 1] * ul;
        b3 += diffs[m3 + c + 1] * ul;
        s0 += a0 * a0;
        s0 += b0 * b0;
        s1 += a1 * a1;
        s1 += b1 * b1;
        s2 += a2 * a2;
        s2 += b2 * b2;
        s3 += a3 * a3;
        s3 += b3 * b3;
      }
      putBlockLogProbs(out, k, j, offsets[j], s0, s1, s2, s3);
    }
    this.held(x, xOff, 4);
  }

  protected addRow(stats: Float64Array, j: number, w: number): void {
    const { k, d, diffs } = this;
    const m = j * d;
    const first = k + m;
    const block = k + k * d + j * d * d;
    // Σ w·(x − m_j) and the lower triangle of Σ w·(x − m_j)(x − m_j)ᵀ (syrLower's products).
    for (let r = 0; r < d; r++) {
      const a = w * diffs[m + r];
      stats[first + r] += a;
      if (a === 0) continue;
      const row = block + r * d;
      for (let c = 0; c <= r; c++) stats[row + c] += a * diffs[m + c];
    }
  }

  protected addBlock(stats: Float64Array, j: number, w0: number, w1: number, w2: number, w3: number, m0: number, m1: number, m2: number, m3: number): void {
    const { k, d, diffs } = this;
    const kd = k * d;
    const first = k + m0;
    const block = k + kd + j * d * d;
    // Two rows of the triangle at a time, sharing the loads of x − μ_j; each entry still adds
    // the four rows' products in row order.
    let r = 0;
    for (; r + 1 < d; r += 2) {
      const a0 = w0 * diffs[m0 + r];
      const a1 = w1 * diffs[m1 + r];
      const a2 = w2 * diffs[m2 + r];
      const a3 = w3 * diffs[m3 + r];
      const b0 = w0 * diffs[m0 + r + 1];
      const b1 = w1 * diffs[m1 + r + 1];
      const b2 = w2 * diffs[m2 + r + 1];
      const b3 = w3 * diffs[m3 + r + 1];
      stats[first + r] = stats[first + r] + a0 + a1 + a2 + a3;
      stats[first + r + 1] = stats[first + r + 1] + b0 + b1 + b2 + b3;
      const ra = block + r * d;
      const rb = ra + d;
      for (let c = 0; c <= r; c++) {
        const v0 = diffs[m0 + c];
        const v1 = diffs[m1 + c];
        const v2 = diffs[m2 + c];
        const v3 = diffs[m3 + c];
        stats[ra + c] = stats[ra + c] + a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3;
        stats[rb + c] = stats[rb + c] + b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3;
      }
      const c = r + 1;
      stats[rb + c] = stats[rb + c] + b0 * diffs[m0 + c] + b1 * diffs[m1 + c] + b2 * diffs[m2 + c] + b3 * diffs[m3 + c];
    }
    if (r < d) {
      const a0 = w0 * diffs[m0 + r];
      const a1 = w1 * diffs[m1 + r];
      const a2 = w2 * diffs[m2 + r];
      const a3 = w3 * diffs[m3 + r];
      stats[first + r] = stats[first + r] + a0 + a1 + a2 + a3;
      const row = block + r * d;
      for (let c = 0; c <= r; c++) stats[row + c] = stats[row + c] + a0 * diffs[m0 + c] + a1 * diffs[m1 + c] + a2 * diffs[m2 + c] + a3 * diffs[m3 + c];
    }
  }
}

/**
 * ‖(x − μ)ᵀ·U‖² for an upper-triangular U at uOff: y_c = Σ_{r ≤ c} (x_r − μ_r)·U[r][c].
 * Shared by the full and tied structures.
 */
export function upperTriangularMahalanobis(
  u: Float64Array,
  uOff: number,
  means: Float64Array,
  meanOff: number,
  d: number,
  x: Float64Array,
  xOff: number,
  scratch: Float64Array,
): number {
  for (let c = 0; c < d; c++) scratch[c] = x[xOff + c] - means[meanOff + c];
  let sum = 0;
  for (let c = 0; c < d; c++) {
    let y = 0;
    for (let r = 0; r <= c; r++) y += scratch[r] * u[uOff + r * d + c];
    sum += y * y;
  }
  return sum;
}

/** out = L·z with z ~ N(0, I) and L the Cholesky factor of the covariance at covOff. */
export function sampleCorrelated(cov: Float64Array, covOff: number, d: number, random: Random, out: Float64Array, outOff: number, scratch: Float64Array): void {
  const { factor } = choleskyWithJitter(cov, covOff, d);
  for (let c = 0; c < d; c++) scratch[c] = random.nextNormal();
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let c = 0; c <= r; c++) s += factor[r * d + c] * scratch[c];
    out[outOff + r] = s;
  }
}

/** out[off] += Λ (at scaleOff) + κ·(μ − m)(μ − m)ᵀ: the prior's part of a MAP scatter matrix. */
export function addPriorScatter(
  out: Float64Array,
  off: number,
  d: number,
  scale: Float64Array,
  scaleOff: number,
  shrinkage: number,
  means: Float64Array,
  meanOff: number,
  priorMean: Float64Array,
  addScale = true,
): void {
  for (let a = 0; a < d; a++) {
    const da = means[meanOff + a] - priorMean[a];
    for (let b = 0; b < d; b++) out[off + a * d + b] += (addScale ? scale[scaleOff + a * d + b] : 0) + shrinkage * da * (means[meanOff + b] - priorMean[b]);
  }
}
