/**
 * A one-dimensional Gaussian mixture (two components by default): the smallest complete
 * ModelPlugin, used to test the driver, the executor and model files without depending on
 * @emkit/gmm. A test fixture for now; meant to ship later as part of `@emkit/core/testing`.
 *
 * Statistics per component k, accumulated around the current mean μ_k so that the variance does
 * not come from cancelling raw moments: [N_k, Σ r·w·(x − μ_k), Σ r·w·(x − μ_k)²]. Because μ_k is a
 * parameter, every shard uses the same reference point and the stats still add.
 *
 * The variance floor is a constraint, not a regulariser: the M-step maximises over
 * variances ≥ minVariance, which keeps EM monotone (unlike adding a constant after the fact).
 */
import type { Random } from '@emkit/linalg';
import { z } from 'zod';
import type { Dataset, RowRange } from '../dataset.js';
import { InputError, ModelFileError, OptionError } from '../errors.js';
import { readVector } from '../json-fields.js';
import { mixtureEStep, mixtureMethods, type MixtureDensity } from '../mixture.js';
import { defineOptions, type OptionsInput } from '../options.js';
import { type DataSummary, type ModelPlugin, PLUGIN_API_VERSION } from '../plugin.js';

export interface UnivariateGaussianMixtureParams {
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly variances: Float64Array;
}

export interface UnivariateGaussianMixtureOptions {
  readonly k: number;
  readonly minVariance: number;
  /** Given starting parameters; null: K distinct random rows as means, the data variance. */
  readonly init: UnivariateGaussianMixtureParams | null;
}

const LOG_2PI = Math.log(2 * Math.PI);

const options = defineOptions(
  {
    k: z.number().int().min(1).default(2).meta({ description: 'number of components', modelFile: 'always' }),
    minVariance: z.number().positive().default(1e-6).meta({ description: 'lower bound of every variance', modelFile: 'always' }),
    init: z
      .object({ weights: z.array(z.number()), means: z.array(z.number()), variances: z.array(z.number()) })
      .nullable()
      .default(null)
      .meta({ kind: 'json', description: 'starting weights, means and variances' }),
  },
  (o): UnivariateGaussianMixtureOptions => {
    let init: UnivariateGaussianMixtureParams | null = null;
    if (o.init !== null) {
      init = {
        weights: readVector(o.init.weights, 'init.weights', o.k, 'option'),
        means: readVector(o.init.means, 'init.means', o.k, 'option'),
        variances: readVector(o.init.variances, 'init.variances', o.k, 'option'),
      };
      checkParams(init, 'init.', (field, message) => new OptionError({ field, detail: message }));
    }
    return { k: o.k, minVariance: o.minVariance, init };
  },
);

function checkParams(p: UnivariateGaussianMixtureParams, where: string, fail: (field: string, message: string) => Error): void {
  let total = 0;
  p.weights.forEach((w, i) => {
    if (!(w >= 0)) throw fail(`${where}weights[${i}]`, `must be ≥ 0, got ${w}`);
    total += w;
  });
  // Weights within 1e-3 of summing to 1 are normalised (rounded files, the conformance kit's
  // perturbations); further off is a mistake worth reporting.
  if (Math.abs(total - 1) > 1e-3) throw fail(`${where}weights`, `must sum to 1, got ${total}`);
  for (let i = 0; i < p.weights.length; i++) p.weights[i] /= total;
  p.variances.forEach((v, i) => {
    if (!(v > 0)) throw fail(`${where}variances[${i}]`, `must be > 0, got ${v}`);
  });
}

function requireOneColumn(data: Dataset): void {
  if (data.cols !== 1) throw new InputError({ file: 'data', detail: `the univariate Gaussian mixture needs 1 column, got ${data.cols}` });
}

/** log w_k − ½·log(2π σ²_k) and 1/(2σ²_k), the per-component constants of the E-step. */
function componentConstants(p: UnivariateGaussianMixtureParams): { logNorm: Float64Array; halfPrecision: Float64Array } {
  const k = p.weights.length;
  const logNorm = new Float64Array(k);
  const halfPrecision = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    logNorm[j] = Math.log(p.weights[j]) - 0.5 * (LOG_2PI + Math.log(p.variances[j]));
    halfPrecision[j] = 0.5 / p.variances[j];
  }
  return { logNorm, halfPrecision };
}

/** The joint log-densities log w_k + log N(x | μ_k, σ²_k) of a block of rows, for core's mixture helper. */
function density(p: UnivariateGaussianMixtureParams, data: Dataset): MixtureDensity {
  requireOneColumn(data);
  const k = p.weights.length;
  const { logNorm, halfPrecision } = componentConstants(p);
  return {
    k,
    weightedLogProbs(first, rows, out) {
      for (let q = 0; q < rows; q++) {
        const x = data.values[first + q];
        for (let j = 0; j < k; j++) {
          const d = x - p.means[j];
          out[q * k + j] = logNorm[j] - d * d * halfPrecision[j];
        }
      }
    },
  };
}

