import {
  InputError,
  ModelFileError,
  EMPTY_VIEW,
  mixtureEStep,
  mixtureMethods,
  OptionError,
  PLUGIN_API_VERSION,
  readMixtureWeights,
  readMatrix,
  rowWeight,
  toNested,
  totalWeight,
  type Dataset,
  type MixtureDensity,
  type ModelPlugin,
} from '@emkit/core';
import { portableLog } from '@emkit/linalg';
import { poissonMixtureOptions, type PoissonMixtureOptions, type PoissonMixtureOptionsInput } from './options.js';
import { logFactorial, samplePoisson } from './poisson.js';

/**
 * Parameters: plain numbers and Float64Arrays, so they can be posted to worker threads.
 * `rates` is K×D row-major: rates[j·D + c] is the rate of column c in component j.
 */
export interface PoissonMixtureParams {
  readonly k: number;
  readonly d: number;
  readonly weights: Float64Array;
  readonly rates: Float64Array;
}

/** Per-component constants of one E-step: log π_j − Σ_c λ_jc, and log λ_jc. */
function componentTerms(params: PoissonMixtureParams): { offsets: Float64Array; logRates: Float64Array } {
  const { k, d, weights, rates } = params;
  const offsets = new Float64Array(k);
  const logRates = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    let rateSum = 0;
    for (let c = 0; c < d; c++) {
      rateSum += rates[j * d + c];
      logRates[j * d + c] = portableLog(rates[j * d + c]);
    }
    offsets[j] = portableLog(weights[j]) - rateSum;
  }
  return { offsets, logRates };
}

function checkCount(x: number, row: number, col: number): void {
  if (!(x >= 0) || !Number.isInteger(x)) throw new InputError({ file: 'data', row: row + 1, column: col + 1, detail: `row ${row + 1}, column ${col + 1} is ${x}; a Poisson mixture needs counts (whole numbers ≥ 0)` });
}

/**
 * The mixture's weighted log-density, logJoint[j] = log π_j + log p(x_i | j) for a block of
 * rows, from which core's mixture helper derives the E-step's log-sum-exp, scoreSamples,
 * responsibilities and predict. Everything stays in the log domain, so a row far from every
 * component does not underflow to a density of 0.
 */
function poissonDensity(params: PoissonMixtureParams, data: Dataset): MixtureDensity {
  const { k, d } = params;
  if (data.cols !== d) throw new InputError({ file: 'data', detail: `has ${data.cols} columns but the model has ${d}` });
  const { offsets, logRates } = componentTerms(params);
  const values = data.values;
  return {
    k,
    weightedLogProbs(first, rows, logJoint) {
      for (let q = 0; q < rows; q++) {
        const off = (first + q) * d;
        let logFactorials = 0;
        for (let c = 0; c < d; c++) {
          checkCount(values[off + c], first + q, c);
          logFactorials += logFactorial(values[off + c]);
        }
        for (let j = 0; j < k; j++) {
          let s = offsets[j] - logFactorials;
          for (let c = 0; c < d; c++) s += values[off + c] * logRates[j * d + c];
          logJoint[q * k + j] = s;
        }
      }
    },
  };
}

/** Rates > 0, or a ModelFileError naming the field. */
function checkedParams(k: number, weights: Float64Array, rates: Float64Array, d: number): PoissonMixtureParams {
  rates.forEach((rate, i) => {
    if (!(rate > 0)) throw new ModelFileError({ field: `rates[${Math.floor(i / d)}][${i % d}]`, detail: `is ${rate}; rates must be > 0` });
  });
  return { k, d, weights, rates };
}

/**
 * A mixture of K components, each a product of D independent Poissons: for count data such as
 * visits per day or words per document. Sufficient statistics per component j, laid out
 * [N_j, Σ r·x_1, …, Σ r·x_D] (length K·(1 + D)), where r = w_i·p(j | x_i); they add across shards.
 */
