import type { Random } from '@emkit/linalg';
import {
  ModelFileError,
  PLUGIN_API_VERSION,
  readMixtureWeights,
  readMatrix,
  mixtureImpute,
  mixtureMethods,
  toNested,
  type Dataset,
  type ModelPlugin,
  LOG_LIKELIHOOD,
} from '@emkit/core';
import { checkBinary, estimateParameters, statsLength } from './estimate.js';
import { bernoulliDensity, eStepRowsWithMissing, imputeRow, majorityFilled } from './missing.js';
import { initialParams } from './init.js';
import { bernoulliOptions, checkProbabilities, type BernoulliOptions, type BernoulliOptionsInput } from './options.js';
import { describeBernoulliView } from './view.js';
import type { BernoulliParams } from './params.js';

/**
 * Mixture of multivariate Bernoullis by EM in the log domain, as the reference NumPy EM:
 * probabilities clamped to [clamp, 1 − clamp] inside the log, closed-form M-step, convergence
 * on the change of the mean log-likelihood. With `betaPrior` / `dirichletPrior` it is MAP-EM,
 * and the driver's log-likelihood is the log-posterior up to a constant (see eStepRows).
 */
export const bernoulliPlugin: ModelPlugin<BernoulliParams, BernoulliOptions, BernoulliOptionsInput> = {
  name: 'bernoulli',
  apiVersion: PLUGIN_API_VERSION,
  description: 'mixture of multivariate Bernoullis on 0/1 data (optional Beta/Dirichlet priors: MAP-EM)',
  moduleUrl: import.meta.url,
  optionSpecs: bernoulliOptions.specs,
  // The reference EM stopped when the mean log-likelihood changed by less than 1e-12.
  defaults: { tol: 1e-12, maxIter: 1000 },

  parseOptions: bernoulliOptions.parse,
  // MAP-EM adds the priors' log-density: a log-posterior up to a constant (see eStepRows).
  objective: ({ betaPrior, dirichletPrior }: BernoulliOptions) =>
    betaPrior === null && dirichletPrior === null ? LOG_LIKELIHOOD : { name: 'log-posterior', short: 'log-post.', density: true },

  // Missing bits are skipped (summed out of each row's likelihood); starts are seeded from the
  // data with each missing bit at its column's majority value.
  missingValues: true,

  init: (data: Dataset, options: BernoulliOptions, random: Random) => {
    checkBinary(data);
    return initialParams(majorityFilled(data), options, random);
  },

  createStats: (params) => new Float64Array(statsLength(params.k, params.d)),
  stepwiseStatsLength: (params) => statsLength(params.k, params.d),

  eStep: (params, data, range, stats) => eStepRowsWithMissing(params, data, range.start, range.end, stats),

  mStep: (params, stats) => estimateParameters(params, stats),

  ...mixtureMethods(bernoulliDensity),

  describeView: describeBernoulliView,
  components: (params) => params.k,

  impute: (params, data) => mixtureImpute(bernoulliDensity(params, data), data, (i, responsibilities, out) => imputeRow(params, responsibilities, data.missing!, i, out, i * params.d)),

  parameterCount: (params) => params.k - 1 + params.k * params.d,

  sample(params, n, random) {
    const { k, d, probabilities } = params;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const j = random.nextWeighted(params.weights, 0, k);
      for (let c = 0; c < d; c++) out[i * d + c] = random.next() < probabilities[j * d + c] ? 1 : 0;
    }
    return out;
  },

  toJSON(params, options) {
    return {
      // k, clamp, betaPrior and dirichletPrior (null: maximum likelihood)
      ...bernoulliOptions.toModelFile({ ...options, k: params.k, clamp: params.clamp, betaPrior: params.betaPrior, dirichletPrior: params.dirichletPrior }),
      weights: Array.from(params.weights),
      probabilities: toNested(params.probabilities, params.k, params.d),
    };
  },

  fromJSON(json) {
    const options = bernoulliOptions.fromModelFile(json);
    const { k } = options;
    const weights = readMixtureWeights(json.weights, 'weights', k);
    const m = readMatrix(json.probabilities, 'probabilities', k);
    checkProbabilities(m.values, m.cols, (field, message) => new ModelFileError({ field: `probabilities${field}`, detail: message }));
    const params: BernoulliParams = {
      k,
      d: m.cols,
      weights,
      probabilities: m.values,
      clamp: options.clamp,
      betaPrior: options.betaPrior,
      dirichletPrior: options.dirichletPrior,
    };
    return { params, options };
  },
};
