import { cholesky, type Random } from '@emkit/linalg';
import {
  FitError,
  mixtureMethods,
  ModelFileError,
  PLUGIN_API_VERSION,
  readFiniteNumber,
  readMatrix,
  readVector,
  toNested,
  type Dataset,
  type InitContext,
  type FitResult,
  type ModelPlugin,
  type Objective,
} from '@emkit/core';
import { bgmmDensity, eStepRows } from './estep.js';
import { initialParams } from './init.js';
import { bgmmOptions, type BgmmOptions, type BgmmOptionsInput } from './options.js';
import { PRECISION_MODELS } from './covariance/index.js';
import type { BgmmParams } from './params.js';
import { assembleParams, statsLength, updatePosterior } from './variational.js';
import { describeBgmmView } from './view.js';

/** A component is effective when its weight is above this (1 %). */
export const EFFECTIVE_WEIGHT_THRESHOLD = 0.01;

/** The number of components whose point-estimate weight is above 1 %. */
export function effectiveComponents(params: BgmmParams, threshold = EFFECTIVE_WEIGHT_THRESHOLD): number {
  let n = 0;
  for (const w of params.weights) if (w > threshold) n++;
  return n;
}

function singularComponent(iteration?: number) {
  return (j: number): never => {
    throw new FitError({
      plugin: 'bgmm',
      iteration,
      detail: j < 0 ? 'the covariance prior is not positive definite; raise regCovar or give covariancePrior' : `the expected covariance of component ${j + 1} is not positive definite (round-off on nearly collinear data); raise regCovar`,
    });
  };
}

/**
 * Variational Bayesian Gaussian mixture, as scikit-learn's BayesianGaussianMixture: a
 * Dirichlet-process (stick-breaking) or Dirichlet prior on the weights, Normal–Wishart priors on
 * the means and precisions, and coordinate ascent on the evidence lower bound (ELBO).
 *
 * What the E-step returns — hence the driver's "log-likelihood", its history, convergence test
 * and monotonicity check — is the ELBO: the mean ELBO per unit of weight. `scoreSamples` gives
 * each row's term ln Σₖ exp ρᵢₖ (scikit-learn's score_samples for this model), without the KL
 * of the parameters. `parameterCount` is null: see the README.
 */
const ELBO: Objective = { name: 'ELBO', density: true };