export const poissonMixturePlugin: ModelPlugin<PoissonMixtureParams, PoissonMixtureOptions, PoissonMixtureOptionsInput> = {
  name: 'poisson-mixture',
  apiVersion: PLUGIN_API_VERSION,
  description: 'mixture of independent Poissons, for count data',
  moduleUrl: import.meta.url,
  optionSpecs: poissonMixtureOptions.specs,
  defaults: { tol: 1e-6, maxIter: 300 },

  parseOptions: poissonMixtureOptions.parse,

  init(data, options, random) {
    const { k, rateFloor } = options;
    const d = data.cols;
    if (k > data.rows) throw new OptionError({ field: 'k', detail: `${k} components need at least ${k} rows; the data has ${data.rows}` });
    const means = new Float64Array(d);
    for (let i = 0; i < data.rows; i++)
      for (let c = 0; c < d; c++) {
        checkCount(data.values[i * d + c], i, c);
        means[c] += rowWeight(data, i) * data.values[i * d + c];
      }
    const total = totalWeight(data);
    for (let c = 0; c < d; c++) means[c] /= total;
    // K distinct random rows, each pulled halfway to the mean so that a zero count gives a rate > 0.
    const rows = random.sampleWithoutReplacement(data.rows, k);
    const rates = new Float64Array(k * d);
    for (let j = 0; j < k; j++)
      for (let c = 0; c < d; c++) rates[j * d + c] = Math.max(rateFloor, 0.5 * (data.values[rows[j] * d + c] + means[c]));
    return { k, d, weights: new Float64Array(k).fill(1 / k), rates };
  },

  createStats: (params) => new Float64Array(params.k * (1 + params.d)),

  eStep(params, data, range, stats) {
    const { k, d } = params;
    // r = w_i·p(j | x_i) for each row of a block; returns Σ w_i·log p(x_i).
    return mixtureEStep(poissonDensity(params, data), data.weights, range.start, range.end, (first, rows, block) => {
      for (let i = first; i < first + rows; i++) {
        if (rowWeight(data, i) === 0) continue;
        const r = block.responsibilityRow(i - first);
        for (let j = 0; j < k; j++) {
          const base = j * (1 + d);
          stats[base] += r[j];
          for (let c = 0; c < d; c++) stats[base + 1 + c] += r[j] * data.values[i * d + c];
        }
      }
    });
  },

  mStep(params, stats, _summary, options) {
    const { k, d } = params;
    const weights = new Float64Array(k);
    const rates = new Float64Array(k * d);
    let total = 0;
    for (let j = 0; j < k; j++) total += stats[j * (1 + d)];
    for (let j = 0; j < k; j++) {
      const n = stats[j * (1 + d)];
      weights[j] = n / total;
      // λ = Σ r·x / N_j maximises the expected log-likelihood; over rates ≥ rateFloor the
      // maximum is the floor when λ is below it, so the floor keeps EM monotone.
      for (let c = 0; c < d; c++) rates[j * d + c] = n > 0 ? Math.max(options.rateFloor, stats[j * (1 + d) + 1 + c] / n) : options.rateFloor;
    }
    return { k, d, weights, rates };
  },

  ...mixtureMethods(poissonDensity),

  components: (params) => params.k,

  /**
   * What the app draws: each component at its rates, with the Poisson's own covariance
   * diag(λ) (variance = mean) as ellipses. No UI code — a description the app understands.
   */
  describeView(params) {
    const { k, d, rates } = params;
    const covariances = new Float64Array(k * d * d);
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) covariances[j * d * d + c * d + c] = rates[j * d + c];
    return { ...EMPTY_VIEW, components: { count: k, dims: d, locationName: 'rate', locations: rates.slice(), weights: params.weights.slice(), covariances, hard: false } };
  },

  // K − 1 free weights (they sum to 1) and K·D rates.
  parameterCount: (params) => params.k - 1 + params.k * params.d,

  sample(params, n, random) {
    const { k, d } = params;
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const j = random.nextWeighted(params.weights, 0, k);
      for (let c = 0; c < d; c++) out[i * d + c] = samplePoisson(params.rates[j * d + c], random);
    }
    return out;
  },

  toJSON: (params, options) => ({
    ...poissonMixtureOptions.toModelFile(options),
    weights: Array.from(params.weights),
    rates: toNested(params.rates, params.k, params.d),
  }),

  fromJSON(json) {
    // k and rateFloor as the file has them, the schema's default for a missing rateFloor.
    const options = poissonMixtureOptions.fromModelFile(json);
    const { k } = options;
    const rates = readMatrix(json.rates, 'rates', k);
    const params = checkedParams(k, readMixtureWeights(json.weights, 'weights', k), rates.values, rates.cols);
    return { params, options };
  },
};
