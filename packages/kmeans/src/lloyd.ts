import { type Dataset, type InitProgress, type ModelPlugin, OptionError, ShardStates, planShards, runShardsInProcess, totalWeight } from '@emkit/core';
import { Random } from '@emkit/linalg';
import type { KMeansOptions } from './options.js';
import { type KMeansParams, kmeansPlugin } from './plugin.js';

export interface LloydOptions {
  /** Maximum iterations; default 300. */
  maxIter?: number;
  /** Relative tolerance on the centre shift (scikit-learn's convention); default 1e-4. */
  tol?: number;
  /** Hears of each iteration run (`k-means 4/300 iterations`, the total being maxIter). */
  onProgress?: (progress: InitProgress) => void;
}

export interface LloydResult {
  /** K×D row-major final centres. */
  readonly centers: Float64Array;
  /** The nearest final centre of each row. */
  readonly labels: Int32Array;
  /** Σ wᵢ·‖xᵢ − c(xᵢ)‖² at the final centres. */
  readonly inertia: number;
  readonly iterations: number;
}

// The driver's helpers take a plugin of unknown options; the plugin ignores them outside init.
const plugin = kmeansPlugin as ModelPlugin<KMeansParams, unknown>;

/** Σ wᵢ·‖xᵢ − c(xᵢ)‖² (the inertia) of `data` at the centres of `params`, summed as the driver sums it. */
export function inertia(params: KMeansParams, data: Dataset): number {
  return -runShardsInProcess(plugin, params, data, planShards(data.rows)).logLikelihood;
}

/**
 * Lloyd's algorithm from given centres, synchronously in this thread: the k-means start of the
 * GMM plugin. It runs the plugin's own E-step, M-step and convergence test over the driver's
 * shard plan, so it gives exactly what `fit(kmeansPlugin, data, { k, init }, { tol, maxIter })`
 * gives.
 */
export function lloyd(data: Dataset, initialCenters: Float64Array, k: number, options: LloydOptions = {}): LloydResult {
  const tol = options.tol ?? kmeansPlugin.defaults.tol;
  const maxIter = options.maxIter ?? kmeansPlugin.defaults.maxIter;
  if (!(tol >= 0) || !Number.isFinite(tol)) throw new OptionError({ field: 'tol', detail: `must be a finite number ≥ 0, got ${tol}` });
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new OptionError({ field: 'maxIter', detail: `must be an integer ≥ 1, got ${maxIter}` });
  if (!Number.isInteger(k) || k < 1) throw new OptionError({ field: 'k', detail: `expected an integer ≥ 1, got ${k}` });
  if (initialCenters.length !== k * data.cols)
    throw new OptionError({ field: 'init.centers', detail: `expected ${k}×${data.cols} = ${k * data.cols} values, got ${initialCenters.length}` });
  const summary = { rows: data.rows, cols: data.cols, totalWeight: totalWeight(data) };
  if (data.rows === 0 || !(summary.totalWeight > 0)) throw new OptionError({ field: 'data', detail: 'no rows with positive weight to cluster' });

  const options_: KMeansOptions = { k, init: { centers: initialCenters, cols: data.cols }, initMethod: 'kmeans++', algorithm: 'auto' };
  const shards = planShards(data.rows);
  // Per-shard bounds kept between iterations, as the driver's in-process executor keeps them.
  const states = new ShardStates();
  // Given centres: init draws nothing from the generator.
  let params = kmeansPlugin.init(data, options_, new Random(0));
  let previousMean = -Infinity;
  let iterations = 0;
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    const { stats, logLikelihood } = runShardsInProcess(plugin, params, data, shards, undefined, states);
    const mean = logLikelihood / summary.totalWeight;
    const next = kmeansPlugin.mStep(params, stats, summary, options_);
    const converged = kmeansPlugin.hasConverged!({ previous: params, next, meanLogLikelihood: mean, previousMeanLogLikelihood: previousMean, tol, iteration });
    params = next;
    previousMean = mean;
    iterations = iteration;
    options.onProgress?.({ method: 'k-means', done: iteration, total: maxIter, unit: 'iterations' });
    if (converged) break;
  }
  return { centers: params.centers, labels: kmeansPlugin.predict(params, data), inertia: inertia(params, data), iterations };
}
