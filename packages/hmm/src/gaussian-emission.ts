import { OptionError, FitError, ModelFileError, isEmkitError, readMatrix, type Dataset } from '@emkit/core';
import { BLOCK_ROWS, assembleParams, covarianceModel, estimateParameters, initialParams, parseGmmOptions, statsLength, type FrozenParameter, type GmmParams } from '@emkit/gmm';
import type { Random } from '@emkit/linalg';
import type { EmissionEvaluator, EmissionModel } from './emission.js';
import { hmmOptions, isFrozen, type HmmOptions } from './options.js';
import type { Emission, GaussianEmission, HmmCovarianceType, HmmParams } from './params.js';

function gaussianOf(params: HmmParams): GmmParams {
  return (params.emission as GaussianEmission).gaussian;
}

/** gmm parameters with every weight 1, so that the row kernels' log π_j + log N is log N. */
export function gaussianEmission(covariance: HmmCovarianceType, k: number, d: number, means: Float64Array, covariances: Float64Array, onSingular: (state: number) => never): GaussianEmission {
  return { kind: 'gaussian', gaussian: assembleParams(covariance, 'soft', k, d, new Float64Array(k).fill(1), means, covariances, onSingular) };
}

/** gmm's collapse of component j (in its M-step or start) as the collapse of HMM state j; other errors as they are. */
function asStateCollapse(error: unknown): unknown {
  const collapse = (error as { collapse?: { component: number; reason: string } }).collapse;
  if (!isEmkitError(error) || collapse === undefined) return error;
  const iteration = (error as FitError).iteration;
  return new FitError({
    plugin: 'hmm',
    iteration,
    detail: `the Gaussian emission of state ${collapse.component + 1} is singular${iteration === undefined ? ' at the start' : ''} (${collapse.reason}); raise regCovar (--reg-covar), use fewer states (--k), or start elsewhere (--seed, --restarts)`,
    cause: error,
  });
}

/**
 * Gaussian emissions through gmm's covariance modules: their row kernels give the
 * log-densities and accumulate the statistics weighted by the state posteriors (gmm's layout:
 * n_j, first moments, the structure's second-moment block), and gmm's M-step estimates means
 * and covariances from them.
 */
export const gaussianEmissionModel: EmissionModel = {
  kind: 'gaussian',

  statsLength(params) {
    const g = gaussianOf(params);
    return statsLength(covarianceModel(g.covariance), g.k, g.d);
  },

  evaluator(params): EmissionEvaluator {
    const g = gaussianOf(params);
    const { k, d } = g;
    const kernel = covarianceModel(g.covariance).rowKernel(g);
    const block = new Float64Array(BLOCK_ROWS * k);
    return {
      logDensities(values, row, rows, out, outOff) {
        let q = 0;
        for (; q + BLOCK_ROWS <= rows; q += BLOCK_ROWS) {
          kernel.weightedLogProbsBlock(values, (row + q) * d, block);
          out.set(block, outOff + q * k);
        }
        for (; q < rows; q++) {
          kernel.weightedLogProbs(values, (row + q) * d, block);
          for (let j = 0; j < k; j++) out[outOff + q * k + j] = block[j];
        }
      },
      accumulate(stats, values, row, rows, gamma, gammaOff) {
        let q = 0;
        for (; q + BLOCK_ROWS <= rows; q += BLOCK_ROWS) {
          for (let i = 0, o = gammaOff + q * k; i < BLOCK_ROWS * k; i++) block[i] = gamma[o + i];
          kernel.accumulateBlock(stats, values, (row + q) * d, block);
        }
        for (; q < rows; q++) {
          for (let j = 0; j < k; j++) block[j] = gamma[gammaOff + q * k + j];
          kernel.accumulate(stats, values, (row + q) * d, block);
        }
      },
    };
  },

  estimate(params, stats, options) {
    const g = gaussianOf(params);
    const freeze: FrozenParameter[] = ['weights'];
    if (isFrozen(options.freeze, 'means')) freeze.push('means');
    if (isFrozen(options.freeze, 'covariances')) freeze.push('covariances');
    try {
      return { kind: 'gaussian', gaussian: estimateParameters(g, stats, { regCovar: options.regCovar, freeze }) };
    } catch (error) {
      throw asStateCollapse(error);
    }
  },

  init(data: Dataset, options: HmmOptions, random: Random) {
    const gmmOptions = parseGmmOptions({
      k: options.k,
      covariance: options.covariance,
      regCovar: options.regCovar,
      initMethod: options.initMethod === 'kmeans' ? 'kmeans' : 'random',
      init: options.init ? { means: options.init.means, covariances: options.init.covariances } : null,
    });
    let start: GmmParams;
    try {
      start = initialParams(data, gmmOptions, random);
    } catch (error) {
      if (isEmkitError(error) && error.code === 'option' && (error as OptionError).field === 'k')
        throw new OptionError({ field: 'k', detail: `${options.k} states need at least ${options.k} rows to start from; the data has ${data.rows}` });
      throw asStateCollapse(error);
    }
    return gaussianEmission(options.covariance, options.k, data.cols, start.means, start.covariances, (j) => {
      throw new OptionError({ field: `init.covariances[${j}]`, detail: 'is not positive definite' });
    });
  },

  parameterCount(params, options) {
    const g = gaussianOf(params);
    let count = 0;
    if (!isFrozen(options.freeze, 'means')) count += g.k * g.d;
    if (!isFrozen(options.freeze, 'covariances')) count += covarianceModel(g.covariance).parameterCount(g.k, g.d);
    return count;
  },

  sample(params, j, random, out, off) {
    const g = gaussianOf(params);
    const scratch = new Float64Array(g.d);
    covarianceModel(g.covariance).sampleNoise(g, j, random, out, off, scratch);
    for (let c = 0; c < g.d; c++) out[off + c] += g.means[j * g.d + c];
  },

  toJSON(emission: Emission, options) {
    const g = (emission as GaussianEmission).gaussian;
    const means: number[][] = [];
    for (let j = 0; j < g.k; j++) means.push(Array.from(g.means.subarray(j * g.d, (j + 1) * g.d)));
    return { covariance: g.covariance, regCovar: options.regCovar, means, covariances: covarianceModel(g.covariance).toNested(g.covariances, g.k, g.d) };
  },

  fromJSON(json, k) {
    // Checked against the schema (named choices, default) with the emission's other options.
    const { covariance } = hmmOptions.fromModelFile({ k, covariance: json.covariance });
    const means = readMatrix(json.means, 'means', k);
    const d = means.cols;
    const covariances = covarianceModel(covariance).fromNested(json.covariances, k, d, 'covariances', 'model-file');
    const emission = gaussianEmission(covariance, k, d, means.values, covariances, (j) => {
      throw new ModelFileError({ field: `covariances[${j}]`, detail: 'is not positive definite' });
    });
    return { emission, d, options: { covariance, regCovar: json.regCovar } };
  },
};
