import { type Dataset, type ModelPlugin, OptionError, totalWeight } from '@emkit/core';
import { type KMeansInitMethod, inertia } from '@emkit/kmeans';
import { Random, deriveSeed } from '@emkit/linalg';
import type { KMeansOptions } from '@emkit/kmeans';
import type { LearningRate } from './options.js';
import { type StochasticKMeansParams, runPass } from './pass.js';
import { minibatchKmeansPlugin, onlineKmeansPlugin } from './plugin.js';

export interface StochasticKMeansFitOptions {
  /** Starting centres, K rows of D numbers (overrides initMethod). */
  init?: readonly (readonly number[])[];
  initMethod?: KMeansInitMethod;
  /** Seed of the start and of the row orders; the same as `fit(…, { seed })`'s first restart. Default 0. */
  seed?: number;
  /** Maximum passes over the data; default 100. */
  maxPasses?: number;
  /** Stop after a pass whose centre shift Σ‖Δc‖² is ≤ tol × mean column variance; default 1e-4. */
  tol?: number;
}

export interface OnlineKMeansFitOptions extends StochasticKMeansFitOptions {
  learningRate?: LearningRate;
  t0?: number;
  kappa?: number;
}

export interface MiniBatchKMeansFitOptions extends StochasticKMeansFitOptions {
  batchSize?: number;
}

export interface StochasticKMeansResult {
  readonly params: StochasticKMeansParams;
  /** K×D row-major final centres. */
  readonly centers: Float64Array;
  /** The weight each centre was updated with over all passes. */
  readonly counts: Float64Array;
  /** The nearest final centre of each row. */
  readonly labels: Int32Array;
  /** Σ wᵢ·‖xᵢ − c(xᵢ)‖² at the final centres. */
  readonly inertia: number;
  readonly passes: number;
  /** Whether the centre shift fell below tol before maxPasses. */
  readonly converged: boolean;
}

/**
 * Runs passes synchronously in this thread with the plugin's own init, pass and convergence
 * test, so it gives exactly what `fit(plugin, data, options, { seed, tol, maxIter: maxPasses })`
 * gives — without the per-pass inertia the driver records (computed once, at the end).
 */
function runPasses<Options extends KMeansOptions>(
  plugin: ModelPlugin<StochasticKMeansParams, Options>,
  data: Dataset,
  rawOptions: Record<string, unknown>,
  { seed = 0, maxPasses = plugin.defaults.maxIter, tol = plugin.defaults.tol }: StochasticKMeansFitOptions,
): StochasticKMeansResult {
  if (!Number.isInteger(maxPasses) || maxPasses < 1) throw new OptionError({ field: 'maxPasses', detail: `must be an integer ≥ 1, got ${maxPasses}` });
  if (!(tol >= 0) || !Number.isFinite(tol)) throw new OptionError({ field: 'tol', detail: `must be a finite number ≥ 0, got ${tol}` });
  if (!Number.isInteger(seed)) throw new OptionError({ field: 'seed', detail: `must be an integer, got ${seed}` });
  if (data.rows === 0 || !(totalWeight(data) > 0)) throw new OptionError({ field: 'data', detail: 'no rows with positive weight to cluster' });
  const options = plugin.parseOptions(rawOptions);
  let params = plugin.init(data, options, new Random(deriveSeed(seed, 0)));
  let passes = 0;
  let converged = false;
  for (let pass = 1; pass <= maxPasses; pass++) {
    const next: StochasticKMeansParams = { ...params, ...runPass(params, data), passes: params.passes + 1 };
    converged = plugin.hasConverged!({ previous: params, next, meanLogLikelihood: NaN, previousMeanLogLikelihood: NaN, tol, iteration: pass });
    params = next;
    passes = pass;
    if (converged) break;
  }
  return { params, centers: params.centers, counts: params.counts, labels: plugin.predict(params, data), inertia: inertia(params, data), passes, converged };
}

function pluginOptions(k: number, options: StochasticKMeansFitOptions, own: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = { k, ...own };
  if (options.init !== undefined) raw.init = { centers: options.init };
  if (options.initMethod !== undefined) raw.initMethod = options.initMethod;
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return raw;
}

/** Online k-means (one row at a time, Robbins–Monro step sizes), pass by pass, in this thread. */
export function onlineKmeans(data: Dataset, k: number, options: OnlineKMeansFitOptions = {}): StochasticKMeansResult {
  const { learningRate, t0, kappa } = options;
  return runPasses(onlineKmeansPlugin, data, pluginOptions(k, options, { learningRate, t0, kappa }), options);
}

/** Mini-batch k-means (Sculley 2010), pass by pass, in this thread. */
export function minibatchKmeans(data: Dataset, k: number, options: MiniBatchKMeansFitOptions = {}): StochasticKMeansResult {
  return runPasses(minibatchKmeansPlugin, data, pluginOptions(k, options, { batchSize: options.batchSize }), options);
}
