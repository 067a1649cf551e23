import { argmax, type Random } from '@emkit/linalg';
import {
  ModelFileError,
  PLUGIN_API_VERSION,
  readingModelFile,
  readFiniteNumber,
  readMatrix,
  readVector,
  rowHasMissing,
  toNested,
  type Dataset,
  type ModelPlugin,
} from '@emkit/core';
import { responsibilityRule } from './assignment.js';
import { covarianceModel } from './covariance/index.js';
import { assembleParams, createStats, estimateParameters, RowScratch, statsLength, weightedLogProbRow, withExtras } from './estimate.js';
import { mergeFarRows } from './singularity.js';
import { priorToJSON } from './prior.js';
import { MissingRowModel, eStepRowsWithMissing, meanImputed } from './missing.js';
import { describeGmmView } from './view.js';
import { initialParams } from './init.js';
import { gmmOptions, type GmmOptions, type GmmOptionsInput } from './options.js';
import type { CovarianceType, GmmParams, GmmPrior, SingularityWarning } from './params.js';

/**
 * Calls f(i, objective, responsibilities, logProb) for each row: logProb holds log π_j + log N(x_i | j),
 * and the objective and responsibilities are those of the E-step's responsibility rule.
 */
function forEachRow(
  params: GmmParams,
  data: Dataset,
  f: (i: number, objective: number, responsibilities: Float64Array, logProb: Float64Array, missing: MissingRowModel | null) => void,
): void {
  if (data.cols !== params.d) throw new ModelFileError({ field: 'means', detail: `the model has ${params.d} dimensions but the data has ${data.cols} columns` });
  const model = covarianceModel(params.covariance);
  const rule = responsibilityRule(params.assignment);
  const scratch = new RowScratch(params);
  const { logProb, wr } = scratch;
  // Rows with missing cells: the marginal density of their observed cells.
  const missing = data.missing ? new MissingRowModel(params) : null;
  for (let i = 0; i < data.rows; i++) {
    const incomplete = missing !== null && rowHasMissing(data, i);
    if (incomplete) missing.logProbs(data.values, data.missing!, i, logProb);
    else weightedLogProbRow(model, scratch, data.values, i * params.d);
    f(i, rule.assign(logProb, params.k, wr), wr, logProb, incomplete ? missing : null);
  }
}

/**
 * Gaussian mixture model by EM, following scikit-learn's GaussianMixture: the same M-step,
 * the same regCovar, the same convergence test on the mean log-likelihood, so the same start
 * reaches the same optimum.
 *
 * With `assignment: 'hard'` it is classification EM: the E-step's responsibilities are one-hot
 * (see assignment.ts), and what the E-step returns — hence the driver's log-likelihood, its
 * monotonicity check and convergence test, BIC/AIC, scoreSamples — is the classification
 * log-likelihood Σ w·log(π_z N(x | z)). `responsibilities` are then the hard 0/1 rows.
 */
