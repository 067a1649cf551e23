import { cholesky, logDetFromCholesky, traceWithGram, portableLog } from '@emkit/linalg';
import { OptionError, readMatrix } from '@emkit/core';
import { lnGamma, lnMultivariateGamma } from '../special.js';
import type { CovarianceModel } from './model.js';

/**
 * Log-densities of the conjugate priors of MAP-EM, shared by the covariance modules. A
 * covariance enters through the upper-triangular U with Σ⁻¹ = U·Uᵀ (scikit-learn's precision
 * Cholesky) and logDetU = Σ ln diag U = −½·ln |Σ|.
 */
const LN_2PI = portableLog(2 * Math.PI);

/** ln IW(Σ | ν, Λ) = (ν/2)·ln|Λ| − (νD/2)·ln 2 − ln Γ_D(ν/2) − ((ν + D + 1)/2)·ln|Σ| − ½·tr(ΛΣ⁻¹). */
export function logInverseWishart(u: Float64Array, uOff: number, logDetU: number, scale: Float64Array, logDetScale: number, nu: number, d: number): number {
  const trace = traceWithGram(scale, u, uOff, d);
  return 0.5 * nu * logDetScale - 0.5 * nu * d * Math.LN2 - lnMultivariateGamma(0.5 * nu, d) + (nu + d + 1) * logDetU - 0.5 * trace;
}

/** ln N(μ | m, Σ/κ) given the squared Mahalanobis distance (μ − m)ᵀΣ⁻¹(μ − m). */
export function logMeanPrior(squaredDistance: number, logDetU: number, shrinkage: number, d: number): number {
  return -0.5 * d * LN_2PI + 0.5 * d * portableLog(shrinkage) + logDetU - 0.5 * shrinkage * squaredDistance;
}

/** ln InvGamma(x | a, b) = a·ln b − ln Γ(a) − (a + 1)·ln x − b/x. */
export function logInverseGamma(x: number, a: number, b: number): number {
  return a * portableLog(b) - lnGamma(a) - (a + 1) * portableLog(x) - b / x;
}

/** ln |Λ| of a positive definite D×D scale. */
export function logDetScale(scale: Float64Array, d: number): number {
  const l = new Float64Array(d * d);
  if (!cholesky(scale, 0, d, l, 0)) return NaN;
  return logDetFromCholesky(l, 0, d);
}

/**
 * The prior-scale hooks of the structures with an inverse-Wishart scale (a D×D matrix: full and
 * tied): mclust's defaultPrior scale K^(−2/D)·(data covariance), read as a symmetric positive-
 * definite matrix, written as nested rows, proper for dof > D − 1.
 */
export const inverseWishartScale: Pick<CovarianceModel, 'priorScaleFrom' | 'readPriorScale' | 'priorScaleToJSON' | 'priorDofAbove'> = {
  priorScaleFrom: (dataCovariance, k, d) => dataCovariance.map((v) => v * componentScaling(k, d)),
  readPriorScale: readMatrixScale,
  priorScaleToJSON: matrixScaleToJSON,
  priorDofAbove: (d) => d - 1,
};

/** A user-given D×D prior scale: symmetric and positive definite. */
function readMatrixScale(value: unknown, d: number, field: string): Float64Array {
  const m = readMatrix(value, field, d, d, 'option').values;
  for (let a = 0; a < d; a++)
    for (let b = 0; b < a; b++) if (m[a * d + b] !== m[b * d + a]) throw new OptionError({ field: `${field}[${a}][${b}]`, detail: 'the prior scale must be symmetric' });
  if (!cholesky(m, 0, d, new Float64Array(d * d), 0)) throw new OptionError({ field, detail: 'the prior scale must be positive definite' });
  return m;
}

/** A D×D prior scale as nested rows (a model file's shape). */
function matrixScaleToJSON(scale: Float64Array, d: number): number[][] {
  return Array.from({ length: d }, (_, a) => Array.from(scale.subarray(a * d, (a + 1) * d)));
}

/** Squared pivots of the Cholesky factor of the D×D matrix at `off`: the smallest, or 0 when it is not positive definite. */
export function smallestPivot(m: Float64Array, off: number, d: number): number {
  const l = new Float64Array(d * d);
  if (!cholesky(m, off, d, l, 0)) return 0;
  let smallest = Infinity;
  for (let c = 0; c < d; c++) smallest = Math.min(smallest, l[c * d + c] * l[c * d + c]);
  return smallest;
}

/** K^(−2/D), mclust's defaultPrior scaling of the data covariance. */
export function componentScaling(k: number, d: number): number {
  return Math.pow(k, -2 / d);
}

/** mclust's defaultPrior scale of the diagonal family (EII … VVI): the mean of the data variances · K^(−2/D). */
export function meanVarianceScale(dataCovariance: Float64Array, k: number, d: number): number {
  let trace = 0;
  for (let c = 0; c < d; c++) trace += dataCovariance[c * d + c];
  return (trace / d) * componentScaling(k, d);
}
