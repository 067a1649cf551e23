import { cholesky, padded, precisionCholeskyFromCovarianceCholesky, SCATTER, symmetrizeFromLower, syrLower, WasmShard, portableLog } from '@emkit/linalg';
import { readMatrix, toNested } from '@emkit/core';
import type { CovarianceModel, RowKernel } from './model.js';
import type { GmmParams } from '../params.js';
import { BLOCK_ROWS, componentOffsets, packedLength, packUpperByColumns, putBlockLogProbs } from './shared.js';
import { addPriorScatter, sampleCorrelated, upperTriangularMahalanobis } from './full.js';
import { inverseWishartScale, logDetScale, logInverseWishart, logMeanPrior, smallestPivot } from './prior-terms.js';

/**
 * One D×D covariance shared by all components. Since Σ_j r_j = 1 per row, the pooled scatter
 * Σ_j Σ_i w·r_ij·(x_i − μ_j)(x_i − μ_j)ᵀ needs only one rank-1 update per row: the total scatter
 * around a centre c, minus per-component cross terms from the first moments. c is the weighted
 * mean of the current means, close to the data's centre.
 */
export const tiedCovariance: CovarianceModel = {
  type: 'tied',
  covarianceLength: (_k, d) => d * d,
  secondMomentLength: (_k, d) => d * d,

  accumulate(block, blockOff, x, xOff, wr, params, scratch) {
    const { d } = params;
    let w = 0;
    for (let j = 0; j < params.k; j++) w += wr[j];
    if (w === 0) return;
    const centre = pooledCentre(params);
    for (let c = 0; c < d; c++) scratch[c] = x[xOff + c] - centre[c];
    syrLower(w, scratch, 0, block, blockOff, d);
  },

  fromStats({ params, nk, nkEffective, firstMoments, block, blockOff, means, ridge, prior }) {
    const { k, d, means: reference } = params;
    // Σ_i w(x−c)(x−c)ᵀ − Σ_j [a_j b_jᵀ + b_j a_jᵀ − n_j b_j b_jᵀ], a_j = Σ w r (x − c), b_j = μ_j − c.
    const out = new Float64Array(d * d);
    for (let i = 0; i < d * d; i++) out[i] = block[blockOff + i];
    symmetrizeFromLower(out, 0, d);
    const centre = pooledCentre(params);
    let total = 0;
    for (let j = 0; j < k; j++) {
      total += nkEffective[j];
      for (let r = 0; r < d; r++) {
        const ar = firstMoments[j * d + r] + nk[j] * (reference[j * d + r] - centre[r]);
        const br = means[j * d + r] - centre[r];
        for (let c = 0; c < d; c++) {
          const ac = firstMoments[j * d + c] + nk[j] * (reference[j * d + c] - centre[c]);
          const bc = means[j * d + c] - centre[c];
          out[r * d + c] -= ar * bc + br * ac - nk[j] * br * bc;
        }
      }
    }
    if (prior) {
      // MAP (Fraley & Raftery 2007, EEE): one inverse-Wishart, K mean priors.
      let rows = 0;
      for (let j = 0; j < k; j++) {
        rows += nk[j];
        addPriorScatter(out, 0, d, prior.scale, 0, prior.shrinkage, means, j * d, prior.mean, j === 0);
      }
      total = prior.dof + rows + d + k + 1;
    }
    for (let i = 0; i < d * d; i++) out[i] /= total;
    for (let c = 0; c < d; c++) out[c * d + c] += ridge[c];
    return out;
  },

  precisionCholesky(covariances, k, d, log = portableLog) {
    const l = new Float64Array(d * d);
    if (!cholesky(covariances, 0, d, l, 0)) return { singular: 0 };
    const precisionCholesky = precisionCholeskyFromCovarianceCholesky(l, 0, d);
    let s = 0;
    for (let c = 0; c < d; c++) s += log(precisionCholesky[c * d + c]);
    return { precisionCholesky, logDet: new Float64Array(k).fill(s) };
  },

  mahalanobis(params, j, x, xOff, scratch) {
    return upperTriangularMahalanobis(params.precisionCholesky, 0, params.means, j * params.d, params.d, x, xOff, scratch);
  },

  rowKernel: (params) => new TiedRowKernel(params),

  // scikit-learn's form around the pooled centre c: y = (x − c)·U once per row (a triangular
  // GEMM), then ‖y − (μ_j − c)·U‖² for every component with the component-vectorised kernel;
  // the pooled scatter as one weighted rank-k update per chunk.
  wasmKernel(params, kernels) {
    const { k, d, means } = params;
    const kp = padded(k);
    const shard = new WasmShard(kernels, k, d, d * d, [k * d, d, d * padded(d), d * kp, d * kp, kp]);
    const [meansAt, centreAt, factorAt, shiftsT, onesT, offsets] = shard.params;
    const centre = pooledCentre(params);
    const u = params.precisionCholesky;
    shard.put(meansAt, means);
    shard.put(centreAt, centre);
    shard.putUpper(factorAt, u, 0);
    // (μ_j − c)·U, K×D, transposed to D×K.
    const shifts = new Float64Array(k * d);
    for (let j = 0; j < k; j++)
      for (let c = 0; c < d; c++) {
        let y = 0;
        for (let r = 0; r <= c; r++) y += (means[j * d + r] - centre[r]) * u[r * d + c];
        shifts[j * d + c] = y;
      }
    shard.putTransposed(shiftsT, shifts);
    shard.putTransposed(onesT, new Float64Array(k * d).fill(1));
    shard.put(offsets, componentOffsets(params, (v) => kernels.log(v)));
    const run = kernels.exports;
    const { dp } = shard;
    return {
      shard,
      logProbs(rows) {
        run.subtractRows(shard.x, rows, d, centreAt, shard.z, dp);
        run.triangularRows(shard.z, rows, d, dp, factorAt, shard.y);
        run.scaledDistances(shard.y, rows, dp, d, shiftsT, onesT, kp, k, offsets, shard.logp);
      },
      accumulate(rows) {
        run.componentStats(shard.x, rows, d, dp, shard.resp, k, meansAt, shard.stats, shard.first, shard.block, SCATTER.none, shard.z, shard.a, shard.tri);
        run.pooledScatter(shard.x, rows, d, dp, shard.resp, k, centreAt, shard.block, shard.z, shard.a, shard.tri);
      },
    };
  },

  smallestVariance: (covariances, _j, d) => smallestPivot(covariances, 0, d),
  ...inverseWishartScale,
  logPriorDensity(params, prior) {
    const { k, d } = params;
    const logDetU = params.logDetPrecisionCholesky[0];
    let total = logInverseWishart(params.precisionCholesky, 0, logDetU, prior.scale, logDetScale(prior.scale, d), prior.dof, d);
    const scratch = new Float64Array(d);
    for (let j = 0; j < k; j++) total += logMeanPrior(upperTriangularMahalanobis(params.precisionCholesky, 0, params.means, j * d, d, prior.mean, 0, scratch), logDetU, prior.shrinkage, d);
    return total;
  },

  parameterCount: (_k, d) => (d * (d + 1)) / 2,
  toNested: (covariances, _k, d) => toNested(covariances, d, d),
  fromNested: (value, _k, d, field, kind) => readMatrix(value, field, d, d, kind).values,

  sampleNoise(params, _j, random, out, outOff, scratch) {
    sampleCorrelated(params.covariances, 0, params.d, random, out, outOff, scratch);
  },
};

