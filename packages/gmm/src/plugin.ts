import type { Random } from '@emkit/linalg';
import {
  ModelFileError,
  PLUGIN_API_VERSION,
  readingModelFile,
  readMixtureWeights,
  readFiniteNumber,
  readMatrix,
  readVector,
  mixtureImpute,
  mixtureMethods,
  rowHasMissing,
  toNested,
  type Dataset,
  type InitContext,
  type MixtureDensity,
  type ModelPlugin,
} from '@emkit/core';
import { covarianceModel } from './covariance/index.js';
import { assembleParams, createStats, estimateParameters, statsLength, withExtras } from './estimate.js';
import { kernelDensity } from './density.js';
import { mergeFarRows } from './singularity.js';
import { priorToJSON } from './prior.js';
import { MissingRowModel, eStepRowsWithMissing, meanImputed } from './missing.js';
import { describeGmmView } from './view.js';
import { defaultRestarts, initialParams } from './init.js';
import { gmmOptions, type GmmOptions, type GmmOptionsInput } from './options.js';
import type { CovarianceType, GmmParams, GmmPrior, SingularityWarning } from './params.js';

/**
 * gmm's weighted log-density of `data` (for scoreSamples, responsibilities, predict, impute):
 * complete rows through the row kernel, rows with missing cells the marginal density of their
 * observed cells (MissingRowModel); the responsibility rule of params.assignment.
 */
export function gmmDensity(params: GmmParams, data: Dataset): MixtureDensity {
  if (data.cols !== params.d) throw new ModelFileError({ field: 'means', detail: `the model has ${params.d} dimensions but the data has ${data.cols} columns` });
  const complete = kernelDensity(params, covarianceModel(params.covariance).rowKernel(params), data.values);
  const mask = data.missing;
  if (!mask) return complete;
  const { k } = params;
  const missing = new MissingRowModel(params);
  const row = new Float64Array(k);
  return {
    ...complete,
    weightedLogProbs(first, rows, out) {
      complete.weightedLogProbs(first, rows, out);
      for (let q = 0; q < rows; q++)
        if (rowHasMissing(data, first + q)) {
          missing.logProbs(data.values, mask, first + q, row);
          out.set(row, q * k);
        }
    },
  };
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
  // Chosen on the peer benchmark (bench/peers.mjs; see the README): 1e-3 stopped 72 of 126 lost
  // fits early; one restart missed the best optimum in 22 % of fits, ten in 0.6 %.
  defaults: { tol: 1e-6, maxIter: 1000, restarts: defaultRestarts, restartsRule: 'auto; 1 with given means or the hc start' },

  parseOptions: gmmOptions.parse,
  // MAP-EM adds log p(θ) to every E-step; hard assignment sums the classification likelihood.
  objective: ({ prior, assignment }: GmmOptions) => ({
    name: `${assignment === 'hard' ? 'classification ' : ''}log-${prior ? 'posterior' : 'likelihood'}`,
    short: `${assignment === 'hard' ? 'class. ' : ''}log-${prior ? 'post.' : 'lik.'}`,
    density: true,
  }),

  // With missing cells, the start comes from the data with each missing cell at its column's mean.
  init: (data: Dataset, options: GmmOptions, random: Random, context?: InitContext) => initialParams(data.missing ? meanImputed(data) : data, options, random, context?.onProgress),

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
    const density = gmmDensity(params, data);
    // A row's completion is MissingRowModel's state for the last row it was given.
    const missing = data.missing ? new MissingRowModel(params) : null;
    const logProb = new Float64Array(params.k);
    return mixtureImpute(density, data, (i, responsibilities, out) => {
      missing!.logProbs(data.values, data.missing!, i, logProb);
      missing!.impute(responsibilities, out, i * params.d);
    });
  },

  ...mixtureMethods(gmmDensity),

  components: (params) => params.k,

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
      // k, covariance, regCovar, regCovarScale, freeze, assignment; onSingular, varianceFloor, minRows when not the defaults
      ...gmmOptions.toModelFile({ ...options, k: params.k, covariance: params.covariance, assignment: params.assignment }),
      weights: Array.from(params.weights),
      means: toNested(params.means, params.k, params.d),
      covariances: model.toNested(params.covariances, params.k, params.d),
      // What regCovar multiplied (the data's column variances), so that EM can go on from the file.
      ...(params.ridgeScale ? { ridgeScale: Array.from(params.ridgeScale) } : {}),
      // MAP-EM and singularity handling: written only when used, so plain files are unchanged.
      ...(params.prior ? { prior: priorToJSON(params.prior, params.covariance, params.d), totalWeight: params.totalWeight } : {}),
      ...(params.warnings && params.warnings.length > 0 ? { warnings: params.warnings.map((w) => ({ ...w })) } : {}),
    };
  },

  fromJSON(json) {
    // The options the file keeps, the schema's defaults for those it lacks (files written before
    // hard EM have no `assignment`: soft); the prior is read with the parameters below.
    // Files written before regCovarScale (3 Dec 2026) added regCovar as it is.
    const file = json.regCovarScale === undefined ? { ...json, regCovarScale: 'none' } : json;
    const fileOptions = gmmOptions.fromModelFile(file);
    const { k, covariance, assignment } = fileOptions;
    const meansMatrix = readMatrix(json.means, 'means', k);
    const d = meansMatrix.cols;
    const weights = readMixtureWeights(json.weights, 'weights', k);
    const covariances = covarianceModel(covariance).fromNested(json.covariances, k, d, 'covariances', 'model-file');
    const params = assembleParams(covariance, assignment, k, d, weights, meansMatrix.values, covariances, (j) => {
      throw new ModelFileError({ field: `covariances[${j}]`, detail: 'is not positive definite' });
    });
    const ridgeScale = fileOptions.regCovarScale === 'none' ? undefined : readRidgeScale(json.ridgeScale, d);
    const prior = json.prior === undefined ? null : readPrior(json.prior, covariance, d);
    const options: GmmOptions = prior
      ? gmmOptions.fromModelFile(file, {
          prior: { shrinkage: prior.shrinkage, mean: Array.from(prior.mean), dof: prior.dof, scale: (json.prior as Record<string, unknown>).scale, weightConcentration: prior.weightConcentration },
        })
      : fileOptions;
    let totalWeight: number | undefined;
    if (prior) {
      totalWeight = readFiniteNumber(json.totalWeight, 'totalWeight');
      if (!(totalWeight > 0)) throw new ModelFileError({ field: 'totalWeight', detail: `is ${totalWeight}; must be > 0` });
    }
    return { params: withExtras(params, { prior, totalWeight, warnings: readWarnings(json.warnings), ridgeScale }), options };
  },
};

