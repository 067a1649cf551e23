import type { Random } from '@emkit/linalg';
import { ModelFileError, PLUGIN_API_VERSION, readMatrix, readVector, singleComponentMethods, toNested, type Dataset, type ModelPlugin } from '@emkit/core';
import { eStepRows, estimateParameters, statsLayout } from './estimate.js';
import { initialParams, readNoiseVariance } from './init.js';
import { type LikelihoodMethod, RowScratch, latentMeanRow, logDensityRow, modelCovariance, prepareModel } from './model.js';
import { factorOptions, type FactorOptions, type FactorOptionsInput } from './options.js';
import type { FactorParams } from './params.js';
import { describeFactorView } from './view.js';

function checkData(params: FactorParams, data: Dataset): void {
  if (data.cols !== params.d) throw new ModelFileError({ field: 'mean', detail: `the model has ${params.d} columns but the data has ${data.cols}` });
}

/**
 * Per-row log N(x | μ, W·Wᵀ + Ψ). `method` picks the evaluation (default: by D and q, as the
 * E-step does); both give the same values up to round-off.
 */
export function logDensities(params: FactorParams, data: Dataset, method?: LikelihoodMethod): Float64Array {
  checkData(params, data);
  const model = prepareModel(params, method);
  const scratch = new RowScratch(params.d, params.q);
  const out = new Float64Array(data.rows);
  for (let i = 0; i < data.rows; i++) {
    latentMeanRow(model, data.values, i * params.d, scratch);
    out[i] = logDensityRow(model, scratch);
  }
  return out;
}

/**
 * E[z|x] = β·(x − μ) for every row, N×q row-major: the rows' coordinates in the latent space
 * (scikit-learn's `transform`). Their posterior covariance, the same for every row, is
 * `posteriorCovariance(params)`.
 */
export function latentMeans(params: FactorParams, data: Dataset): Float64Array {
  checkData(params, data);
  const { d, q } = params;
  const model = prepareModel(params, 'woodbury');
  const scratch = new RowScratch(d, q);
  const out = new Float64Array(data.rows * q);
  for (let i = 0; i < data.rows; i++) {
    latentMeanRow(model, data.values, i * d, scratch);
    out.set(scratch.latent, i * q);
  }
  return out;
}

/** Cov[z|x] = (I + WᵀΨ⁻¹W)⁻¹, q×q row-major. */
export function posteriorCovariance(params: FactorParams): Float64Array {
  return prepareModel(params, 'woodbury').posteriorCovariance;
}

/**
 * Factor analysis (and probabilistic PCA) by EM: x = W·z + μ + ε with q latent factors,
 * z ~ N(0, I) and diagonal (or isotropic) Gaussian noise. A single-component model: predict gives
 * zeros and responsibilities ones; `latentMeans` gives the embedding.
 */
export const factorAnalysisPlugin: ModelPlugin<FactorParams, FactorOptions, FactorOptionsInput> = {
  name: 'factor-analysis',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Factor analysis / probabilistic PCA: x = W z + μ + ε, q latent factors, diagonal or isotropic noise',
  moduleUrl: import.meta.url,
  optionSpecs: factorOptions.specs,
  defaults: { tol: 1e-6, maxIter: 1000 },

  parseOptions: factorOptions.parse,

  init: (data: Dataset, options: FactorOptions, random: Random) => initialParams(data, options, random),

  createStats: (params) => new Float64Array(statsLayout(params.d, params.q).length),
  stepwiseStatsLength: (params) => statsLayout(params.d, params.q).length,

  eStep: (params, data, range, stats) => eStepRows(params, data, range.start, range.end, stats),

  mStep: (params, stats, _summary, options) => estimateParameters(params, stats, options),

  scoreSamples: (params, data) => logDensities(params, data),

  describeView: describeFactorView,
  ...singleComponentMethods(checkData),

  /** The embedding: E[z | x] per row, columns z0..z(q−1). */
  predictTable: (params, data) => ({ columns: Array.from({ length: params.q }, (_, j) => `z${j}`), values: latentMeans(params, data) }),

  /** μ (D) + W (D·q less the q(q−1)/2 of a rotation) + Ψ (D, or 1 for isotropic noise). */
  parameterCount: (params) => {
    const { d, q } = params;
    return d + d * q - (q * (q - 1)) / 2 + (params.noise === 'isotropic' ? 1 : d);
  },

  sample(params, n, random) {
    const { d, q, mean, loadings, noiseVariance } = params;
    const out = new Float64Array(n * d);
    const z = new Float64Array(q);
    const sd = noiseVariance.map(Math.sqrt);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < q; k++) z[k] = random.nextNormal();
      for (let c = 0; c < d; c++) {
        let x = mean[c];
        for (let k = 0; k < q; k++) x += loadings[c * q + k] * z[k];
        out[i * d + c] = x + sd[c] * random.nextNormal();
      }
    }
    return out;
  },

  toJSON(params, options) {
    const { d, q } = params;
    return {
      ...factorOptions.toModelFile({ ...options, factors: q, noise: params.noise }),
      mean: Array.from(params.mean),
      loadings: toNested(params.loadings, d, q),
      noiseVariance: Array.from(params.noiseVariance),
      modelCovariance: toNested(modelCovariance(params), d, d),
    };
  },

  fromJSON(json) {
    const options = factorOptions.fromModelFile(json);
    const { factors: q, noise } = options;
    const mean = readVector(json.mean, 'mean');
    const d = mean.length;
    if (q >= d) throw new ModelFileError({ field: 'factors', detail: `${q} factors need at least ${q + 1} columns; the mean has ${d}` });
    const loadings = readMatrix(json.loadings, 'loadings', d, q).values;
    const noiseVariance = readNoiseVariance(json.noiseVariance, d, noise, 'noiseVariance', (field, message) => new ModelFileError({ field, detail: message }));
    return { params: { d, q, noise, mean, loadings, noiseVariance }, options };
  },
};