/**
 * The tied E-step rows. With one U for all components, Uᵀ(x − μ_j) = Uᵀ(x − c) − Uᵀ(μ_j − c):
 * one triangular product per row instead of K, and K subtractions of the b_j = Uᵀ(μ_j − c)
 * computed once per parameter set. Taken around the pooled centre c rather than the origin, the
 * subtraction cancels no more than x − μ_j does (the distances agree with `mahalanobis` to
 * round-off). x − c is also the vector of the pooled scatter's rank-1 update. The block methods
 * (unrolled for BLOCK_ROWS = 4) give each row what the one-row methods give it, bit for bit.
 */
class TiedRowKernel implements RowKernel {
  private readonly k: number;
  private readonly d: number;
  private readonly means: Float64Array;
  private readonly centre: Float64Array;
  private readonly offsets: Float64Array;
  private readonly factor: Float64Array;
  /** K×D: Uᵀ(μ_j − c). */
  private readonly shifts: Float64Array;
  /** x − c and Uᵀ(x − c) of the held rows (BLOCK_ROWS×D). */
  private readonly centred: Float64Array;
  private readonly projected: Float64Array;
  private heldX: Float64Array | null = null;
  private heldOff = -1;
  private heldRows = 0;

  constructor(params: GmmParams) {
    const { k, d, means } = params;
    this.k = k;
    this.d = d;
    this.means = means;
    this.centre = pooledCentre(params);
    this.offsets = componentOffsets(params);
    this.factor = new Float64Array(packedLength(d));
    this.shifts = new Float64Array(k * d);
    this.centred = new Float64Array(BLOCK_ROWS * d);
    this.projected = new Float64Array(BLOCK_ROWS * d);
    if (params.precisionCholesky.length === d * d) {
      packUpperByColumns(params.precisionCholesky, 0, d, this.factor, 0);
      const v = new Float64Array(d);
      for (let j = 0; j < k; j++) {
        for (let c = 0; c < d; c++) v[c] = means[j * d + c] - this.centre[c];
        project(this.factor, v, 0, this.shifts, j * d, d);
      }
    }
  }

  /** centred ← x − c for the `rows` rows at x[xOff..], unless it holds them already. */
  private hold(x: Float64Array, xOff: number, rows: number): void {
    if (this.heldX === x && this.heldOff === xOff && this.heldRows === rows) return;
    const { d, centre, centred } = this;
    for (let q = 0; q < rows; q++) for (let c = 0; c < d; c++) centred[q * d + c] = x[xOff + q * d + c] - centre[c];
    this.heldX = x;
    this.heldOff = xOff;
    this.heldRows = rows;
  }

