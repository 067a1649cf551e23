import {
  type ConvergenceContext,
  type Dataset,
  type DataSummary,
  type InitContext,
  type ModelPlugin,
  ModelFileError,
  OptionError,
  PLUGIN_API_VERSION,
  type RowRange,
  type ShardEStepResult,
  readFiniteNumber,
  readMatrix,
  toNested,
  type Objective,
} from '@emkit/core';
import { type KernelChoice, type Random, kernelsFor, nearestRow, squaredDistance } from '@emkit/linalg';
import { kmeansPlusPlusCenters, meanColumnVariance, randomRowCenters } from './init.js';
import { type KMeansAlgorithm, type KMeansOptions, type KMeansOptionsInput, kmeansOptions } from './options.js';
import { type BoundedAlgorithm, assignRowsBounded } from './bounds.js';
import { assignRowsBoundedWasm } from './bounds-wasm.js';
import { describeCentresView } from './view.js';
import { assignRows, assignRowsWasm, createKMeansStats, mergeKMeansStats, statsLayout } from './stats.js';

/** k-means parameters: plain structured-cloneable data. */
export interface KMeansParams {
  readonly k: number;
  readonly cols: number;
  /** K×D row-major centres. */
  readonly centers: Float64Array;
  /**
   * Mean over columns of the column variance of the training data (sample-weighted). The
   * convergence test scales `tol` by it, as scikit-learn does, so it is computed once in init.
   */
  readonly dataVariance: number;
  /**
   * The assignment step the E-step uses ('auto' resolved; absent means Lloyd). Every choice gives
   * the same numbers; the bounded ones keep per-shard state through `eStepWithState`.
   */
  readonly algorithm?: 'lloyd' | BoundedAlgorithm;
  /** Which kernels run Lloyd's assignment (absent: 'wasm' where available); the same bits either way. */
  readonly kernels?: KernelChoice;
}

/**
 * 'auto': with the WebAssembly kernels (where the engine has them), Lloyd's assignment on them,
 * which computes every distance faster than the bounded methods skip them (measured at
 * N = 100 000, 8×8 and 32×16: see bench/kmeans.mjs); with the scalar kernels, Elkan's bounds
 * where K is large enough for its K lower bounds per row to save more distances than they cost
 * to update, else Hamerly's single bound.
 */
export function resolveAlgorithm(algorithm: KMeansAlgorithm, k: number, cols: number, kernels?: KernelChoice): 'lloyd' | BoundedAlgorithm {
  if (algorithm !== 'auto') return algorithm;
  if (k === 1 || kernelsFor(kernels) !== null) return 'lloyd';
  return k >= 16 && cols >= 16 ? 'elkan' : 'hamerly';
}

/** Lloyd's E-step over a range, on the kernels the parameters ask for (the same bits either way). */
function assignLloyd(params: KMeansParams, data: Dataset, range: RowRange, stats: Float64Array): number {
  const wasm = kernelsFor(params.kernels);
  if (wasm) return assignRowsWasm(wasm, params.k, params.cols, params.centers, data, range.start, range.end, stats);
  return assignRows(params.k, params.cols, params.centers, data, range.start, range.end, stats);
}

/**
 * Nearest centre of the row at `rowOffset`, the first on ties (as scikit-learn); writes its
 * squared distance into scratch[label] (the other entries are not written).
 */
function nearest(params: KMeansParams, X: Float64Array, rowOffset: number, scratch: Float64Array): number {
  const { k, cols, centers } = params;
  const label = nearestRow(X, rowOffset, centers, 0, k, cols, scratch, 0);
  scratch[label] = scratch[0];
  return label;
}

function checkCols(params: KMeansParams, data: Dataset): void {
  if (data.cols !== params.cols) throw new RangeError(`the model has ${params.cols} columns, the data ${data.cols}`);
}

/**
 * The M-step: centre j = Σ wᵢxᵢ / Σ wᵢ over its rows. Empty clusters (no row of positive
 * weight) are handled as scikit-learn's `_relocate_empty_clusters_dense`: taking the empty
 * clusters in index order and the rows farthest from their assigned centre in order (farthest
 * first), each empty cluster receives one such row — the row leaves its old cluster's sums and
 * becomes the new cluster's only member, so the new centre sits on that row.
 *
 * Degenerate case (K close to the number of distinct rows): relocation can take every row of a
 * donor cluster. A donor emptied this way is relocated in its turn if its index comes later;
 * otherwise, or if the farthest-rows list runs out, it keeps its previous centre (scikit-learn
 * would leave its unscaled, near-zero sums as the centre). Emptiness is decided by the row
 * count, an exact integer, not by a floating-point weight that may keep a rounding residue.
 */