/** A model file's `ridgeScale` (D positive numbers: what regCovar multiplied); errors name the field. */
function readRidgeScale(value: unknown, d: number): Float64Array {
  if (value === undefined) throw new ModelFileError({ field: 'ridgeScale', detail: "is missing; it holds the data's column variances that regCovar multiplies (or set regCovarScale to none)" });
  const scale = readVector(value, 'ridgeScale', d);
  const bad = scale.findIndex((s) => !(s > 0));
  if (bad >= 0) throw new ModelFileError({ field: `ridgeScale[${bad}]`, detail: `is ${scale[bad]}; must be > 0` });
  return scale;
}

/** A model file's `prior` (as written by toJSON); errors name the field. */
function readPrior(value: unknown, covariance: CovarianceType, d: number): GmmPrior {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFileError({ field: 'prior', detail: 'expected an object with shrinkage, mean, dof, scale, weightConcentration' });
  const p = value as Record<string, unknown>;
  const positive = (field: string, above = 0): number => {
    const x = readFiniteNumber(p[field], `prior.${field}`);
    if (!(x > above)) throw new ModelFileError({ field: `prior.${field}`, detail: `is ${x}; must be > ${above}` });
    return x;
  };
  const model = covarianceModel(covariance);
  const scale: Float64Array = readingModelFile(() => model.readPriorScale(p.scale, d, 'prior.scale'));
  const weightConcentration = readFiniteNumber(p.weightConcentration, 'prior.weightConcentration');
  if (!(weightConcentration >= 1)) throw new ModelFileError({ field: 'prior.weightConcentration', detail: `is ${weightConcentration}; must be ≥ 1` });
  return {
    shrinkage: positive('shrinkage'),
    mean: readVector(p.mean, 'prior.mean', d),
    dof: positive('dof', model.priorDofAbove?.(d) ?? 0),
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
