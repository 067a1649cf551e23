import { type Dataset, OptionError } from '@emkit/core';
import { kmeansPlusPlusCenters, randomRowCenters } from '@emkit/kmeans';
import type { Random } from '@emkit/linalg';
import { type Metric, distanceFunction } from './metric.js';

function positive(data: Dataset, i: number): boolean {
  return data.weights === null || data.weights[i] > 0;
}

export function countPositiveRows(data: Dataset): number {
  if (data.weights === null) return data.rows;
  let n = 0;
  for (let i = 0; i < data.rows; i++) if (data.weights[i] > 0) n++;
  return n;
}

function checkK(data: Dataset, k: number): void {
  const rows = countPositiveRows(data);
  if (k > rows) throw new OptionError({ field: 'k', detail: `${k} medoids need at least ${k} rows of positive weight, the data has ${rows}` });
}

/**
 * PAM's BUILD (Kaufman & Rousseeuw): the first medoid is the row of least total distance to all
 * rows; each further medoid is the row that lowers the total cost Σ wₒ·min_m d(xₒ, m) the most
 * (the lowest row index on ties). Deterministic; O(K·N²·D) distance evaluations.
 */
export function buildMedoids(data: Dataset, k: number, metric: Metric): Int32Array {
  checkK(data, k);
  const distance = distanceFunction(metric);
  const { rows: n, cols: d, values: X, weights: W } = data;
  const nearest = new Float64Array(n).fill(Infinity);
  const chosen = new Uint8Array(n);
  const medoids = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    let best = -1;
    let bestCost = Infinity;
    for (let c = 0; c < n; c++) {
      if (chosen[c] || !positive(data, c)) continue;
      // The cost after adding c (minimising it is maximising BUILD's gain).
      let cost = 0;
      for (let o = 0; o < n; o++) {
        const w = W === null ? 1 : W[o];
        if (w === 0) continue;
        const dist = distance(X, o * d, X, c * d, d);
        cost += w * (dist < nearest[o] ? dist : nearest[o]);
      }
      if (cost < bestCost || best < 0) {
        bestCost = cost;
        best = c;
      }
    }
    medoids[j] = best;
    chosen[best] = 1;
    for (let o = 0; o < n; o++) {
      const dist = distance(X, o * d, X, best * d, d);
      if (dist < nearest[o]) nearest[o] = dist;
    }
  }
  return medoids;
}

/**
 * The row indices of K centres that are copies of data rows (what @emkit/kmeans' seeders
 * return): each centre maps to the first unused row of positive weight with exactly its values.
 * When a seeder repeats a row (k-means++ once every row sits on a centre), the repeat takes the
 * first unused row of positive weight, which then also costs nothing.
 */
export function rowsOfCenters(data: Dataset, centers: Float64Array, k: number): Int32Array {
  const { rows: n, cols: d, values: X } = data;
  const used = new Uint8Array(n);
  const out = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    let row = -1;
    for (let i = 0; i < n && row < 0; i++) {
      if (used[i] || !positive(data, i)) continue;
      let same = true;
      for (let c = 0; c < d && same; c++) same = X[i * d + c] === centers[j * d + c];
      if (same) row = i;
    }
    for (let i = 0; i < n && row < 0; i++) if (!used[i] && positive(data, i)) row = i;
    out[j] = row;
    used[row] = 1;
  }
  return out;
}

/**
 * k-medoids++: the greedy k-means++ seeding of @emkit/kmeans (D² sampling, 2 + ⌊ln K⌋ trials),
 * which picks data rows, mapped back to their row indices. The seeding works with squared
 * Euclidean distances whatever the metric; it only has to spread the starting medoids.
 */
export function kmedoidsPlusPlus(data: Dataset, k: number, random: Random): Int32Array {
  checkK(data, k);
  return rowsOfCenters(data, kmeansPlusPlusCenters(data, k, random), k);
}

/** K distinct rows of positive weight (drawn in proportion to the weights), as @emkit/kmeans' random start. */
export function randomMedoids(data: Dataset, k: number, random: Random): Int32Array {
  checkK(data, k);
  return rowsOfCenters(data, randomRowCenters(data, k, random), k);
}

/** Checks given medoid rows against the data: in range and of positive weight. */
export function checkMedoidRows(data: Dataset, indices: Int32Array, field = 'init.medoidIndices'): void {
  indices.forEach((i, j) => {
    if (i >= data.rows) throw new OptionError({ field: `${field}[${j}]`, detail: `row ${i} does not exist; the data has ${data.rows} rows (indices are 0-based)` });
    if (!positive(data, i)) throw new OptionError({ field: `${field}[${j}]`, detail: `row ${i} has sample weight 0 and cannot be a medoid` });
  });
}
