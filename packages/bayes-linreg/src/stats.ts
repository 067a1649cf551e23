import { InputError, type Dataset } from '@emkit/core';
import { axpy, dot, symmetrizeFromLower, syrLower } from '@emkit/linalg';

/**
 * Sufficient statistics of M design columns, one flat array that adds over shards:
 *
 *   [0]                 N = Σ wᵢ
 *   [1]                 R = Σ wᵢ (tᵢ − φᵢᵀm)², the residuals around the posterior mean m of the
 *                       parameters the E-step used (the same m on every shard, so R still adds)
 *   [2]                 tᵀt = Σ wᵢ tᵢ²
 *   [3, 3+M)            Φᵀt = Σ wᵢ tᵢ φᵢ
 *   [3+M, 3+M+M²)       ΦᵀΦ = Σ wᵢ φᵢφᵢᵀ, lower triangle only (the upper stays 0)
 *
 * Both update rules need ‖t − Φm_N‖², which R holds directly: tᵀt − 2m_NᵀΦᵀt + m_NᵀΦᵀΦm_N would
 * cancel badly whenever the model fits well. tᵀt is kept only as the scale R is compared with
 * (to tell an exact fit from a good one).
 */
export const N_INDEX = 0;
export const RESIDUAL_INDEX = 1;
export const TARGET_SQUARES_INDEX = 2;
export const PHI_T_OFFSET = 3;

export function statsLength(m: number): number {
  return 3 + m + m * m;
}

export function gramOffset(m: number): number {
  return 3 + m;
}

/** ΦᵀΦ as a full symmetric M×M matrix (a copy). */
export function gramFromStats(stats: Float64Array, m: number): Float64Array {
  const off = gramOffset(m);
  const g = stats.slice(off, off + m * m);
  symmetrizeFromLower(g, 0, m);
  return g;
}

/** Φᵀt (a view). */
export function phiTFromStats(stats: Float64Array, m: number): Float64Array {
  return stats.subarray(PHI_T_OFFSET, PHI_T_OFFSET + m);
}

/** The targets, or an error telling the user how to give them. */
export function requireTarget(data: Dataset): Float64Array {
  if (!data.target)
    throw new InputError({
      file: 'data',
      detail: 'Bayesian linear regression needs a target (response) for every row: pass --target <column> on the command line, or `target` to createDataset',
    });
  return data.target;
}

export function requireColumns(data: Dataset, m: number): void {
  if (data.cols !== m) throw new InputError({ file: 'data', detail: `the model has ${m} design columns but the data has ${data.cols}` });
}

/**
 * Adds the statistics of rows [start, end) into `stats`, with residuals around `mean`, and
 * returns this range's Σ wᵢ and Σ wᵢ(tᵢ − φᵢᵀmean)² (what the log evidence needs).
 */
export function accumulateStats(
  data: Dataset,
  target: Float64Array,
  start: number,
  end: number,
  mean: Float64Array,
  stats: Float64Array,
): { weight: number; residualSumOfSquares: number } {
  const m = mean.length;
  const x = data.values;
  const gOff = gramOffset(m);
  let weight = 0;
  let rss = 0;
  let squares = 0;
  for (let i = start; i < end; i++) {
    const w = data.weights === null ? 1 : data.weights[i];
    if (w === 0) continue;
    const off = i * m;
    const t = target[i];
    const r = t - dot(x, off, mean, 0, m);
    weight += w;
    rss += w * r * r;
    squares += w * t * t;
    axpy(w * t, x, off, stats, PHI_T_OFFSET, m);
    syrLower(w, x, off, stats, gOff, m);
  }
  stats[N_INDEX] += weight;
  stats[RESIDUAL_INDEX] += rss;
  stats[TARGET_SQUARES_INDEX] += squares;
  return { weight, residualSumOfSquares: rss };
}
