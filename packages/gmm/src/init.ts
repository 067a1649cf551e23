import { argmin, squaredDistance, type Random } from '@emkit/linalg';
import { OptionError, readGivenFields, readMatrix, readMixtureWeights, totalWeight, type Dataset, type InitProgress, type RestartCount } from '@emkit/core';
import { kmeansPlusPlusCenters, lloyd, randomRowCenters } from '@emkit/kmeans';
import { covarianceModel } from './covariance/index.js';
import { accumulateLabels, assembleParams, columnVariances, estimateParameters, statsLength, withExtras } from './estimate.js';
import { DEFAULT_SHORT_RUNS, type GmmOptions } from './options.js';
import type { GmmParams, GmmPrior } from './params.js';
import { resolvePrior } from './prior.js';
import { hierarchicalLabels } from './hc.js';
import { shortRunsStart } from './short-runs.js';

/**
 * gmm's default restart count (defaults.restarts): one when the start draws nothing at random —
 * given means, or hc (mclust's single start; on more than its 1000-row subsample it does vary,
 * so ask for restarts there) — else 'auto', up to ten by the rows (core's AUTO_RESTARTS). Chosen
 * on the peer benchmark: one emEM start misses the best optimum found in 22 % of fits, and no
 * cheaper search than ten of them finds those optima (see the README).
 */
export function defaultRestarts(options: GmmOptions): RestartCount {
  return options.init?.means || options.initMethod === 'hc' ? 1 : 'auto';
}

/**
 * Starting parameters. Given `init` parts are used as they are (no regCovar added, as
 * scikit-learn does with weights_init / means_init / precisions_init); missing parts come from
 * one M-step on hard assignments to starting centres: the given means if any, else k-means
 * (Lloyd from k-means++ seeds), k-means++ seeds, or K distinct random rows; or on the classes of
 * a model-based hierarchical agglomeration (hc, see hc.ts). `onProgress` hears how far the
 * k-means++ seeding, the k-means iterations or the agglomeration have got.
 */
export function initialParams(
  data: Dataset,
  options: GmmOptions,
  random: Random,
  onProgress?: (progress: InitProgress) => void,
  /** What regCovar multiplies (see GmmParams.ridgeScale), when resolved from other rows than `data` (emEM's sample: from all of them). */
  ridgeScale: Float64Array | undefined = options.regCovarScale === 'none' ? undefined : columnVariances(data),
): GmmParams {
  const { k, covariance } = options;
  const d = data.cols;
  const model = covarianceModel(covariance);
  if (k > data.rows) throw new OptionError({ field: 'k', detail: `${k} components need at least ${k} rows; the data has ${data.rows}` });
  const given = readGivenInit(options, k, d);
  const frozenWeights = options.freeze.includes('weights');
  const prior = options.prior ? resolvePrior(data, options.prior, covariance, k) : null;
  // The MAP and bookkeeping fields every starting parameter set carries (see params.ts).
  const extras = {
    prior,
    totalWeight: totalWeight(data),
    iteration: 0,
    kernels: options.kernels,
    ridgeScale,
    // candidate rows for re-seeding: one per component, at most the rows
    reseedSlots: options.onSingular === 'reseed' ? Math.min(k, data.rows) : 0,
  };
  const finish = (weights: Float64Array, means: Float64Array, covariances: Float64Array): GmmParams =>
    withExtras(assembleGiven(options, k, d, weights, means, covariances), extras);

  if (given.weights && given.means && given.covariances) return finish(given.weights, given.means, given.covariances);
  if (options.initMethod === 'emEM' && !given.means)
    return shortRunsStart(
      data,
      options,
      {
        runs: options.shortRuns ?? DEFAULT_SHORT_RUNS.runs,
        iterations: options.shortRunIterations ?? DEFAULT_SHORT_RUNS.iterations,
        kept: options.shortRunsKept ?? DEFAULT_SHORT_RUNS.kept,
        rows: options.shortRunRows ?? DEFAULT_SHORT_RUNS.rows,
      },
      random,
      (sample, o, r) => initialParams(sample, o, r, undefined, ridgeScale),
      onProgress,
    );

  // hc: labels from the hierarchical agglomeration, centres their means; else centres, then labels.
  const hcLabels = !given.means && options.initMethod === 'hc' ? agglomerate(data, k, random, options.hcModel, onProgress) : null;
  const centres = given.means ?? (hcLabels ? labelMeans(data, hcLabels, k) : startingCentres(data, options, random, onProgress));
  const labels = hcLabels ?? nearestCentre(data, centres, k);
  const provisional: GmmParams = {
    k,
    d,
    covariance,
    assignment: options.assignment,
    weights: new Float64Array(k).fill(1 / k),
    means: centres,
    covariances: given.covariances ?? new Float64Array(model.covarianceLength(k, d)),
    precisionCholesky: new Float64Array(0),
    logDetPrecisionCholesky: new Float64Array(k),
    prior: prior as GmmPrior | null,
    kernels: options.kernels,
    ridgeScale,
  };
  const stats = new Float64Array(statsLength(model, k, d));
  accumulateLabels(provisional, data, labels, stats);
  // Given covariances are not estimated: with regCovar 0 a one-row cluster would otherwise be
  // reported singular although its covariance is never used.
  // With a prior this is already a MAP step, so a one-row starting cluster is not singular.
  const estimated = estimateParameters(provisional, stats, {
    regCovar: options.regCovar,
    regCovarScale: options.regCovarScale,
    freeze: given.covariances ? ['covariances'] : [],
    atStart: true,
  });
  const weights = given.weights ?? (frozenWeights ? new Float64Array(k).fill(1 / k) : estimated.weights);
  const means = given.means ?? estimated.means;
  const covariances = given.covariances ?? estimated.covariances;
  return finish(weights, means, covariances);
}

