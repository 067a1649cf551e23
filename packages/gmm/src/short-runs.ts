import { Random, deriveSeed } from '@emkit/linalg';
import { totalWeight, type Dataset, type InitProgress } from '@emkit/core';
import { createStats, estimateParameters, eStepRows } from './estimate.js';
import type { GmmOptions, InitMethod } from './options.js';
import type { CovarianceType, GmmParams } from './params.js';
import { mclustName } from './covariance/index.js';

/**
 * The short-runs strategy (emEM, Biernacki, Celeux & Govaert 2003): many cheap EM runs, each a
 * few iterations from its own start, then the best few (by log-likelihood) continued until the
 * mean log-likelihood changes by at most CONTINUE_TOL; the best of those is the start the
 * driver goes on from.
 *
 * The starts cycle through model-based hierarchical agglomeration (once: it is the same for
 * every seed when the data fit in its subsample), k-means, k-means++ seeds and random rows, so
 * the runs differ in kind as well as in seed. Run r draws from its own stream
 * deriveSeed(base, r), base taken once from the restart's stream: the result depends only on
 * the data, the options and the seed — it is the same on any thread and for any worker count.
 * A run that fails (a singular component, a non-finite value) is dropped; when every run fails
 * the last failure is thrown, and the driver records the restart as failed.
 *
 * Runs that end on a spurious maximiser rank after every other run: a component holding fewer
 * rows' worth of responsibility than its covariance needs to be non-singular (thinRows), whose
 * high likelihood comes from a covariance only regCovar keeps positive definite — five rows in
 * thirteen dimensions under a full covariance, say (McLachlan & Peel 2000, §3.10). mclust
 * reports such fits as singular; short runs find them often, since a high likelihood is what
 * they select on. Only when every run is spurious is the best of them taken. With a prior
 * (MAP-EM) the objective is bounded and no run is ranked down.
 *
 * With more rows than settings.rows (and no prior, which is resolved from all the data), the runs
 * fit a sample of settings.rows distinct rows drawn from the stream deriveSeed(base, runs), in
 * data order with their weights: the cost of the start no longer grows with N.
 */
export interface ShortRunsSettings {
  /** How many short runs. */
  readonly runs: number;
  /** EM iterations per short run. */
  readonly iterations: number;
  /** How many of the best short runs are continued. */
  readonly kept: number;
  /**
   * The most rows the short and continued runs fit: beyond it they fit a seeded sample of this
   * many rows, and the driver's EM goes on from the best over all rows (on its shards and
   * workers). Bounds emEM's cost at large N, where a start's basin shows on a sample.
   */
  readonly rows: number;
}

/** The continued runs stop when the mean log-likelihood changes by at most this (per unit weight)… */
export const CONTINUE_TOL = 1e-8;
/** …or after this many iterations (the driver continues from the best after that). */
export const CONTINUE_MAX_ITER = 500;

/** Start methods, in the order the runs cycle through them (hc only in the first cycle). */
const CYCLE: readonly InitMethod[] = ['kmeans', 'kmeans++', 'random'];

interface Run {
  params: GmmParams;
  /** Mean log-likelihood (the E-step's objective per unit weight) at `params`. */
  mean: number;
  index: number;
}

/**
 * The fewest rows' worth of responsibility a component of this structure needs for its
 * covariance to be estimable without regularisation: D + 1 when both its shape and its
 * orientation are its own (VVV, EVV: a full scatter of fewer rows is singular), 2 when its
 * volume or shape is its own (one row gives a variance of 0), none when every part is shared.
 */
export function thinRows(type: CovarianceType, d: number): number {
  const [volume, shape, orientation] = mclustName(type);
  if (shape === 'V' && orientation === 'V') return d + 1;
  return volume === 'V' || shape === 'V' ? 2 : 0;
}

/** Whether a component holds fewer rows' worth of responsibility (weight × total weight) than thinRows. */
function spurious(params: GmmParams, weight: number): boolean {
  const need = thinRows(params.covariance, params.d);
  for (let j = 0; j < params.k; j++) if (params.weights[j] * weight < need) return true;
  return false;
}