function mStep(params: KMeansParams, stats: Float64Array): KMeansParams {
  const { k, cols } = params;
  const L = statsLayout(k, cols);
  if (stats.length !== L.length) throw new RangeError(`k-means statistics for K=${k}, D=${cols} have length ${L.length}, got ${stats.length}`);
  const count = stats.slice(L.count, L.count + k);
  const weight = stats.slice(L.weight, L.weight + k);
  const sum = stats.slice(L.sum, L.sum + k * cols);

  let far = 0;
  for (let j = 0; j < k; j++) {
    if (count[j] > 0) continue;
    // Fewer rows than clusters cannot happen after init's check; guard anyway.
    if (far >= k || stats[L.farRow + far] < 0) break;
    const w = stats[L.farWeight + far];
    const from = stats[L.farLabel + far];
    const coords = L.farCoords + far * cols;
    for (let d = 0; d < cols; d++) {
      sum[from * cols + d] -= w * stats[coords + d];
      sum[j * cols + d] = w * stats[coords + d];
    }
    count[from] -= 1;
    weight[from] -= w;
    count[j] = 1;
    weight[j] = w;
    far++;
  }

  const centers = new Float64Array(k * cols);
  for (let j = 0; j < k; j++) {
    if (count[j] > 0) {
      for (let d = 0; d < cols; d++) centers[j * cols + d] = sum[j * cols + d] / weight[j];
    } else {
      centers.set(params.centers.subarray(j * cols, (j + 1) * cols), j * cols);
    }
  }
  return { k, cols, centers, dataVariance: params.dataVariance, algorithm: params.algorithm, ...(params.kernels ? { kernels: params.kernels } : {}) };
}

/** k-means' objective: minus the summed squared distance to the nearest centre, in the units fitted. */
export const MINUS_INERTIA: Objective = { name: '−inertia', density: false };

/**
 * k-means by Lloyd's algorithm, reproducing scikit-learn's `KMeans(algorithm="lloyd")` from the
 * same starting centres: the same iteration count (`n_iter_`), labels, centres and inertia.
 *
 * Likelihood convention: k-means has no likelihood. The E-step returns −Σ wᵢ·‖xᵢ − c(xᵢ)‖²
 * (minus the inertia), so the driver's mean log-likelihood is −inertia / Σw, rises monotonically,
 * and the best restart is the one of least inertia. `scoreSamples` is −‖xᵢ − c(xᵢ)‖² per row;
 * `parameterCount` is null, so no BIC/AIC.
 *
 * Convergence: scikit-learn's test, Σⱼ‖cⱼ_new − cⱼ_old‖² ≤ tol × (mean column variance of the
 * data). The test runs after each M-step, so `iterations` equals scikit-learn's `n_iter_`
 * (its strict-convergence case — labels unchanged — gives a zero shift and passes it too).
 */