export const bgmmPlugin: ModelPlugin<BgmmParams, BgmmOptions, BgmmOptionsInput> = {
  name: 'bgmm',
  apiVersion: PLUGIN_API_VERSION,
  description: 'variational Bayesian Gaussian mixture (Dirichlet-process or Dirichlet weights, Normal–Wishart priors); the objective is the ELBO',
  moduleUrl: import.meta.url,
  optionSpecs: bgmmOptions.specs,
  // The ELBO's gain per iteration is small while unneeded components drain away; a tight tol
  // (per row: scikit-learn's 1e-3 is on the total bound) lets them empty.
  defaults: { tol: 1e-6, maxIter: 1000 },

  parseOptions: bgmmOptions.parse,
  // A lower bound on the log evidence of the rows: it shifts with their units as log p(x) does.
  objective: () => ELBO,

  init: (data: Dataset, options: BgmmOptions, random: Random, context?: InitContext) => initialParams(data, options, random, context?.onProgress),

  createStats: (params) => new Float64Array(statsLength(params.k, params.d)),

  eStep: (params, data, range, stats) => eStepRows(params, data, range.start, range.end, stats),

  mStep: (params, stats, summary) => updatePosterior(params, stats, params.means, summary.totalWeight, singularComponent()),

  ...mixtureMethods(bgmmDensity),

  describeView: describeBgmmView,
  components: (params) => params.k,

  parameterCount: () => null,

  /** Draws from the point-estimate mixture (weights, means, covariances), as scikit-learn's sample. */
  sample(params, n, random) {
    const { k, d } = params;
    const factors = new Float64Array(k * d * d);
    for (let j = 0; j < k; j++) if (!cholesky(params.covariances, j * d * d, d, factors, j * d * d)) throw new FitError({ plugin: 'bgmm', detail: `the covariance of component ${j + 1} is not positive definite` });
    const out = new Float64Array(n * d);
    const z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const j = random.nextWeighted(params.weights, 0, k);
      for (let c = 0; c < d; c++) z[c] = random.nextNormal();
      for (let r = 0; r < d; r++) {
        let s = params.means[j * d + r];
        for (let c = 0; c <= r; c++) s += factors[j * d * d + r * d + c] * z[c];
        out[i * d + r] = s;
      }
    }
    return out;
  },

  toJSON(params, options) {
    const { k, d, prior } = params;
    const concentration = Array.from(params.weightConcentration);
    return {
      k,
      covariance: params.covariance,
      weightPrior: params.weightPrior,
      regCovar: options.regCovar,
      initMethod: options.initMethod,
      effectiveComponents: effectiveComponents(params),
      weights: Array.from(params.weights),
      means: toNested(params.means, k, d),
      covariances: PRECISION_MODELS[params.covariance].toJSON(params.covariances, k, d),
      weightConcentration: params.weightPrior === 'dirichlet-process' ? [concentration.slice(0, k), concentration.slice(k)] : concentration,
      meanPrecision: Array.from(params.meanPrecision),
      degreesOfFreedom: Array.from(params.degreesOfFreedom),
      prior: {
        weightConcentration: prior.weightConcentration,
        meanPrior: Array.from(prior.meanPrior),
        meanPrecision: prior.meanPrecision,
        degreesOfFreedom: prior.degreesOfFreedom,
        covariancePrior: toNested(prior.covariancePrior, d, d),
      },
      totalWeight: params.totalWeight,
    };
  },

  fromJSON(json) {
    // k, covariance, weightPrior, regCovar and initMethod as the file has them, else the defaults;
    // the prior's values are read from its `prior` object below.
    const { k, covariance, weightPrior, regCovar } = bgmmOptions.fromModelFile(json);
    const meansMatrix = readMatrix(json.means, 'means', k);
    const d = meansMatrix.cols;
    const positive = (values: Float64Array, field: string, above = 0): Float64Array => {
      values.forEach((x, j) => {
        if (!(x > above)) throw new ModelFileError({ field: `${field}[${j}]`, detail: `is ${x}; must be > ${above}` });
      });
      return values;
    };
    const weightConcentration =
      weightPrior === 'dirichlet-process'
        ? positive(readMatrix(json.weightConcentration, 'weightConcentration', 2, k).values, 'weightConcentration')
        : positive(readVector(json.weightConcentration, 'weightConcentration', k), 'weightConcentration');
    const meanPrecision = positive(readVector(json.meanPrecision, 'meanPrecision', k), 'meanPrecision');
    const degreesOfFreedom = positive(readVector(json.degreesOfFreedom, 'degreesOfFreedom', k), 'degreesOfFreedom', d - 1);
    const covariances = PRECISION_MODELS[covariance].fromJSON(json.covariances, k, d);
    const rawPrior = json.prior;
    if (typeof rawPrior !== 'object' || rawPrior === null || Array.isArray(rawPrior)) throw new ModelFileError({ field: 'prior', detail: 'expected an object with the prior' });
    const p = rawPrior as Record<string, unknown>;
    const prior = {
      weightConcentration: readFiniteNumber(p.weightConcentration, 'prior.weightConcentration'),
      meanPrior: readVector(p.meanPrior, 'prior.meanPrior', d),
      meanPrecision: readFiniteNumber(p.meanPrecision, 'prior.meanPrecision'),
      degreesOfFreedom: readFiniteNumber(p.degreesOfFreedom, 'prior.degreesOfFreedom'),
      covariancePrior: readMatrix(p.covariancePrior, 'prior.covariancePrior', d, d).values,
      regCovar,
    };
    const totalWeight = readFiniteNumber(json.totalWeight, 'totalWeight');
    if (!(totalWeight > 0)) throw new ModelFileError({ field: 'totalWeight', detail: `is ${totalWeight}; must be > 0` });
    const options = bgmmOptions.fromModelFile(json, {
      weightConcentration: prior.weightConcentration,
      meanPrecision: prior.meanPrecision,
      meanPrior: Array.from(prior.meanPrior),
      degreesOfFreedom: prior.degreesOfFreedom,
      covariancePrior: toNested(prior.covariancePrior, d, d),
    });
    if (!(prior.degreesOfFreedom > d - 1)) throw new ModelFileError({ field: 'prior.degreesOfFreedom', detail: `must be greater than D − 1 = ${d - 1}` });
    const params = assembleParams(
      { k, d, covariance, weightPrior, prior, totalWeight, weightConcentration, meanPrecision, means: meansMatrix.values, degreesOfFreedom, covariances },
      (j) => {
        throw new ModelFileError({ field: j < 0 ? 'prior.covariancePrior' : `covariances[${j}]`, detail: 'is not positive definite' });
      },
    );
    return { params, options };
  },
};

/**
 * Model-file fields of a finished fit that neither toJSON nor core's fit summary hold: the final
 * ELBO (total, not per row) and its history, one value per E-step (core's
 * logLikelihoodHistory holds the same per unit of weight); effectiveComponents repeats toJSON's
 * so that a fit summary shows it.
 */
export function bgmmFitFields(result: FitResult<BgmmParams, unknown>): { effectiveComponents: number; elbo: number; elboHistory: number[] } {
  const weight = result.params.totalWeight;
  return { effectiveComponents: effectiveComponents(result.params), elbo: result.logLikelihood, elboHistory: result.history.map((mean) => mean * weight) };
}