export function shortRunsStart(
  data: Dataset,
  options: GmmOptions,
  settings: ShortRunsSettings,
  random: Random,
  /** A single start (hc, k-means, …) on `sample`. */
  start: (sample: Dataset, options: GmmOptions, random: Random) => GmmParams,
  /** Hears of each short run done, then of each continued run (`emEM short runs 7/20 runs`). */
  onProgress?: (progress: InitProgress) => void,
): GmmParams {
  const base = random.nextUint32();
  const all = data;
  const sampled = Math.max(settings.rows, options.k);
  if (data.rows > sampled && !options.prior) data = sampleRows(data, sampled, new Random(deriveSeed(base, settings.runs)));
  const weight = totalWeight(data);
  const runs: Run[] = [];
  let lastError: unknown = null;
  for (let r = 0; r < settings.runs; r++) {
    const method: InitMethod = r === 0 ? 'hc' : CYCLE[(r - 1) % CYCLE.length];
    try {
      const params = start(data, { ...options, initMethod: method }, new Random(deriveSeed(base, r)));
      runs.push({ ...iterate(data, options, weight, params, settings.iterations, 0), index: r });
    } catch (error) {
      lastError = error;
    }
    onProgress?.({ method: 'emEM short runs', done: r + 1, total: settings.runs, unit: 'runs' });
  }
  if (runs.length === 0) throw lastError;
  // Spurious maximisers last; then highest log-likelihood first; the lower run index on ties, so
  // the order is deterministic.
  // A prior bounds the posterior: no maximiser is spurious then.
  const rank = (run: Run) => (!options.prior && spurious(run.params, weight) ? 1 : 0);
  const byFit = (a: Run, b: Run) => rank(a) - rank(b) || b.mean - a.mean || a.index - b.index;
  runs.sort(byFit);
  const continued: Run[] = [];
  const best = runs.slice(0, settings.kept);
  for (const [q, run] of best.entries()) {
    try {
      continued.push({ ...iterate(data, options, weight, run.params, CONTINUE_MAX_ITER, CONTINUE_TOL), index: run.index });
    } catch (error) {
      lastError = error;
    }
    onProgress?.({ method: 'emEM best runs continued', done: q + 1, total: best.length, unit: 'runs' });
  }
  if (continued.length === 0) throw lastError;
  // The driver counts its own iterations from here, over all rows.
  return { ...continued.sort(byFit)[0].params, iteration: 0, totalWeight: data === all ? weight : totalWeight(all) };
}

/** `m` distinct rows of `data` drawn uniformly (a partial Fisher–Yates shuffle), in data order, with their weights and missing cells. */
export function sampleRows(data: Dataset, m: number, random: Random): Dataset {
  const n = data.rows;
  const d = data.cols;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + random.nextInt(n - i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const picked = order.subarray(0, m).sort();
  const values = new Float64Array(m * d);
  const weights = data.weights ? new Float64Array(m) : null;
  const missing = data.missing ? new Uint8Array(m * d) : null;
  picked.forEach((row, i) => {
    values.set(data.values.subarray(row * d, (row + 1) * d), i * d);
    if (weights) weights[i] = (data.weights as Float64Array)[row];
    if (missing) missing.set((data.missing as Uint8Array).subarray(row * d, (row + 1) * d), i * d);
  });
  return { rows: m, cols: d, values, weights, columns: data.columns, ...(missing ? { missing } : {}) };
}

/**
 * Up to `iterations` EM iterations from `params` (stopping early when the mean log-likelihood
 * changes by at most `tol`); returns the last parameters and the mean log-likelihood at them.
 * A non-finite log-likelihood throws.
 */
function iterate(data: Dataset, options: GmmOptions, weight: number, params: GmmParams, iterations: number, tol: number): { params: GmmParams; mean: number } {
  const estimate = { ...options, totalWeight: weight };
  let previous = -Infinity;
  for (let it = 0; ; it++) {
    const stats = createStats(params);
    const mean = eStepRows(params, data, 0, data.rows, stats) / weight;
    if (!Number.isFinite(mean)) throw new Error(`the log-likelihood became ${mean}`);
    if (it === iterations || Math.abs(mean - previous) <= tol) return { params, mean };
    previous = mean;
    params = estimateParameters(params, stats, estimate);
  }
}