export const kmeansPlugin: ModelPlugin<KMeansParams, KMeansOptions, KMeansOptionsInput> = {
  name: 'kmeans',
  apiVersion: PLUGIN_API_VERSION,
  description: "k-means clustering by Lloyd's algorithm (scikit-learn-compatible), exact Hamerly/Elkan acceleration, k-means++ or random starts",
  moduleUrl: import.meta.url,
  optionSpecs: kmeansOptions.specs,
  defaults: { tol: 1e-4, maxIter: 300 },

  parseOptions: kmeansOptions.parse,
  objective: () => MINUS_INERTIA,

  init(data: Dataset, options: KMeansOptions, random: Random, context?: InitContext): KMeansParams {
    const { k } = options;
    const cols = data.cols;
    let centers: Float64Array;
    if (options.init !== null) {
      if (options.init.cols !== cols)
        throw new OptionError({ field: 'init.centers', detail: `the centres have ${options.init.cols} columns, the data has ${cols}` });
      centers = Float64Array.from(options.init.centers);
    } else {
      let positive = data.rows;
      if (data.weights !== null) {
        positive = 0;
        for (let i = 0; i < data.rows; i++) if (data.weights[i] > 0) positive++;
      }
      if (k > positive) throw new OptionError({ field: 'k', detail: `${k} clusters need at least ${k} rows of positive weight, the data has ${positive}` });
      centers = options.initMethod === 'random' ? randomRowCenters(data, k, random) : kmeansPlusPlusCenters(data, k, random, context?.onProgress);
    }
    const { kernels } = options;
    return { k, cols, centers, dataVariance: meanColumnVariance(data), algorithm: resolveAlgorithm(options.algorithm ?? 'auto', k, cols, kernels), ...(kernels ? { kernels } : {}) };
  },

  createStats(params: KMeansParams, cols: number): Float64Array {
    return createKMeansStats(params.k, cols);
  },

  eStep(params: KMeansParams, data: Dataset, range: RowRange, stats: Float64Array): number {
    checkCols(params, data);
    return assignLloyd(params, data, range, stats);
  },

  // Counts, weights and sums are sums over rows; the farthest-row candidates follow them.
  stepwiseStatsLength: (params: KMeansParams) => statsLayout(params.k, params.cols).farDistance,

  eStepWithState(params: KMeansParams, data: Dataset, range: RowRange, stats: Float64Array, state: unknown): ShardEStepResult {
    checkCols(params, data);
    const { algorithm = 'lloyd' } = params;
    if (algorithm === 'lloyd') return { logLikelihood: assignLloyd(params, data, range, stats), state: undefined };
    const wasm = kernelsFor(params.kernels);
    if (wasm) return assignRowsBoundedWasm(wasm, algorithm, params.k, params.cols, params.centers, data, range.start, range.end, stats, state);
    return assignRowsBounded(algorithm, params.k, params.cols, params.centers, data, range.start, range.end, stats, state);
  },

  // Lloyd's assignment keeps nothing between E-steps: its shards need no pinning to workers.
  keepsShardState: (params: KMeansParams) => (params.algorithm ?? 'lloyd') !== 'lloyd',

  mergeStats(target: Float64Array, source: Float64Array, params: KMeansParams): void {
    mergeKMeansStats(target, source, params.k, params.cols);
  },

  mStep(params: KMeansParams, stats: Float64Array, _summary: DataSummary, _options: KMeansOptions): KMeansParams {
    return mStep(params, stats);
  },

  hasConverged({ previous, next, tol }: ConvergenceContext<KMeansParams>): boolean {
    const shift = squaredDistance(previous.centers, 0, next.centers, 0, next.k * next.cols);
    return shift <= tol * next.dataVariance;
  },

  scoreSamples(params: KMeansParams, data: Dataset): Float64Array {
    checkCols(params, data);
    const out = new Float64Array(data.rows);
    const scratch = new Float64Array(params.k);
    for (let i = 0; i < data.rows; i++) out[i] = -scratch[nearest(params, data.values, i * params.cols, scratch)];
    return out;
  },

  describeView: (params: KMeansParams) => describeCentresView(params),

  components(params: KMeansParams): number {
    return params.k;
  },

  responsibilities(params: KMeansParams, data: Dataset): Float64Array {
    checkCols(params, data);
    const { k } = params;
    const out = new Float64Array(data.rows * k);
    const scratch = new Float64Array(k);
    for (let i = 0; i < data.rows; i++) out[i * k + nearest(params, data.values, i * params.cols, scratch)] = 1;
    return out;
  },

  predict(params: KMeansParams, data: Dataset): Int32Array {
    checkCols(params, data);
    const out = new Int32Array(data.rows);
    const scratch = new Float64Array(params.k);
    for (let i = 0; i < data.rows; i++) out[i] = nearest(params, data.values, i * params.cols, scratch);
    return out;
  },

  parameterCount(): null {
    return null;
  },

  toJSON(params: KMeansParams, options: KMeansOptions): Record<string, unknown> {
    return {
      ...kmeansOptions.toModelFile({ ...options, k: params.k }),
      centers: toNested(params.centers, params.k, params.cols),
      dataVariance: params.dataVariance,
    };
  },

  fromJSON(json: Record<string, unknown>): { params: KMeansParams; options: KMeansOptions } {
    const options = kmeansOptions.fromModelFile(json);
    const { k, algorithm = 'auto' } = options;
    const m = readMatrix(json.centers, 'centers', k);
    // Only the convergence test uses dataVariance, and init recomputes it for every fit; a
    // hand-written model file may leave it out (tol is then absolute).
    let dataVariance = 1;
    if (json.dataVariance !== undefined) {
      dataVariance = readFiniteNumber(json.dataVariance, 'dataVariance');
      if (dataVariance < 0) throw new ModelFileError({ field: 'dataVariance', detail: `expected a number ≥ 0, got ${dataVariance}` });
    }
    return {
      params: { k, cols: m.cols, centers: m.values, dataVariance, algorithm: resolveAlgorithm(algorithm, k, m.cols) },
      options,
    };
  },
};
