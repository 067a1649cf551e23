import type { Dataset, InitProgress } from '@emkit/core';
import { type Random, squaredDistance } from '@emkit/linalg';

function checkK(data: Dataset, k: number, positiveRows: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer ≥ 1, got ${k}`);
  if (k > positiveRows) throw new RangeError(`cannot choose ${k} centres from ${positiveRows} rows of positive weight`);
}

function countPositiveRows(data: Dataset): number {
  if (data.weights === null) return data.rows;
  let n = 0;
  for (let i = 0; i < data.rows; i++) if (data.weights[i] > 0) n++;
  return n;
}

function copyRows(data: Dataset, rows: ArrayLike<number>, k: number): Float64Array {
  const d = data.cols;
  const centers = new Float64Array(k * d);
  for (let j = 0; j < k; j++) centers.set(data.values.subarray(rows[j] * d, (rows[j] + 1) * d), j * d);
  return centers;
}

/**
 * k distinct rows as starting centres (K×D row-major). Unweighted data: a uniform draw without
 * replacement. Weighted data: successive draws proportional to the sample weights among the rows
 * not yet drawn (scikit-learn ≥ 1.3's `choice(p=w/Σw, replace=False)`); weight-0 rows are never
 * chosen.
 */
export function randomRowCenters(data: Dataset, k: number, random: Random): Float64Array {
  checkK(data, k, countPositiveRows(data));
  if (data.weights === null) return copyRows(data, random.sampleWithoutReplacement(data.rows, k), k);
  const remaining = Float64Array.from(data.weights);
  const rows = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    rows[j] = random.nextWeighted(remaining, 0, data.rows);
    remaining[rows[j]] = 0;
  }
  return copyRows(data, rows, k);
}

/**
 * Greedy k-means++ as in scikit-learn's `_kmeans_plusplus`: the first centre is a row drawn in
 * proportion to its sample weight; each further centre is the best of 2 + ⌊ln k⌋ candidate rows,
 * each drawn with probability ∝ wᵢ·D(xᵢ)² (D: distance to the nearest centre so far), where
 * "best" means the smallest resulting potential Σ wᵢ·D(xᵢ)². Returns K×D row-major.
 * `onProgress` hears of each centre chosen (`k-means++ 3/8 centres`).
 */
export function kmeansPlusPlusCenters(data: Dataset, k: number, random: Random, onProgress?: (progress: InitProgress) => void): Float64Array {
  const positiveRows = countPositiveRows(data);
  checkK(data, k, positiveRows);
  const { rows: n, cols: d, values: X, weights: w } = data;
  const trials = 2 + Math.floor(Math.log(k));
  const centers = new Float64Array(k * d);
  const closest = new Float64Array(n); // D(xᵢ)² to the nearest chosen centre
  const weighted = new Float64Array(n); // wᵢ·D(xᵢ)², the sampling weights
  const candidateDistances = new Float64Array(trials * n);
  const candidates = new Int32Array(trials);

  const drawByWeight = (): number => (w === null ? random.nextInt(n) : random.nextWeighted(w, 0, n));
  const first = drawByWeight();
  centers.set(X.subarray(first * d, (first + 1) * d), 0);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    closest[i] = squaredDistance(X, i * d, X, first * d, d);
    weighted[i] = w === null ? closest[i] : w[i] * closest[i];
    potential += weighted[i];
  }
  onProgress?.({ method: 'k-means++', done: 1, total: k, unit: 'centres' });

  for (let c = 1; c < k; c++) {
    for (let t = 0; t < trials; t++) {
      // When every row coincides with a chosen centre the potential is 0: fall back to the weights.
      candidates[t] = potential > 0 ? random.nextWeighted(weighted, 0, n) : drawByWeight();
    }
    let best = 0;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const off = t * n;
      const cand = candidates[t] * d;
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const dist = Math.min(closest[i], squaredDistance(X, i * d, X, cand, d));
        candidateDistances[off + i] = dist;
        pot += w === null ? dist : w[i] * dist;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        best = t;
      }
    }
    centers.set(X.subarray(candidates[best] * d, (candidates[best] + 1) * d), c * d);
    potential = 0;
    for (let i = 0; i < n; i++) {
      closest[i] = candidateDistances[best * n + i];
      weighted[i] = w === null ? closest[i] : w[i] * closest[i];
      potential += weighted[i];
    }
    onProgress?.({ method: 'k-means++', done: c + 1, total: k, unit: 'centres' });
  }
  return centers;
}

/**
 * The mean over columns of the (sample-weighted, population) variance of each column: the scale
 * of scikit-learn's relative tolerance, tol_abs = tol × this. Two-pass, so large offsets do not
 * cancel.
 */
export function meanColumnVariance(data: Dataset): number {
  const { rows: n, cols: d, values: X, weights: w } = data;
  let total = 0;
  for (let i = 0; i < n; i++) total += w === null ? 1 : w[i];
  if (!(total > 0)) return 0;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = w === null ? 1 : w[i];
    for (let j = 0; j < d; j++) mean[j] += wi * X[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= total;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const wi = w === null ? 1 : w[i];
    for (let j = 0; j < d; j++) {
      const dev = X[i * d + j] - mean[j];
      sum += wi * dev * dev;
    }
  }
  return sum / total / d;
}