export const gmmPlugin: ModelPlugin<GmmParams, GmmOptions, GmmOptionsInput> = {
  name: 'gmm',
  apiVersion: PLUGIN_API_VERSION,
  description: "Gaussian mixture (full, diag, spherical, tied, or any of mclust's 14 covariance models)",
  moduleUrl: import.meta.url,
  optionSpecs: gmmOptions.specs,
  defaults: { tol: 1e-3, maxIter: 100 },

  parseOptions: gmmOptions.parse,

  // With missing cells, the start comes from the data with each missing cell at its column's mean.
  init: (data: Dataset, options: GmmOptions, random: Random) => initialParams(data.missing ? meanImputed(data) : data, options, random),

  describeView: describeGmmView,

  createStats: (params) => createStats(params),

  eStep: (params, data, range, stats) => eStepRowsWithMissing(params, data, range.start, range.end, stats),

  // Everything before the re-seeding candidates is a sum over rows.
  stepwiseStatsLength: (params) => statsLength(covarianceModel(params.covariance), params.k, params.d),

  mergeStats(target, source, params) {
    const base = statsLength(covarianceModel(params.covariance), params.k, params.d);
    for (let i = 0; i < base; i++) target[i] += source[i];
    // re-seeding candidates merge by keeping the lowest log-densities (singularity.ts)
    if (params.reseedSlots) mergeFarRows(target, source, base, params.reseedSlots, params.d);
  },

  mStep: (params, stats, summary, options) => estimateParameters(params, stats, { ...options, totalWeight: summary.totalWeight }),

  missingValues: true,

  impute(params, data) {
    const out = data.values.slice();
    forEachRow(params, data, (i, _objective, responsibilities, _logProb, missing) => missing?.impute(responsibilities, out, i * params.d));
    return out;
  },

  scoreSamples(params, data) {
    const out = new Float64Array(data.rows);
    forEachRow(params, data, (i, objective) => (out[i] = objective));
    return out;
  },

  components: (params) => params.k,

  responsibilities(params, data) {
    const k = params.k;
    const out = new Float64Array(data.rows * k);
    forEachRow(params, data, (i, _objective, responsibilities) => out.set(responsibilities.subarray(0, k), i * k));
    return out;
  },

  predict(params, data) {
    const out = new Int32Array(data.rows);
    forEachRow(params, data, (i, _objective, _responsibilities, logProb) => (out[i] = argmax(logProb, 0, params.k)));
    return out;
  },

  parameterCount(params, options) {
    const { k, d } = params;
    let count = 0;
    if (!options.freeze.includes('weights')) count += k - 1;
    if (!options.freeze.includes('means')) count += k * d;
    if (!options.freeze.includes('covariances')) count += covarianceModel(params.covariance).parameterCount(k, d);
    return count;
  },

  sample(params, n, random) {
    const { d } = params;
    const model = covarianceModel(params.covariance);
    const out = new Float64Array(n * d);
    const scratch = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const j = random.nextWeighted(params.weights, 0, params.k);
      model.sampleNoise(params, j, random, out, i * d, scratch);
      for (let c = 0; c < d; c++) out[i * d + c] += params.means[j * d + c];
    }
    return out;
  },

  toJSON(params, options) {
    const model = covarianceModel(params.covariance);
    return {
      // k, covariance, regCovar, freeze, assignment; onSingular, varianceFloor, minRows when not the defaults
      ...gmmOptions.toModelFile({ ...options, k: params.k, covariance: params.covariance, assignment: params.assignment }),
      weights: Array.from(params.weights),
      means: toNested(params.means, params.k, params.d),
      covariances: model.toNested(params.covariances, params.k, params.d),
      // MAP-EM and singularity handling: written only when used, so plain files are unchanged.
      ...(params.prior ? { prior: priorToJSON(params.prior, params.covariance, params.d), totalWeight: params.totalWeight } : {}),
      ...(params.warnings && params.warnings.length > 0 ? { warnings: params.warnings.map((w) => ({ ...w })) } : {}),
    };
  },

  fromJSON(json) {
    // The options the file keeps, the schema's defaults for those it lacks (files written before
    // hard EM have no `assignment`: soft); the prior is read with the parameters below.
    const fileOptions = gmmOptions.fromModelFile(json);
    const { k, covariance, assignment } = fileOptions;
    const meansMatrix = readMatrix(json.means, 'means', k);
    const d = meansMatrix.cols;
    const weights = readVector(json.weights, 'weights', k);
    let total = 0;
    weights.forEach((w, j) => {
      if (w < 0) throw new ModelFileError({ field: `weights[${j}]`, detail: `is ${w}; weights must be ≥ 0` });
      total += w;
    });
    // Weights within 1e-3 of summing to 1 (rounded by hand, say) are normalised; further off is
    // a mistake worth reporting. Normalising also makes equivalent files the same model.
    if (Math.abs(total - 1) > 1e-3) throw new ModelFileError({ field: 'weights', detail: `sum to ${total}; they must sum to 1` });
    for (let j = 0; j < k; j++) weights[j] /= total;
    const covariances = covarianceModel(covariance).fromNested(json.covariances, k, d, 'covariances', 'model-file');
    const params = assembleParams(covariance, assignment, k, d, weights, meansMatrix.values, covariances, (j) => {
      throw new ModelFileError({ field: `covariances[${j}]`, detail: 'is not positive definite' });
    });
    const prior = json.prior === undefined ? null : readPrior(json.prior, covariance, d);
    const options: GmmOptions = prior
      ? gmmOptions.fromModelFile(json, {
          prior: { shrinkage: prior.shrinkage, mean: Array.from(prior.mean), dof: prior.dof, scale: (json.prior as Record<string, unknown>).scale, weightConcentration: prior.weightConcentration },
        })
      : fileOptions;
    let totalWeight: number | undefined;
    if (prior) {
      totalWeight = readFiniteNumber(json.totalWeight, 'totalWeight');
      if (!(totalWeight > 0)) throw new ModelFileError({ field: 'totalWeight', detail: `is ${totalWeight}; must be > 0` });
    }
    return { params: withExtras(params, { prior, totalWeight, warnings: readWarnings(json.warnings) }), options };
  },
};

/** A model file's `prior` (as written by toJSON); errors name the field. */
function readPrior(value: unknown, covariance: CovarianceType, d: number): GmmPrior {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFileError({ field: 'prior', detail: 'expected an object with shrinkage, mean, dof, scale, weightConcentration' });
  const p = value as Record<string, unknown>;
  const positive = (field: string, above = 0): number => {
    const x = readFiniteNumber(p[field], `prior.${field}`);
    if (!(x > above)) throw new ModelFileError({ field: `prior.${field}`, detail: `is ${x}; must be > ${above}` });
    return x;
  };
  const scale: Float64Array = readingModelFile(() => covarianceModel(covariance).readPriorScale(p.scale, d, 'prior.scale'));
  const weightConcentration = readFiniteNumber(p.weightConcentration, 'prior.weightConcentration');
  if (!(weightConcentration >= 1)) throw new ModelFileError({ field: 'prior.weightConcentration', detail: `is ${weightConcentration}; must be ≥ 1` });
  return {
    shrinkage: positive('shrinkage'),
    mean: readVector(p.mean, 'prior.mean', d),
    dof: positive('dof', covariance === 'full' || covariance === 'tied' ? d - 1 : 0),
    scale,
    weightConcentration,
  };
}

/** A model file's `warnings` (re-seeded components), kept as they are. */
function readWarnings(value: unknown): SingularityWarning[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ModelFileError({ field: 'warnings', detail: 'expected an array of { iteration, component, reason, action }' });
  return value.map((w, i) => {
    const o = (typeof w === 'object' && w !== null ? w : {}) as Record<string, unknown>;
    if (typeof o.reason !== 'string' || typeof o.action !== 'string') throw new ModelFileError({ field: `warnings[${i}]`, detail: 'expected { iteration, component, reason, action }' });
    return { iteration: readFiniteNumber(o.iteration, `warnings[${i}].iteration`), component: readFiniteNumber(o.component, `warnings[${i}].component`), reason: o.reason, action: o.action };
  });
}
