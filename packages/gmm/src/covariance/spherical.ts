import { OptionError, readFiniteNumber, readVector } from '@emkit/core';
import type { GmmParams } from '../params.js';
import type { CovarianceModel } from './model.js';
import { sum } from './constrained.js';
import { ScaledRowDifferences, scaledWasmKernel } from './diag.js';
import { SCATTER, portableLog } from '@emkit/linalg';
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

  fromStats({ params, nk, nkEffective, firstMoments, block, blockOff, means, ridge, prior }) {
    const { k, d, means: reference } = params;
    const out = new Float64Array(k);
    // One variance: the ridge's mean, as the scatter's trace enters it (trace(W + n·diag(ridge))/(n·D)).
    const regCovar = sum(ridge) / d;
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

  // diag's arithmetic, Σ_c ((x_c − μ_jc)/σ_j)², as the row kernels and the wasm kernel sum it.
  mahalanobis(params, j, x, xOff) {
    const { d, means, precisionCholesky } = params;
    const p = precisionCholesky[j];
    let sum = 0;
    for (let c = 0; c < d; c++) {
      const y = (x[xOff + c] - means[j * d + c]) * p;
      sum += y * y;
    }
    return sum;
  },

  rowKernel: (params) => new SphericalRowKernel(params),

  // diag's component-vectorised kernel with every coordinate's scale 1/σ_j.
  wasmKernel: (params, kernels) => scaledWasmKernel(params, kernels, coordinateScales(params), params.k, SCATTER.spherical),

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
 * The spherical E-step rows: ScaledRowDifferences' log-densities with 1/σ_j in every coordinate
 * (as `mahalanobis` sums them); statistics from the held x − μ_j (n_j, the first moments and
 * w·Σ_c (x_c − m_jc)², as `accumulate` above), the four rows of a block added in row order.
 */
class SphericalRowKernel extends ScaledRowDifferences {
  constructor(params: GmmParams) {
    super(params, coordinateScales(params));
  }

  protected addRow(stats: Float64Array, j: number, w: number): void {
    const { k, d, diffs } = this;
    const m = j * d;
    const first = k + m;
    let s = 0;
    for (let c = 0; c < d; c++) {
      const diff = diffs[m + c];
      stats[first + c] += w * diff;
      s += diff * diff;
    }
    stats[k + k * d + j] += w * s;
  }

  protected addBlock(stats: Float64Array, j: number, w0: number, w1: number, w2: number, w3: number, m0: number, m1: number, m2: number, m3: number): void {
    const { k, d, diffs } = this;
    const kd = k * d;
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
    const at = k + kd + j;
    stats[at] = stats[at] + w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3;
  }
}

/** 1/σ_j in each of component j's D coordinates (K×D): diag's factors for a spherical covariance. */
function coordinateScales(params: GmmParams): Float64Array {
  const { k, d } = params;
  const scales = new Float64Array(k * d);
  for (let j = 0; j < k; j++) scales.fill(params.precisionCholesky[j], j * d, (j + 1) * d);
  return scales;
}
