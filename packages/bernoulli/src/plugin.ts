import { argmax, type Random } from '@emkit/linalg';
import {
  ModelFileError,
  PLUGIN_API_VERSION,
  readMatrix,
  readVector,
  rowHasMissing,
  toNested,
  type Dataset,
  type ModelPlugin,
} from '@emkit/core';
import { checkBinary, checkColumns, estimateParameters, jointLogProbRow, LogTables, statsLength } from './estimate.js';
import { eStepRowsWithMissing, imputeRow, majorityFilled, observedJointLogProbRow } from './missing.js';
import { initialParams } from './init.js';
import { bernoulliOptions, checkProbabilities, type BernoulliOptions, type BernoulliOptionsInput } from './options.js';
import { describeBernoulliView } from './view.js';
import type { BernoulliParams } from './params.js';

/** Calls f(i, log p(x_i), joint) for each row, joint[j] = log π_j + log p(x_i | j). */
function forEachRow(params: BernoulliParams, data: Dataset, f: (i: number, lse: number, joint: Float64Array) => void): void {
  checkColumns(params, data);
  checkBinary(data);
  const tables = new LogTables(params);
  const joint = new Float64Array(params.k);
  const mask = data.missing;
  for (let i = 0; i < data.rows; i++)
    f(i, mask && rowHasMissing(data, i) ? observedJointLogProbRow(params, tables, data.values, mask, i, joint) : jointLogProbRow(params, tables, data.values, i * params.d, joint), joint);
}

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

  scoreSamples(params, data) {
    const out = new Float64Array(data.rows);
    forEachRow(params, data, (i, lse) => (out[i] = lse));
    return out;
  },

  describeView: describeBernoulliView,
  components: (params) => params.k,

  responsibilities(params, data) {
    const k = params.k;
    const out = new Float64Array(data.rows * k);
    forEachRow(params, data, (i, lse, joint) => {
      for (let j = 0; j < k; j++) out[i * k + j] = Math.exp(joint[j] - lse);
    });
    return out;
  },

  impute(params, data) {
    const out = data.values.slice();
    const mask = data.missing;
    if (mask) forEachRow(params, data, (i, lse, joint) => rowHasMissing(data, i) && imputeRow(params, joint.map((x) => Math.exp(x - lse)), mask, i, out, i * params.d));
    return out;
  },

  predict(params, data) {
    const out = new Int32Array(data.rows);
    forEachRow(params, data, (i, _lse, joint) => (out[i] = argmax(joint, 0, params.k)));
    return out;
  },

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
    const weights = readVector(json.weights, 'weights', k);
    weights.forEach((w, j) => {
      if (w < 0) throw new ModelFileError({ field: `weights[${j}]`, detail: `is ${w}; weights must be ≥ 0` });
    });
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
