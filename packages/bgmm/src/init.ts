import { cholesky, type Random } from '@emkit/linalg';
import { FitError, OptionError, dataMoments, readMatrix, readVector, totalWeight, type Dataset, type InitProgress } from '@emkit/core';
import { kmeansPlusPlusCenters, lloyd } from '@emkit/kmeans';
import { accumulateRow } from './estep.js';
import type { BgmmCovariance, BgmmOptions } from './options.js';
import { PRECISION_MODELS } from './covariance/index.js';
import type { BgmmParams, BgmmPrior } from './params.js';
import { assembleParams, effectiveCovariancePrior, precisionContext, statsLength, updatePosterior } from './variational.js';

/** The prior with scikit-learn's defaults filled in from the data. */
export function resolvePrior(data: Dataset, options: BgmmOptions): BgmmPrior {
  const d = data.cols;
  const moments = options.meanPrior === null || options.covariancePrior === null ? dataMoments(data) : null;
  const meanPrior = options.meanPrior === null ? moments!.mean : readVector(options.meanPrior, 'meanPrior', d, 'option');
  let covariancePrior: Float64Array;
  if (options.covariancePrior === null) {
    const { weight, covariance } = moments!;
    if (!(weight > 1)) throw new OptionError({ field: 'covariancePrior', detail: `the default (the data covariance) needs a total weight above 1, the data has ${weight}; give covariancePrior` });
    covariancePrior = covariance;
  } else {
    covariancePrior = readMatrix(options.covariancePrior, 'covariancePrior', d, d, 'option').values;
    for (let a = 0; a < d; a++)
      for (let b = 0; b < a; b++)
        if (covariancePrior[a * d + b] !== covariancePrior[b * d + a]) throw new OptionError({ field: `covariancePrior[${a}][${b}]`, detail: 'the matrix must be symmetric' });
    if (!cholesky(covariancePrior, 0, d, new Float64Array(d * d), 0)) throw new OptionError({ field: 'covariancePrior', detail: 'must be positive definite' });
  }
  const degreesOfFreedom = options.degreesOfFreedom ?? d;
  if (!(degreesOfFreedom > d - 1)) throw new OptionError({ field: 'degreesOfFreedom', detail: `must be greater than D − 1 = ${d - 1}, got ${degreesOfFreedom}` });
  return {
    weightConcentration: options.weightConcentration ?? 1 / options.k,
    meanPrior,
    meanPrecision: options.meanPrecision,
    degreesOfFreedom,
    covariancePrior,
    regCovar: options.regCovar,
  };
}

/**
 * Starting parameters, as scikit-learn: responsibilities from k-means labels (Lloyd from
 * k-means++ seeds) or random ones normalised per row, then one M-step from them.
 */
export function initialParams(data: Dataset, options: BgmmOptions, random: Random, onProgress?: (progress: InitProgress) => void): BgmmParams {
  const { k } = options;
  const d = data.cols;
  const prior = resolvePrior(data, options);
  const weight = totalWeight(data);
  const singular = (j: number): never => {
    throw new FitError({
      plugin: 'bgmm',
      detail: j < 0 ? 'the covariance prior is not positive definite; raise regCovar or give covariancePrior' : `the starting covariance of component ${j + 1} is not positive definite`,
    });
  };
  if (options.initMethod === 'kmeans' && k > data.rows) throw new OptionError({ field: 'k', detail: `k-means starts need at least ${k} rows for ${k} components; the data has ${data.rows} (use initMethod: 'random')` });

  const reference = new Float64Array(k * d);
  const responsibilities = new Float64Array(k);
  const wr = new Float64Array(k);
  let labels: Int32Array | null = null;
  if (options.initMethod === 'kmeans') {
    const result = lloyd(data, kmeansPlusPlusCenters(data, k, random, onProgress), k, { onProgress });
    labels = result.labels;
    reference.set(result.centers);
  } else {
    const mean = prior.meanPrior;
    for (let j = 0; j < k; j++) reference.set(mean, j * d);
  }
  const stats = new Float64Array(statsLength(k, d));
  const centred = new Float64Array(d);
  for (let i = 0; i < data.rows; i++) {
    const w = data.weights === null ? 1 : data.weights[i];
    if (labels !== null) {
      responsibilities.fill(0);
      responsibilities[labels[i]] = 1;
    } else {
      let total = 0;
      for (let j = 0; j < k; j++) total += responsibilities[j] = random.next();
      for (let j = 0; j < k; j++) responsibilities[j] /= total;
    }
    if (w === 0) continue;
    for (let j = 0; j < k; j++) wr[j] = w * responsibilities[j];
    accumulateRow(k, d, reference, stats, data.values, i * d, wr, centred);
  }
  // A provisional q built from the prior alone supplies the fields updatePosterior copies.
  const base = assembleParams(
    {
      k,
      d,
      covariance: options.covariance,
      weightPrior: options.weightPrior,
      prior,
      totalWeight: weight,
      weightConcentration: new Float64Array(options.weightPrior === 'dirichlet-process' ? 2 * k : k).fill(1),
      meanPrecision: new Float64Array(k).fill(prior.meanPrecision),
      means: reference,
      ...priorPrecision(prior, options.covariance, k, d),
    },
    singular,
  );
  return updatePosterior(base, stats, reference, weight, singular);
}

/** q(Λ) equal to the prior: the covariance module's update with no data. */
function priorPrecision(prior: BgmmPrior, covariance: BgmmCovariance, k: number, d: number): { degreesOfFreedom: Float64Array; covariances: Float64Array } {
  const degreesOfFreedom = new Float64Array(k);
  const covariances = new Float64Array(k * d * d);
  PRECISION_MODELS[covariance].update(precisionContext(prior, k, d, effectiveCovariancePrior(prior, d)), new Float64Array(k), new Float64Array(k * d * d), covariances, degreesOfFreedom);
  return { degreesOfFreedom, covariances };
}
