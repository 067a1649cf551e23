import { type Dataset, FitError } from '@emkit/core';
import type { KMeansParams } from '@emkit/kmeans';
import { Random, argmin, deriveSeed, squaredDistance } from '@emkit/linalg';
import type { LearningRate } from './options.js';

/** How one pass moves the centres. */
export type Update =
  | { readonly kind: 'online'; readonly learningRate: LearningRate; readonly t0: number; readonly kappa: number }
  | { readonly kind: 'minibatch'; readonly batchSize: number };

/**
 * Parameters of online and mini-batch k-means: k-means' parameters (so @emkit/kmeans' predict,
 * scoreSamples and inertia apply as they are) plus the state of the stochastic approximation.
 */
export interface StochasticKMeansParams extends KMeansParams {
  /** nⱼ: the total weight each centre has been updated with so far (its step sizes shrink with it). */
  readonly counts: Float64Array;
  /** Rows of the training data (a pass visits all of them). */
  readonly rows: number;
  /** Seed of the row orders, drawn once from the driver's generator in init. */
  readonly seed: number;
  /** Passes made so far; pass p visits the rows in the order drawn from (seed, p). */
  readonly passes: number;
  readonly update: Update;
}

/** Index of the nearest centre (the first on ties); its squared distance is left in scratch[index]. */
export function nearestCenter(centers: Float64Array, k: number, d: number, X: ArrayLike<number>, off: number, scratch: Float64Array): number {
  for (let j = 0; j < k; j++) scratch[j] = squaredDistance(X, off, centers, j * d, d);
  return argmin(scratch, 0, k);
}

/** The order of the rows in pass `pass`: a seeded random permutation. */
export function passOrder(params: StochasticKMeansParams, pass: number): Int32Array {
  return new Random(deriveSeed(params.seed, pass)).sampleWithoutReplacement(params.rows, params.rows);
}

/**
 * One pass over every row of `data` in a seeded random order, from the centres and counts of
 * `params`. Rows of weight 0 are skipped; a row of weight w counts as w rows.
 *
 * online (MacQueen; Robbins–Monro): row by row, the nearest centre j gets nⱼ += w and
 *   cⱼ += η (x − cⱼ), η = w/nⱼ ('count') or min(1, w·(t0 + nⱼ)^−κ) ('power').
 * minibatch (Sculley 2010): rows in batches of `batchSize`; all rows of a batch are assigned to
 *   the centres as they were at the batch's start, then each centre takes its rows with the
 *   per-centre rate 1/nⱼ: cⱼ ← cⱼ + (Σ w x − (Σ w) cⱼ)/(nⱼ + Σ w), nⱼ += Σ w — the closed form of
 *   Sculley's row-by-row steps cⱼ += (w/nⱼ)(x − cⱼ), independent of the order within the batch.
 *
 * A centre no row goes to does not move.
 */
export function runPass(params: StochasticKMeansParams, data: Dataset): { centers: Float64Array; counts: Float64Array } {
  const { k, cols: d, update } = params;
  const { values: X, weights: W } = data;
  const centers = Float64Array.from(params.centers);
  const counts = Float64Array.from(params.counts);
  const order = passOrder(params, params.passes);
  const scratch = new Float64Array(k);
  if (update.kind === 'online') {
    const { learningRate, t0, kappa } = update;
    for (const i of order) {
      const w = W === null ? 1 : W[i];
      if (w === 0) continue;
      const j = nearestCenter(centers, k, d, X, i * d, scratch);
      counts[j] += w;
      const eta = learningRate === 'count' ? w / counts[j] : Math.min(1, w * Math.pow(t0 + counts[j], -kappa));
      for (let c = 0; c < d; c++) centers[j * d + c] += eta * (X[i * d + c] - centers[j * d + c]);
    }
  } else {
    const labels = new Int32Array(update.batchSize);
    const batchWeight = new Float64Array(k);
    const batchSum = new Float64Array(k * d);
    for (let start = 0; start < order.length; start += update.batchSize) {
      const end = Math.min(order.length, start + update.batchSize);
      for (let t = start; t < end; t++) labels[t - start] = nearestCenter(centers, k, d, X, order[t] * d, scratch);
      batchWeight.fill(0);
      batchSum.fill(0);
      for (let t = start; t < end; t++) {
        const i = order[t];
        const w = W === null ? 1 : W[i];
        if (w === 0) continue;
        const j = labels[t - start];
        batchWeight[j] += w;
        for (let c = 0; c < d; c++) batchSum[j * d + c] += w * X[i * d + c];
      }
      for (let j = 0; j < k; j++) {
        if (batchWeight[j] === 0) continue;
        counts[j] += batchWeight[j];
        for (let c = 0; c < d; c++) centers[j * d + c] += (batchSum[j * d + c] - batchWeight[j] * centers[j * d + c]) / counts[j];
      }
    }
  }
  return { centers, counts };
}

/**
 * The statistics of one driver iteration: the centres and counts after the pass (K·D + K
 * numbers, written by the first shard, zeros from the others) and the number of shards that ran
 * the pass (1 after a correct merge).
 */
export function statsLength(k: number, cols: number): number {
  return k * cols + k + 1;
}

export function checkWholeData(params: StochasticKMeansParams, data: Dataset, plugin: string): void {
  if (data.cols !== params.cols) throw new RangeError(`the model has ${params.cols} columns, the data ${data.cols}`);
  if (data.rows !== params.rows)
    throw new FitError({
      plugin,
      detail: `the E-step sees ${data.rows} rows but the fit has ${params.rows}: a pass visits every row in a random order, so the shard that runs it needs the whole data set (shared memory), not a copy of its shard`,
    });
}