export const univariateGaussianMixture: ModelPlugin<UnivariateGaussianMixtureParams, UnivariateGaussianMixtureOptions, OptionsInput<typeof options>> = {
  name: 'univariate-gaussian-mixture',
  apiVersion: PLUGIN_API_VERSION,
  description: 'One-dimensional Gaussian mixture (test fixture)',
  optionSpecs: options.specs,
  defaults: { tol: 1e-8, maxIter: 200 },

  parseOptions: options.parse,

  init(data: Dataset, options: UnivariateGaussianMixtureOptions, random: Random): UnivariateGaussianMixtureParams {
    requireOneColumn(data);
    if (options.init !== null)
      return { weights: Float64Array.from(options.init.weights), means: Float64Array.from(options.init.means), variances: Float64Array.from(options.init.variances) };
    const k = options.k;
    if (k > data.rows) throw new OptionError({ field: 'k', detail: `cannot start ${k} components from ${data.rows} rows` });
    const picks = random.sampleWithoutReplacement(data.rows, k);
    const means = Float64Array.from(picks, (i) => data.values[i]);
    // Weighted data variance around the weighted mean, floored.
    let sw = 0;
    let sx = 0;
    for (let i = 0; i < data.rows; i++) {
      const w = data.weights === null ? 1 : data.weights[i];
      sw += w;
      sx += w * data.values[i];
    }
    const centre = sx / sw;
    let ss = 0;
    for (let i = 0; i < data.rows; i++) {
      const w = data.weights === null ? 1 : data.weights[i];
      const d = data.values[i] - centre;
      ss += w * d * d;
    }
    const variance = Math.max(ss / sw, options.minVariance);
    return { weights: new Float64Array(k).fill(1 / k), means, variances: new Float64Array(k).fill(variance) };
  },

  createStats(params: UnivariateGaussianMixtureParams): Float64Array {
    return new Float64Array(3 * params.weights.length);
  },

  // Σr, Σr·x, Σr·x² per component: all sums over rows, so stepwise EM applies.
  stepwiseStatsLength: (params: UnivariateGaussianMixtureParams) => 3 * params.weights.length,

  eStep(params: UnivariateGaussianMixtureParams, data: Dataset, range: RowRange, stats: Float64Array): number {
    const k = params.weights.length;
    return mixtureEStep(density(params, data), data.weights, range.start, range.end, (first, rows, block) => {
      for (let q = 0; q < rows; q++) {
        const x = data.values[first + q];
        for (let j = 0; j < k; j++) {
          const r = block.responsibilities[q * k + j];
          if (r === 0) continue;
          const d = x - params.means[j];
          stats[3 * j] += r;
          stats[3 * j + 1] += r * d;
          stats[3 * j + 2] += r * d * d;
        }
      }
    });
  },

  mStep(params: UnivariateGaussianMixtureParams, stats: Float64Array, _summary: DataSummary, options: UnivariateGaussianMixtureOptions): UnivariateGaussianMixtureParams {
    const k = params.weights.length;
    let total = 0;
    for (let j = 0; j < k; j++) total += stats[3 * j];
    const weights = new Float64Array(k);
    const means = Float64Array.from(params.means);
    const variances = Float64Array.from(params.variances);
    for (let j = 0; j < k; j++) {
      const n = stats[3 * j];
      weights[j] = n / total;
      // An empty component keeps its mean and variance: with no responsibility they do not
      // enter the likelihood, so any value is an M-step optimum.
      if (!(n > 0)) continue;
      const shift = stats[3 * j + 1] / n;
      means[j] = params.means[j] + shift;
      variances[j] = Math.max(stats[3 * j + 2] / n - shift * shift, options.minVariance);
    }
    return { weights, means, variances };
  },

  ...mixtureMethods(density),

  components(params: UnivariateGaussianMixtureParams): number {
    return params.weights.length;
  },

  parameterCount(params: UnivariateGaussianMixtureParams): number {
    // K means, K variances and K − 1 free weights.
    return 3 * params.weights.length - 1;
  },

  sample(params: UnivariateGaussianMixtureParams, n: number, random: Random): Float64Array {
    const k = params.weights.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = random.nextWeighted(params.weights, 0, k);
      out[i] = params.means[j] + Math.sqrt(params.variances[j]) * random.nextNormal();
    }
    return out;
  },

  toJSON(params: UnivariateGaussianMixtureParams, fitOptions: UnivariateGaussianMixtureOptions): Record<string, unknown> {
    return {
      ...options.toModelFile({ ...fitOptions, k: params.weights.length }),
      weights: Array.from(params.weights),
      means: Array.from(params.means),
      variances: Array.from(params.variances),
    };
  },

  fromJSON(json: Record<string, unknown>): { params: UnivariateGaussianMixtureParams; options: UnivariateGaussianMixtureOptions } {
    const weights = readVector(json.weights, 'weights');
    const k = weights.length;
    const params = { weights, means: readVector(json.means, 'means', k), variances: readVector(json.variances, 'variances', k) };
    checkParams(params, '', (field, message) => new ModelFileError({ field, detail: message }));
    return { params, options: options.fromModelFile(json, { k }) };
  },
};
