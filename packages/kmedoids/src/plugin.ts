import {
  type ConvergenceContext,
  type Dataset,
  type DataSummary,
  type ModelPlugin,
  ModelFileError,
  PLUGIN_API_VERSION,
  type RowRange,
  readFiniteNumber,
  readMatrix,
  readVector,
  toNested,
} from '@emkit/core';
import type { Random } from '@emkit/linalg';
import { alternateEStep, alternateLayout, alternateMStep, candidateCount, sampleCandidates } from './alternate.js';
import { buildMedoids, checkMedoidRows, kmedoidsPlusPlus, randomMedoids } from './init.js';
import { distanceFunction } from './metric.js';
import { type KMedoidsOptions, type KMedoidsOptionsInput, kmedoidsOptions } from './options.js';
import { type KMedoidsParams, checkCols, nearestMedoid, sameMedoids } from './params.js';
import { describeKMedoidsView } from './view.js';
import { swapEStep, swapLayout, swapMStep } from './swap.js';

function startingMedoids(data: Dataset, options: KMedoidsOptions, random: Random): Int32Array {
  if (options.init !== null) {
    checkMedoidRows(data, options.init);
    return Int32Array.from(options.init);
  }
  switch (options.initMethod) {
    case 'build':
      return buildMedoids(data, options.k, options.metric);
    case 'k-medoids++':
      return kmedoidsPlusPlus(data, options.k, random);
    case 'random':
      return randomMedoids(data, options.k, random);
  }
}

function valuesOfRows(data: Dataset, rows: Int32Array): Float64Array {
  const d = data.cols;
  const out = new Float64Array(rows.length * d);
  rows.forEach((row, j) => out.set(data.values.subarray(row * d, (row + 1) * d), j * d));
  return out;
}

/**
 * k-medoids: K medoids that are rows of the data, minimising Σ wᵢ·d(xᵢ, nearest medoid).
 *
 * - `method: 'alternate'` (default): the E-step assigns each row to its nearest medoid; the
 *   M-step moves each medoid to the member of its cluster with the least total distance to the
 *   other members (Park & Jun's / scikit-learn-extra's "alternate"). Sharded exactly; see
 *   alternate.ts for what the statistics cost, and `maxCandidates` to bound them.
 * - `method: 'pam'`: BUILD, then one iteration per swap: the E-step computes the cost change of
 *   every (medoid, non-medoid) swap over its shard; the M-step makes the best one while it
 *   lowers the cost (Kaufman & Rousseeuw's PAM, evaluated in FastPAM1's O(N²) form).
 *
 * Likelihood convention: the E-step returns minus the cost, so the driver's log-likelihood is
 * −Σ wᵢ·d(xᵢ, medoid) (never decreasing: both methods only make cost-lowering moves) and the
 * best restart is the one of least cost. `parameterCount` is null (no BIC/AIC).
 *
 * Convergence: an M-step that moves no medoid (a fixed point; PAM: no improving swap). With
 * `tol` > 0 the fit also stops once an iteration lowers the mean cost by less than tol × it.
 *
 * The E-steps compare rows with candidate medoids anywhere in the data: every shard needs the
 * whole data set (the runner's shared memory).
 */
