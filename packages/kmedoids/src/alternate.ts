import { FitError } from '@emkit/core';
import type { Dataset, RowRange } from '@emkit/core';
import { Random, deriveSeed } from '@emkit/linalg';
import { distanceFunction } from './metric.js';
import { type KMedoidsParams, checkWholeData, medoidOfRow, nearestMedoid } from './params.js';

/**
 * Statistics of the alternating method, for M candidate rows (every row, or the sampled ones):
 *
 *   [0, M)            cost[s]   Σ wᵢ·d(xᵢ, x_s) over the rows i of the cluster candidate s is in
 *   [M, 2M)           label[s]  1 + the cluster of candidate s (0: a row of weight 0, never a medoid)
 *   [2M, 2M + M·D)    coords[s] the candidate's values
 *
 * All three blocks add: a cost sums over the shards' rows, and each candidate's label and values
 * are written by the one shard that holds the candidate's row (the others leave zeros).
 *
 * The honest price of an exact medoid update that shards: the new medoid of a cluster is the
 * member of least total distance to the other members, so the E-step must produce that total
 * for every candidate (O(N) numbers, not a small sufficient statistic, and Σⱼ nⱼ² distance
 * evaluations per iteration — the same work as the unsharded method, spread over shards), and
 * the M-step, which has no data, must receive the winner's values. `maxCandidates` bounds M.
 */
export interface AlternateLayout {
  readonly candidates: number;
  readonly cost: number;
  readonly label: number;
  readonly coords: number;
  readonly length: number;
}

export function alternateLayout(candidates: number, cols: number): AlternateLayout {
  return { candidates, cost: 0, label: candidates, coords: 2 * candidates, length: candidates * (2 + cols) };
}

export function candidateCount(params: KMedoidsParams): number {
  return params.candidates === null ? params.rows : params.candidates.length;
}

/** A medoid moves only when a candidate beats it by more than this relative amount (no round-off cycling). */
const RELATIVE_IMPROVEMENT = 1e-12;

/**
 * The rows to evaluate as new medoids in the E-step after M-step `iteration`: `maxCandidates`
 * rows drawn without replacement from a generator seeded by (seed, iteration), plus the medoids
 * (so a cluster can always keep its medoid and the cost never rises), sorted. null when every
 * row is evaluated.
 */
export function sampleCandidates(rows: number, maxCandidates: number | null, medoidIndices: Int32Array, seed: number, iteration: number): Int32Array | null {
  if (maxCandidates === null || maxCandidates >= rows) return null;
  const drawn = new Random(deriveSeed(seed, iteration)).sampleWithoutReplacement(rows, maxCandidates);
  const set = new Set<number>(drawn);
  for (const m of medoidIndices) set.add(m);
  return Int32Array.from(set).sort();
}

/** The candidate slot of each medoid (the row itself when every row is a candidate). */
function medoidSlots(params: KMedoidsParams): Int32Array {
  const cand = params.candidates;
  return Int32Array.from(params.medoidIndices, (row) => {
    if (cand === null) return row;
    let lo = 0;
    let hi = cand.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cand[mid] === row) return mid;
      if (cand[mid] < row) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new FitError({ plugin: 'kmedoids', detail: `medoid row ${row} is missing from the candidate rows` });
  });
}

/**
 * Assigns rows [range.start, range.end) to their nearest medoid (a medoid's own row to its
 * medoid, whatever the ties) and adds, for every candidate of the same cluster, the weighted
 * distance to it. Returns −Σ wᵢ·d(xᵢ, nearest medoid) over the range.
 */
