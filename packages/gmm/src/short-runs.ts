import { Random, deriveSeed } from '@emkit/linalg';
import { columnMoments, totalWeight, type Dataset, type InitProgress } from '@emkit/core';
import { EMPTY_COMPONENT_GUARD, createStats, estimateParameters, eStepRows } from './estimate.js';
import type { GmmOptions, InitMethod } from './options.js';
import type { CovarianceType, GmmParams } from './params.js';
import { covarianceModel, mclustName } from './covariance/index.js';

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
 * Runs that end on a spurious maximiser rank after every other run: a component whose high
 * likelihood comes from a covariance its own rows cannot support (McLachlan & Peel 2000,
 * §3.10), kept positive definite only by regCovar or by what it shares with other components.
 * It holds fewer rows' worth of responsibility than its covariance needs (thinRows: five rows in
 * thirteen dimensions under a full covariance, say), or its rows' own scatter is singular
 * (degenerateScatter: rows tied at one value of a rounded column, as faithful's waiting times
 * are). mclust reports such fits as singular; short runs find them often, since a high
 * likelihood is what they select on. Only when every run is spurious is the best of them taken.
 * With a prior (MAP-EM) the objective is bounded and no run is ranked down.
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
  /** Whether it ended on a spurious maximiser (isSpurious); never with a prior. */
  spurious: boolean;
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

/** A normalised variance of a component's own scatter at most this is none (round-off of a singular scatter). */
const NO_SPREAD = 1e-12;

/** The structure whose statistics (and ML M-step) a covariance type uses: full, diag, spherical or tied. */
function statisticsStructure(type: CovarianceType): CovarianceType {
  const name = mclustName(type);
  if (name === 'EEE') return 'tied';
  if (name[2] !== 'I') return 'full';
  return name[1] === 'I' ? 'spherical' : 'diag';
}

/**
 * Whether some component's own scatter — the unregularised ML covariance of its rows, from the
 * statistics of an E-step at `params` — is singular: after dividing each coordinate by the
 * data's standard deviation in it, a variance (diag) or a squared Cholesky pivot (full) of at
 * most NO_SPREAD. Plain arithmetic, so the same verdict on every engine. Structures whose
 * statistics pool the components' coordinates (spherical) or the components (tied) are not
 * judged here.
 */
export function degenerateScatter(params: GmmParams, stats: Float64Array, columnDeviations: Float64Array): boolean {
  const { k, d } = params;
  const structure = statisticsStructure(params.covariance);
  if (k < 2 || (structure !== 'full' && structure !== 'diag')) return false;
  const model = covarianceModel(structure);
  const nk = stats.subarray(0, k);
  const nkEffective = nk.map((n) => n + EMPTY_COMPONENT_GUARD);
  const firstMoments = stats.subarray(k, k + k * d);
  const means = params.means.map((m, i) => m + firstMoments[i] / nkEffective[Math.floor(i / d)]);
  const own = model.fromStats({ params, nk, nkEffective, firstMoments, block: stats, blockOff: k + k * d, means, ridge: new Float64Array(d), prior: null });
  const scale = columnDeviations.map((s) => (s > 0 ? 1 / s : 1));
  if (structure === 'full') {
    for (let j = 0; j < k; j++)
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) own[j * d * d + a * d + b] = own[j * d * d + a * d + b] * scale[a] * scale[b] - (a === b ? NO_SPREAD : 0);
  } else for (let i = 0; i < own.length; i++) own[i] = own[i] * scale[i % d] * scale[i % d] - NO_SPREAD;
  for (let j = 0; j < k; j++) if (!(model.smallestVariance(own, j, d) > 0)) return true;
  return false;
}

/**
 * Whether EM at `params` (its E-step's statistics `stats`) ended on a spurious maximiser: a thin
 * component (thinRows), or one whose own scatter is singular (degenerateScatter).
 */
function isSpurious(params: GmmParams, stats: Float64Array, weight: number, columnDeviations: Float64Array): boolean {
  const need = thinRows(params.covariance, params.d);
  for (let j = 0; j < params.k; j++) if (params.weights[j] * weight < need) return true;
  return degenerateScatter(params, stats, columnDeviations);
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
  const { deviation } = columnMoments(data);
  /** EM from `params` (see iterate), judged once: a prior bounds the posterior, so no maximiser is spurious then. */
  const runFrom = (params: GmmParams, iterations: number, tol: number, index: number): Run => {
    const end = iterate(data, options, weight, params, iterations, tol);
    return { params: end.params, mean: end.mean, spurious: !options.prior && isSpurious(end.params, end.stats, weight, deviation), index };
  };
  const runs: Run[] = [];
  let lastError: unknown = null;
  for (let r = 0; r < settings.runs; r++) {
    const method: InitMethod = r === 0 ? 'hc' : CYCLE[(r - 1) % CYCLE.length];
    try {
      const params = start(data, { ...options, initMethod: method }, new Random(deriveSeed(base, r)));
      runs.push(runFrom(params, settings.iterations, 0, r));
    } catch (error) {
      lastError = error;
    }
    onProgress?.({ method: 'emEM short runs', done: r + 1, total: settings.runs, unit: 'runs' });
  }
  if (runs.length === 0) throw lastError;
  // Spurious maximisers last; then highest log-likelihood first; the lower run index on ties, so
  // the order is deterministic.
  const byFit = (a: Run, b: Run) => Number(a.spurious) - Number(b.spurious) || b.mean - a.mean || a.index - b.index;
  runs.sort(byFit);
  const continued: Run[] = [];
  const best = runs.slice(0, settings.kept);
  for (const [q, run] of best.entries()) {
    try {
      continued.push(runFrom(run.params, CONTINUE_MAX_ITER, CONTINUE_TOL, run.index));
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
function iterate(data: Dataset, options: GmmOptions, weight: number, params: GmmParams, iterations: number, tol: number): { params: GmmParams; mean: number; stats: Float64Array } {
  const estimate = { ...options, totalWeight: weight };
  let previous = -Infinity;
  for (let it = 0; ; it++) {
    const stats = createStats(params);
    const mean = eStepRows(params, data, 0, data.rows, stats) / weight;
    if (!Number.isFinite(mean)) throw new Error(`the log-likelihood became ${mean}`);
    if (it === iterations || Math.abs(mean - previous) <= tol) return { params, mean, stats };
    previous = mean;
    params = estimateParameters(params, stats, estimate);
  }
}
