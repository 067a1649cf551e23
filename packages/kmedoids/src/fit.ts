import { type Dataset, type ModelPlugin, OptionError, planShards, resolveDriverOptions, runShardsInProcess, totalWeight } from '@emkit/core';
import { Random, deriveSeed } from '@emkit/linalg';
import type { Metric } from './metric.js';
import type { KMedoidsInitMethod, KMedoidsMethod } from './options.js';
import type { KMedoidsParams } from './params.js';
import { kmedoidsPlugin } from './plugin.js';

export interface KMedoidsFitOptions {
  method?: KMedoidsMethod;
  metric?: Metric;
  initMethod?: KMedoidsInitMethod;
  /** Starting medoids: K distinct 0-based row indices. */
  init?: readonly number[];
  maxCandidates?: number;
  /** Maximum iterations (PAM: swaps + 1); default 300. */
  maxIter?: number;
  /** Relative cost drop below which the fit stops early; default 0 (run to a fixed point). */
  tol?: number;
  /** Seed of the starting medoids; the same as `fit(…, { seed })`'s first restart. Default 0. */
  seed?: number;
}

export interface KMedoidsResult {
  readonly params: KMedoidsParams;
  /** The medoids as 0-based row indices of `data`. */
  readonly medoidIndices: Int32Array;
  /** K×D row-major: the medoids' values. */
  readonly medoids: Float64Array;
  /** The nearest medoid of each row. */
  readonly labels: Int32Array;
  /** Σ wᵢ·d(xᵢ, nearest medoid) at the final medoids. */
  readonly cost: number;
  readonly iterations: number;
  readonly converged: boolean;
}

// The driver's helpers take a plugin of unknown options; the plugin's hooks ignore their type.
const plugin = kmedoidsPlugin as ModelPlugin<KMedoidsParams, unknown>;

/** Σ wᵢ·d(xᵢ, nearest medoid) of `data` at `params` (the inertia of k-medoids), summed in row order. */
export function totalCost(params: KMedoidsParams, data: Dataset): number {
  return 0 - plugin.scoreSamples(params, data).reduce((s, x, i) => s + (data.weights === null ? x : data.weights[i] * x), 0);
}

/**
 * k-medoids synchronously in this thread. It runs the plugin's own init, E-step, M-step and
 * convergence test over the driver's shard plan, so it gives exactly what
 * `fit(kmedoidsPlugin, data, { k, … }, { seed, tol, maxIter })` gives.
 */
export function kmedoids(data: Dataset, k: number, options: KMedoidsFitOptions = {}): KMedoidsResult {
  const { maxIter: rawMaxIter, tol: rawTol, seed = 0, init, ...rest } = options;
  const parsed = kmedoidsPlugin.parseOptions({ k, ...rest, ...(init !== undefined ? { init: { medoidIndices: init } } : {}) });
  const { tol, maxIter } = resolveDriverOptions(plugin, { tol: rawTol, maxIter: rawMaxIter, seed });
  const summary = { rows: data.rows, cols: data.cols, totalWeight: totalWeight(data) };
  if (data.rows === 0 || !(summary.totalWeight > 0)) throw new OptionError({ field: 'data', detail: 'no rows with positive weight to cluster' });
  const shards = planShards(data.rows);
  let params = kmedoidsPlugin.init(data, parsed, new Random(deriveSeed(seed, 0)));
  let previous = -Infinity;
  let iterations = 0;
  let converged = false;
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    const { stats, logLikelihood } = runShardsInProcess(plugin, params, data, shards);
    const mean = logLikelihood / summary.totalWeight;
    const next = kmedoidsPlugin.mStep(params, stats, summary, parsed);
    converged = kmedoidsPlugin.hasConverged!({ previous: params, next, meanLogLikelihood: mean, previousMeanLogLikelihood: previous, tol, iteration });
    params = next;
    previous = mean;
    iterations = iteration;
    if (converged) break;
  }
  return {
    params,
    medoidIndices: params.medoidIndices,
    medoids: params.medoids,
    labels: kmedoidsPlugin.predict(params, data),
    cost: totalCost(params, data),
    iterations,
    converged,
  };
}

/** PAM: BUILD (unless `initMethod` or `init` say otherwise), then best swaps while the cost drops. */
export function pam(data: Dataset, k: number, options: Omit<KMedoidsFitOptions, 'method' | 'maxCandidates'> = {}): KMedoidsResult {
  return kmedoids(data, k, { ...options, method: 'pam' });
}