export function alternateEStep(params: KMedoidsParams, data: Dataset, range: RowRange, stats: Float64Array): number {
  checkWholeData(params, data);
  const { k, cols: d } = params;
  const distance = distanceFunction(params.metric);
  const { values: X, weights: W } = data;
  const cand = params.candidates;
  const m = candidateCount(params);
  const L = alternateLayout(m, d);
  if (stats.length !== L.length) throw new RangeError(`k-medoids statistics for ${m} candidates have length ${L.length}, got ${stats.length}`);
  const medoidOf = medoidOfRow(params);
  const scratch = new Float64Array(k);
  const labelOf = (row: number): number => (medoidOf[row] >= 0 ? medoidOf[row] : nearestMedoid(params, distance, X, row * d, scratch));

  // Candidates grouped by cluster (counting sort, slot order within a cluster).
  const candidateLabel = new Int32Array(m);
  const bucketStart = new Int32Array(k + 1);
  for (let s = 0; s < m; s++) {
    const row = cand === null ? s : cand[s];
    candidateLabel[s] = W !== null && W[row] === 0 ? -1 : labelOf(row);
    if (candidateLabel[s] >= 0) bucketStart[candidateLabel[s] + 1]++;
  }
  for (let j = 0; j < k; j++) bucketStart[j + 1] += bucketStart[j];
  const fill = bucketStart.slice(0, k);
  const bucket = new Int32Array(bucketStart[k]);
  for (let s = 0; s < m; s++) if (candidateLabel[s] >= 0) bucket[fill[candidateLabel[s]]++] = s;

  let cost = 0;
  for (let i = range.start; i < range.end; i++) {
    const w = W === null ? 1 : W[i];
    if (w === 0) continue;
    const off = i * d;
    const label = labelOf(i);
    cost += w * (medoidOf[i] >= 0 ? 0 : scratch[label]);
    for (let t = bucketStart[label]; t < bucketStart[label + 1]; t++) {
      const s = bucket[t];
      const row = cand === null ? s : cand[s];
      stats[L.cost + s] += w * distance(X, off, X, row * d, d);
    }
  }

  const write = (s: number, row: number): void => {
    stats[L.label + s] = candidateLabel[s] + 1;
    for (let c = 0; c < d; c++) stats[L.coords + s * d + c] = X[row * d + c];
  };
  if (cand === null) for (let i = range.start; i < range.end; i++) write(i, i);
  else for (let s = 0; s < m; s++) if (cand[s] >= range.start && cand[s] < range.end) write(s, cand[s]);
  return -cost;
}

/**
 * Each cluster's new medoid: the candidate of least total distance to the cluster's rows (the
 * lowest row on ties), when it beats the current medoid by more than round-off; otherwise the
 * medoid stays, so the cost never rises and a fixed point is final.
 */
export function alternateMStep(params: KMedoidsParams, stats: Float64Array, maxCandidates: number | null): KMedoidsParams {
  const { k, cols: d } = params;
  const m = candidateCount(params);
  const L = alternateLayout(m, d);
  if (stats.length !== L.length) throw new RangeError(`k-medoids statistics for ${m} candidates have length ${L.length}, got ${stats.length}`);
  const cand = params.candidates;
  const bestSlot = new Int32Array(k).fill(-1);
  const bestCost = new Float64Array(k).fill(Infinity);
  for (let s = 0; s < m; s++) {
    const label = stats[L.label + s] - 1;
    if (label < 0) continue;
    if (stats[L.cost + s] < bestCost[label]) {
      bestCost[label] = stats[L.cost + s];
      bestSlot[label] = s;
    }
  }
  const medoidIndices = Int32Array.from(params.medoidIndices);
  const medoids = Float64Array.from(params.medoids);
  const slots = medoidSlots(params);
  for (let j = 0; j < k; j++) {
    const slot = slots[j];
    if (stats[L.label + slot] !== j + 1)
      throw new FitError({
        plugin: 'kmedoids',
        detail: `the statistics do not place medoid ${j} (row ${params.medoidIndices[j]}) in its own cluster; were the shards' statistics merged from the whole data?`,
      });
    const current = stats[L.cost + slot];
    const best = bestSlot[j];
    if (best === slot || !(bestCost[j] < current * (1 - RELATIVE_IMPROVEMENT))) continue;
    medoidIndices[j] = cand === null ? best : cand[best];
    medoids.set(stats.subarray(L.coords + best * d, L.coords + (best + 1) * d), j * d);
  }
  const iteration = params.iteration + 1;
  return { ...params, medoidIndices, medoids, iteration, candidates: sampleCandidates(params.rows, maxCandidates, medoidIndices, params.seed, iteration) };
}
