import { symmetricEigen, type Random } from '@emkit/linalg';
import { OptionError, readGivenFields, readMatrix, readVector, type Dataset } from '@emkit/core';
import { raiseToFloor, weightedMoments } from './estimate.js';
import type { FactorOptions } from './options.js';
import type { FactorParams, NoiseModel } from './params.js';

/**
 * Starting parameters. Given `init` parts are used as they are; the mean defaults to the
 * weighted data mean, the loadings and noise variances to those of `initMethod`:
 * - `pca`: the probabilistic-PCA maximum-likelihood solution (Tipping & Bishop 1999) from the
 *   eigen-decomposition of the weighted covariance S: σ² = the mean of the D − q smallest
 *   eigenvalues, W = V_q·(Λ_q − σ²I)^½; Ψ = diag(S − W·Wᵀ) (isotropic: σ²). Deterministic.
 * - `random`: W_ck ~ N(0, var_c / (2q)) from the seeded `random`, Ψ = var_c / 2 (isotropic: the
 *   mean of those), so that W·Wᵀ + Ψ has about the data's variances.
 * Noise variances from either method are raised to the noise floor.
 */
export function initialParams(data: Dataset, options: FactorOptions, random: Random): FactorParams {
  const d = data.cols;
  const q = options.factors;
  if (q >= d) throw new OptionError({ field: 'factors', detail: `${q} factors need at least ${q + 1} columns; the data has ${d}` });
  const { noise } = options;
  const given = readGivenInit(options, d, q);
  const moments = weightedMoments(data);
  const mean = given.mean ?? moments.mean;
  const kernels = options.kernels ? { kernels: options.kernels } : {};
  if (given.loadings && given.noiseVariance) return { d, q, noise, mean, loadings: given.loadings, noiseVariance: given.noiseVariance, ...kernels };

  const variances = new Float64Array(d);
  for (let c = 0; c < d; c++) variances[c] = moments.covariance[c * d + c];
  const start = options.initMethod === 'pca' ? pcaStart(moments.covariance, d, q, noise) : randomStart(variances, q, noise, random);
  raiseToFloor(start.noiseVariance, variances, noise, options.noiseFloor);
  return { d, q, noise, mean, loadings: given.loadings ?? start.loadings, noiseVariance: given.noiseVariance ?? start.noiseVariance, ...kernels };
}

function pcaStart(covariance: Float64Array, d: number, q: number, noise: NoiseModel): { loadings: Float64Array; noiseVariance: Float64Array } {
  const { values, vectors } = symmetricEigen(covariance, 0, d);
  // Ascending order: the top q are the last q.
  let sigma2 = 0;
  for (let j = 0; j < d - q; j++) sigma2 += Math.max(values[j], 0) / (d - q);
  const loadings = new Float64Array(d * q);
  for (let k = 0; k < q; k++) {
    const j = d - 1 - k;
    const scale = Math.sqrt(Math.max(values[j] - sigma2, 0));
    for (let c = 0; c < d; c++) loadings[c * q + k] = vectors[c * d + j] * scale;
  }
  const noiseVariance = new Float64Array(d);
  if (noise === 'isotropic') noiseVariance.fill(sigma2);
  else
    for (let c = 0; c < d; c++) {
      let explained = 0;
      for (let k = 0; k < q; k++) explained += loadings[c * q + k] ** 2;
      noiseVariance[c] = covariance[c * d + c] - explained;
    }
  return { loadings, noiseVariance };
}

function randomStart(variances: Float64Array, q: number, noise: NoiseModel, random: Random): { loadings: Float64Array; noiseVariance: Float64Array } {
  const d = variances.length;
  const loadings = new Float64Array(d * q);
  for (let c = 0; c < d; c++) {
    const scale = Math.sqrt(variances[c] / (2 * q));
    for (let k = 0; k < q; k++) loadings[c * q + k] = random.nextNormal() * scale;
  }
  const noiseVariance = new Float64Array(d);
  let mean = 0;
  for (let c = 0; c < d; c++) mean += variances[c] / (2 * d);
  for (let c = 0; c < d; c++) noiseVariance[c] = noise === 'isotropic' ? mean : variances[c] / 2;
  return { loadings, noiseVariance };
}

/** The mean, loadings and noise variances `init` gives, read and checked; those it does not give are absent. */
function readGivenInit(options: FactorOptions, d: number, q: number) {
  return readGivenFields(options.init, 'init', {
    mean: (value, field) => readVector(value, field, d, 'option'),
    loadings: (value, field) => readMatrix(value, field, d, q, 'option').values,
    noiseVariance: (value, field) => readNoiseVariance(value, d, options.noise, field, (at, message) => new OptionError({ field: at, detail: message })),
  });
}

/**
 * D noise variances > 0 from one number or D numbers; for isotropic noise they must all be equal.
 * Shared by `init` and model files (`fail` makes the error of the right kind).
 */
export function readNoiseVariance(value: unknown, d: number, noise: NoiseModel, field: string, fail: (field: string, message: string) => Error): Float64Array {
  let out: Float64Array;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw fail(field, `expected a finite number, got ${value}`);
    out = new Float64Array(d).fill(value);
  } else {
    if (!Array.isArray(value)) throw fail(field, `expected ${d} numbers or one number, got ${value === null ? 'null' : typeof value}`);
    if (value.length !== d) throw fail(field, `expected ${d} numbers, got ${value.length}`);
    out = new Float64Array(d);
    value.forEach((x, c) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw fail(`${field}[${c}]`, `expected a finite number, got ${JSON.stringify(x)}`);
      out[c] = x;
    });
  }
  out.forEach((x, c) => {
    if (!(x > 0)) throw fail(typeof value === 'number' ? field : `${field}[${c}]`, `is ${x}; noise variances must be > 0`);
  });
  if (noise === 'isotropic' && out.some((x) => x !== out[0])) throw fail(field, 'isotropic noise has one variance σ²: give one number or D equal numbers');
  return out;
}
