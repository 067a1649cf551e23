import { squaredDistance, symmetricEigen, type Random } from '@emkit/linalg';
import type { Dataset } from '@emkit/core';

/**
 * Model-based hierarchical agglomeration for starting labels (`initMethod: 'hc'`), as mclust's
 * hc with its EII model: starting from singletons, repeatedly merge the two clusters whose merge
 * lowers the classification likelihood of a spherical, equal-variance Gaussian mixture least —
 * the merge adding least to the within-cluster sum of squares, n_a·n_b/(n_a + n_b)·‖μ_a − μ_b‖²
 * (Ward's criterion) — until K clusters are left. As mclust (hcUse = "SVD") it works on the data
 * standardised and rotated to its principal axes, each scaled to unit variance, so that no
 * column's units decide the merges.
 *
 * The agglomeration costs O(m²) memory and about O(m²) time for m rows, so it runs on at most
 * HC_MAX_ROWS rows drawn at random (all rows when there are fewer); the other rows then join the
 * cluster with the nearest mean (in the transformed space).
 */
export const HC_MAX_ROWS = 1000;

/** Starting labels (0..K−1) for every row. */
export function hierarchicalLabels(data: Dataset, k: number, random: Random): Int32Array {
  const n = data.rows;
  const d = data.cols;
  const x = whiten(data);
  const sample = sampleRows(n, Math.min(n, HC_MAX_ROWS), random);
  const m = sample.length;
  // Cluster state: size and mean; `alive` clusters keep their nearest neighbour and its cost.
  const size = new Float64Array(m).fill(1);
  const mean = new Float64Array(m * d);
  sample.forEach((row, i) => mean.set(x.subarray(row * d, (row + 1) * d), i * d));
  const alive = new Uint8Array(m).fill(1);
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const nearest = new Int32Array(m);
  const nearestCost = new Float64Array(m);
  const cost = (a: number, b: number): number => ((size[a] * size[b]) / (size[a] + size[b])) * squaredDistance(mean, a * d, mean, b * d, d);
  const refresh = (a: number): void => {
    let best = -1;
    let bestCost = Infinity;
    for (let b = 0; b < m; b++) {
      if (b === a || !alive[b]) continue;
      const c = cost(a, b);
      if (c < bestCost) [best, bestCost] = [b, c];
    }
    nearest[a] = best;
    nearestCost[a] = bestCost;
  };
  for (let a = 0; a < m; a++) refresh(a);
  for (let clusters = m; clusters > k; clusters--) {
    // the cheapest merge (lowest index on ties, so the result does not depend on iteration order)
    let a = -1;
    for (let i = 0; i < m; i++) if (alive[i] && (a < 0 || nearestCost[i] < nearestCost[a])) a = i;
    const b = nearest[a];
    const [keep, drop] = a < b ? [a, b] : [b, a];
    const total = size[keep] + size[drop];
    for (let c = 0; c < d; c++) mean[keep * d + c] = (size[keep] * mean[keep * d + c] + size[drop] * mean[drop * d + c]) / total;
    size[keep] = total;
    alive[drop] = 0;
    parent[drop] = keep;
    // Ward costs only grow for others' pairs with the merged cluster's members... except with the
    // merged cluster itself, so refresh whoever pointed at either and the merged cluster.
    refresh(keep);
    for (let i = 0; i < m; i++) {
      if (!alive[i] || i === keep) continue;
      if (nearest[i] === keep || nearest[i] === drop) refresh(i);
      else {
        const c = cost(i, keep);
        if (c < nearestCost[i]) [nearest[i], nearestCost[i]] = [keep, c];
      }
    }
  }
  // Cluster roots → labels 0..K−1 in order of first appearance.
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i];
    return i;
  };
  const label = new Map<number, number>();
  const labels = new Int32Array(n).fill(-1);
  sample.forEach((row, i) => {
    const r = root(i);
    if (!label.has(r)) label.set(r, label.size);
    labels[row] = label.get(r)!;
  });
  const roots = [...label.keys()];
  for (let row = 0; row < n; row++) {
    if (labels[row] >= 0) continue;
    let best = 0;
    let bestDistance = Infinity;
    roots.forEach((r, j) => {
      const dist = squaredDistance(x, row * d, mean, r * d, d);
      if (dist < bestDistance) [best, bestDistance] = [j, dist];
    });
    labels[row] = best;
  }
  return labels;
}

/** `count` distinct rows in increasing order: all when count = n, else a seeded random sample. */
function sampleRows(n: number, count: number, random: Random): Int32Array {
  if (count === n) return Int32Array.from({ length: n }, (_, i) => i);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + random.nextInt(n - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.subarray(0, count).sort();
}

/**
 * The rows centred, rotated to the principal axes of their (weighted) covariance and scaled to
 * unit variance along each (axes without variance are dropped to 0). Sample weights count.
 */
function whiten(data: Dataset): Float64Array {
  const { rows: n, cols: d, values, weights } = data;
  let total = 0;
  const centre = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i];
    total += w;
    for (let c = 0; c < d; c++) centre[c] += w * values[i * d + c];
  }
  for (let c = 0; c < d; c++) centre[c] /= total;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i];
    for (let r = 0; r < d; r++) for (let c = 0; c <= r; c++) cov[r * d + c] += (w * (values[i * d + r] - centre[r]) * (values[i * d + c] - centre[c])) / total;
  }
  for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) cov[c * d + r] = cov[r * d + c];
  const { values: variances, vectors } = symmetricEigen(cov, 0, d);
  const largest = Math.max(...variances);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      if (!(variances[a] > 1e-12 * largest)) continue;
      let s = 0;
      for (let c = 0; c < d; c++) s += (values[i * d + c] - centre[c]) * vectors[c * d + a];
      out[i * d + a] = s / Math.sqrt(variances[a]);
    }
  return out;
}