  weightedLogProbs(x: Float64Array, xOff: number, out: Float64Array): void {
    this.hold(x, xOff, 1);
    const { k, d, centred, projected, shifts, offsets } = this;
    project(this.factor, centred, 0, projected, 0, d);
    for (let j = 0; j < k; j++) {
      const m = j * d;
      let sum = 0;
      for (let c = 0; c < d; c++) {
        const y = projected[c] - shifts[m + c];
        sum += y * y;
      }
      out[j] = offsets[j] - 0.5 * sum;
    }
  }

  weightedLogProbsBlock(x: Float64Array, xOff: number, out: Float64Array): void {
    this.hold(x, xOff, 4);
    const { k, d, centred, projected, shifts, offsets, factor } = this;
    const e1 = d;
    const e2 = 2 * d;
    const e3 = 3 * d;
    let p = 0;
    for (let c = 0; c < d; c++) {
      let y0 = 0;
      let y1 = 0;
      let y2 = 0;
      let y3 = 0;
      for (let r = 0; r <= c; r++) {
        const u = factor[p++];
        y0 += centred[r] * u;
        y1 += centred[e1 + r] * u;
        y2 += centred[e2 + r] * u;
        y3 += centred[e3 + r] * u;
      }
      projected[c] = y0;
      projected[e1 + c] = y1;
      projected[e2 + c] = y2;
      projected[e3 + c] = y3;
    }
    for (let j = 0; j < k; j++) {
      const m = j * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < d; c++) {
        const b = shifts[m + c];
        const y0 = projected[c] - b;
        const y1 = projected[e1 + c] - b;
        const y2 = projected[e2 + c] - b;
        const y3 = projected[e3 + c] - b;
        s0 += y0 * y0;
        s1 += y1 * y1;
        s2 += y2 * y2;
        s3 += y3 * y3;
      }
      putBlockLogProbs(out, k, j, offsets[j], s0, s1, s2, s3);
    }
  }

  accumulate(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void {
    this.hold(x, xOff, 1);
    const { k, d, means, centred } = this;
    let total = 0;
    for (let j = 0; j < k; j++) {
      const w = wr[j];
      if (w === 0) continue;
      total += w;
      stats[j] += w;
      const first = k + j * d;
      for (let c = 0; c < d; c++) stats[first + c] += w * (x[xOff + c] - means[j * d + c]);
    }
    if (total !== 0) syrLower(total, centred, 0, stats, k + k * d, d);
  }

  accumulateBlock(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void {
    this.hold(x, xOff, 4);
    const { k, d, means, centred } = this;
    const x1 = xOff + d;
    const x2 = x1 + d;
    const x3 = x2 + d;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let j = 0; j < k; j++) {
      const w0 = wr[j];
      const w1 = wr[k + j];
      const w2 = wr[2 * k + j];
      const w3 = wr[3 * k + j];
      if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
      // A zero weight adds ±0 terms, which change no sum: the row-by-row skip, without a branch.
      t0 += w0;
      t1 += w1;
      t2 += w2;
      t3 += w3;
      stats[j] = stats[j] + w0 + w1 + w2 + w3;
      const m = j * d;
      const first = k + m;
      for (let c = 0; c < d; c++) {
        const mu = means[m + c];
        stats[first + c] = stats[first + c] + w0 * (x[xOff + c] - mu) + w1 * (x[x1 + c] - mu) + w2 * (x[x2 + c] - mu) + w3 * (x[x3 + c] - mu);
      }
    }
    // The pooled scatter: syrLower(t_q, x_q − c) for each row q, as one pass over the triangle.
    const block = k + k * d;
    const e1 = d;
    const e2 = 2 * d;
    const e3 = 3 * d;
    for (let r = 0; r < d; r++) {
      const a0 = t0 * centred[r];
      const a1 = t1 * centred[e1 + r];
      const a2 = t2 * centred[e2 + r];
      const a3 = t3 * centred[e3 + r];
      const row = block + r * d;
      for (let c = 0; c <= r; c++) stats[row + c] = stats[row + c] + a0 * centred[c] + a1 * centred[e1 + c] + a2 * centred[e2 + c] + a3 * centred[e3 + c];
    }
  }
}

/** out[outOff + c] = Σ_{r ≤ c} v_r·U[r][c] = (Uᵀv)_c for v at vOff and U packed by columns. */
function project(u: Float64Array, v: Float64Array, vOff: number, out: Float64Array, outOff: number, d: number): void {
  let p = 0;
  for (let c = 0; c < d; c++) {
    let y = 0;
    for (let r = 0; r <= c; r++) y += v[vOff + r] * u[p++];
    out[outOff + c] = y;
  }
}

const centres = new WeakMap<Float64Array, Float64Array>();

/** Σ_j π_j·μ_j of the given parameters, computed once per parameter set (not per row). */
function pooledCentre(params: GmmParams): Float64Array {
  let centre = centres.get(params.means);
  if (centre === undefined) {
    const { k, d, weights, means } = params;
    centre = new Float64Array(d);
    let total = 0;
    for (let j = 0; j < k; j++) total += weights[j];
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) centre[c] += (weights[j] / total) * means[j * d + c];
    centres.set(params.means, centre);
  }
  return centre;
}