export const kmedoidsPlugin: ModelPlugin<KMedoidsParams, KMedoidsOptions, KMedoidsOptionsInput> = {
  name: 'kmedoids',
  apiVersion: PLUGIN_API_VERSION,
  description: 'k-medoids (medoids are data rows): the alternating method or PAM (BUILD + SWAP); Euclidean, squared Euclidean or Manhattan distance',
  moduleUrl: import.meta.url,
  optionSpecs: kmedoidsOptions.specs,
  defaults: { tol: 0, maxIter: 300 },
  parseOptions: kmedoidsOptions.parse,
  // Minus the summed distance to the medoids, in the units fitted (no Jacobian: not a density).
  objective: () => ({ name: '−cost', density: false }),

  init(data: Dataset, options: KMedoidsOptions, random: Random): KMedoidsParams {
    const medoidIndices = startingMedoids(data, options, random);
    const seed = random.nextUint32();
    const candidates = options.method === 'alternate' ? sampleCandidates(data.rows, options.maxCandidates, medoidIndices, seed, 0) : null;
    return {
      method: options.method,
      metric: options.metric,
      k: options.k,
      cols: data.cols,
      rows: data.rows,
      medoidIndices,
      medoids: valuesOfRows(data, medoidIndices),
      candidates,
      seed,
      iteration: 0,
    };
  },

  createStats(params: KMedoidsParams, cols: number): Float64Array {
    const length = params.method === 'pam' ? swapLayout(params.rows, params.k, cols).length : alternateLayout(candidateCount(params), cols).length;
    return new Float64Array(length);
  },

  eStep(params: KMedoidsParams, data: Dataset, range: RowRange, stats: Float64Array): number {
    return params.method === 'pam' ? swapEStep(params, data, range, stats) : alternateEStep(params, data, range, stats);
  },

  mStep(params: KMedoidsParams, stats: Float64Array, _summary: DataSummary, options: KMedoidsOptions): KMedoidsParams {
    return params.method === 'pam' ? swapMStep(params, stats) : alternateMStep(params, stats, options.maxCandidates);
  },

  hasConverged({ previous, next, meanLogLikelihood, previousMeanLogLikelihood, tol }: ConvergenceContext<KMedoidsParams>): boolean {
    if (sameMedoids(previous, next)) return true;
    // meanLogLikelihood is −(mean cost): its rise is the cost's drop over the last iteration.
    return tol > 0 && meanLogLikelihood - previousMeanLogLikelihood < tol * Math.abs(meanLogLikelihood);
  },

  scoreSamples(params: KMedoidsParams, data: Dataset): Float64Array {
    checkCols(params, data);
    const distance = distanceFunction(params.metric);
    const scratch = new Float64Array(params.k);
    const out = new Float64Array(data.rows);
    for (let i = 0; i < data.rows; i++) out[i] = -scratch[nearestMedoid(params, distance, data.values, i * params.cols, scratch)];
    return out;
  },

  describeView: describeKMedoidsView,

  components(params: KMedoidsParams): number {
    return params.k;
  },

  responsibilities(params: KMedoidsParams, data: Dataset): Float64Array {
    const labels = kmedoidsPlugin.predict(params, data);
    const out = new Float64Array(data.rows * params.k);
    labels.forEach((label, i) => (out[i * params.k + label] = 1));
    return out;
  },

  predict(params: KMedoidsParams, data: Dataset): Int32Array {
    checkCols(params, data);
    const distance = distanceFunction(params.metric);
    const scratch = new Float64Array(params.k);
    const out = new Int32Array(data.rows);
    for (let i = 0; i < data.rows; i++) out[i] = nearestMedoid(params, distance, data.values, i * params.cols, scratch);
    return out;
  },

  parameterCount(): null {
    return null;
  },

  toJSON(params: KMedoidsParams, options: KMedoidsOptions): Record<string, unknown> {
    return {
      // k, method, metric, initMethod; maxCandidates when given
      ...kmedoidsOptions.toModelFile({ ...options, k: params.k, method: params.method, metric: params.metric }),
      medoidIndices: Array.from(params.medoidIndices),
      medoids: toNested(params.medoids, params.k, params.cols),
      trainingRows: params.rows,
    };
  },

  fromJSON(json: Record<string, unknown>): { params: KMedoidsParams; options: KMedoidsOptions } {
    const options = kmedoidsOptions.fromModelFile(json);
    const { k, method, metric } = options;
    const m = readMatrix(json.medoids, 'medoids', k);
    const indices = readVector(json.medoidIndices, 'medoidIndices', k);
    indices.forEach((x, j) => {
      if (!Number.isInteger(x) || x < 0) throw new ModelFileError({ field: `medoidIndices[${j}]`, detail: `expected a 0-based row index, got ${x}` });
    });
    let rows = 0;
    if (json.trainingRows !== undefined) {
      rows = readFiniteNumber(json.trainingRows, 'trainingRows');
      if (!Number.isInteger(rows) || rows < 0) throw new ModelFileError({ field: 'trainingRows', detail: `expected an integer ≥ 0, got ${rows}` });
    }
    const medoidIndices = Int32Array.from(indices);
    return {
      params: { method, metric, k, cols: m.cols, rows, medoidIndices, medoids: m.values, candidates: null, seed: 0, iteration: 0 },
      options,
    };
  },
};