function assembleGiven(options: GmmOptions, k: number, d: number, weights: Float64Array, means: Float64Array, covariances: Float64Array): GmmParams {
  return assembleParams(
    options.covariance,
    options.assignment,
    k,
    d,
    weights,
    means,
    covariances,
    (j) => {
      throw notPositiveDefinite(j);
    },
    options.kernels,
  );
}

function notPositiveDefinite(j: number): OptionError {
  return new OptionError({ field: `init.covariances[${j}]`, detail: 'is not positive definite; give a symmetric positive definite matrix (or positive variances)' });
}

/** The weights, means and covariances `init` gives, read and checked; those it does not give are absent. */
function readGivenInit(options: GmmOptions, k: number, d: number) {
  return readGivenFields(options.init, 'init', {
    weights: (value, field) => readMixtureWeights(value, field, k, 'option', 1e-6),
    means: (value, field) => readMatrix(value, field, k, d, 'option').values,
    covariances: (value, field) => {
      const model = covarianceModel(options.covariance);
      const covariances = model.fromNested(value, k, d, field, 'option');
      const factors = model.precisionCholesky(covariances, k, d);
      if ('singular' in factors) throw notPositiveDefinite(factors.singular);
      return covariances;
    },
  });
}

/** hc's labels, reported as one step (the agglomeration does not report its merges). */
function agglomerate(data: Dataset, k: number, random: Random, model: GmmOptions['hcModel'], onProgress?: (progress: InitProgress) => void): Int32Array {
  onProgress?.({ method: 'hc', done: 0, total: 1, unit: 'agglomerations' });
  const labels = hierarchicalLabels(data, k, random, model);
  onProgress?.({ method: 'hc', done: 1, total: 1, unit: 'agglomerations' });
  return labels;
}

function startingCentres(data: Dataset, options: GmmOptions, random: Random, onProgress?: (progress: InitProgress) => void): Float64Array {
  switch (options.initMethod) {
    case 'kmeans':
      return lloyd(data, kmeansPlusPlusCenters(data, options.k, random, onProgress), options.k, { onProgress }).centers;
    case 'kmeans++':
      return kmeansPlusPlusCenters(data, options.k, random, onProgress);
    case 'random':
    case 'hc': // (hc gives labels, not centres; see initialParams)
    case 'emEM': // (only with given means, which are used instead)
      return randomRowCenters(data, options.k, random);
  }
}

/** Weighted mean of each label's rows (a label without rows keeps the overall mean). */
function labelMeans(data: Dataset, labels: Int32Array, k: number): Float64Array {
  const d = data.cols;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < data.rows; i++) {
    const w = data.weights === null ? 1 : data.weights[i];
    counts[labels[i]] += w;
    for (let c = 0; c < d; c++) sums[labels[i] * d + c] += w * data.values[i * d + c];
  }
  for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) sums[j * d + c] = counts[j] > 0 ? sums[j * d + c] / counts[j] : 0;
  return sums;
}

function nearestCentre(data: Dataset, centres: Float64Array, k: number): Int32Array {
  const d = data.cols;
  const labels = new Int32Array(data.rows);
  const distances = new Float64Array(k);
  for (let i = 0; i < data.rows; i++) {
    for (let j = 0; j < k; j++) distances[j] = squaredDistance(data.values, i * d, centres, j * d, d);
    labels[i] = argmin(distances, 0, k);
  }
  return labels;
}
