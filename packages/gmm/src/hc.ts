import { cholesky, logDetFromCholesky, squaredDistance, symmetricEigen, type Random, portableExp, portableLog, portableLog1p } from '@emkit/linalg';
import type { Dataset } from '@emkit/core';
import type { HcModel } from './options.js';

/**
 * Model-based hierarchical agglomeration for starting labels (`initMethod: 'hc'`), as mclust's
 * hc: starting from singletons, repeatedly merge the two clusters whose merge changes a
 * classification-likelihood criterion least, until K clusters are left.
 *
 * - EII (mclust's hcEII): a spherical, equal-variance model; the change is Ward's
 *   n_a·n_b/(n_a + n_b)·‖μ_a − μ_b‖², the increase of the within-cluster sum of squares.
 * - VVV (mclust's hcVVV, its default): unconstrained covariances. A cluster of n rows with
 *   scatter W contributes n·log(β·(tr W + α)/n) while n ≤ D (W is then singular), else
 *   n·log(|W/n| + β·(tr W + α)/n), with mclust's β = 1 and α = the mean variance of the
 *   agglomerated rows (tr of their scatter / (m·D)); a merge costs the merged term minus the two
 *   terms it replaces (Fraley 1998, mclust's hcVVV/hcvvv/vvvtij).
 *
 * As mclust (hcUse = "SVD") it works on the data standardised, rotated to their principal axes
 * and divided by the square root of each axis's singular value, so that no column's units
 * decide the merges.
 *
 * The agglomeration keeps every pair's cost, O(m²) memory and time for m rows (times D³ for
 * VVV pairs above D rows), so it runs on at most HC_MAX_ROWS rows drawn at random (all rows
 * when there are fewer); the other rows then join the cluster with the nearest mean (in the
 * transformed space).
 */
export const HC_MAX_ROWS = 1000;

/** mclust's hcVVV tuning constants (its defaults): β, and α before it is scaled by the data's mean variance. */
const VVV_ALPHA = 1;
const VVV_BETA = 1;

/** Starting labels (0..K−1) for every row. */
export function hierarchicalLabels(data: Dataset, k: number, random: Random, model: HcModel = 'VVV'): Int32Array {
  const n = data.rows;
  const d = data.cols;
  const x = svdTransform(data);
  const sample = sampleRows(n, Math.min(n, HC_MAX_ROWS), random);
  // As mclust (dupPartition), identical rows start as one cluster.
  const { start, heads } = duplicateGroups(x, sample, d);
  const m = heads.length;
  const clusters = model === 'VVV' ? new VvvClusters(x, heads, start, d) : new WardClusters(x, heads, start, d);
  // Every live pair's cost (a < b at a·m + b), each cluster's cheapest partner and its cost.
  const costs = new Float64Array(m * m);
  const alive = new Uint8Array(m).fill(1);
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const nearest = new Int32Array(m);
  const nearestCost = new Float64Array(m);
  const at = (a: number, b: number): number => (a < b ? a * m + b : b * m + a);
  const refresh = (a: number): void => {
    let best = -1;
    let bestCost = Infinity;
    for (let b = 0; b < m; b++) {
      if (b === a || !alive[b]) continue;
      const c = costs[at(a, b)];
      if (c < bestCost) [best, bestCost] = [b, c];
    }
    nearest[a] = best;
    nearestCost[a] = bestCost;
  };
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) costs[a * m + b] = clusters.mergeCost(a, b);
  for (let a = 0; a < m; a++) refresh(a);
  for (let count = m; count > k; count--) {
    // the cheapest merge (lowest index on ties, so the result does not depend on iteration order)
    let a = -1;
    for (let i = 0; i < m; i++) if (alive[i] && (a < 0 || nearestCost[i] < nearestCost[a])) a = i;
    const b = nearest[a];
    const [keep, drop] = a < b ? [a, b] : [b, a];
    clusters.merge(keep, drop);
    alive[drop] = 0;
    parent[drop] = keep;
    for (let i = 0; i < m; i++) if (alive[i] && i !== keep) costs[at(i, keep)] = clusters.mergeCost(i, keep);
    // Only pairs with the merged cluster changed: refresh whoever pointed at either half, and
    // let the others take the merged cluster when it is now their cheapest.
    refresh(keep);
    for (let i = 0; i < m; i++) {
      if (!alive[i] || i === keep) continue;
      if (nearest[i] === keep || nearest[i] === drop) refresh(i);
      else {
        const c = costs[at(i, keep)];
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
    const r = root(start[i]);
    if (!label.has(r)) label.set(r, label.size);
    labels[row] = label.get(r)!;
  });
  const roots = [...label.keys()];
  for (let row = 0; row < n; row++) {
    if (labels[row] >= 0) continue;
    let best = 0;
    let bestDistance = Infinity;
    roots.forEach((r, j) => {
      const dist = squaredDistance(x, row * d, clusters.mean, r * d, d);
      if (dist < bestDistance) [best, bestDistance] = [j, dist];
    });
    labels[row] = best;
  }
  return labels;
}

/** The clusters of an agglomeration: sizes and means, and what a criterion needs to price a merge. */
interface Clusters {
  /** Cluster means (m×D); a merged cluster's mean is kept at the lower index. */
  readonly mean: Float64Array;
  /** The change of the criterion when clusters a and b merge. */
  mergeCost(a: number, b: number): number;
  /** Merges `drop` into `keep`. */
  merge(keep: number, drop: number): void;
}

/**
 * The starting clusters: `start[i]` is sample row i's cluster, each cluster the sample rows
 * equal to its first one (`heads`, a row index each), in order of first appearance.
 */
function duplicateGroups(x: Float64Array, sample: Int32Array, d: number): { start: Int32Array; heads: Int32Array } {
  const seen = new Map<string, number>();
  const start = new Int32Array(sample.length);
  const heads: number[] = [];
  sample.forEach((row, i) => {
    const key = Array.from(x.subarray(row * d, (row + 1) * d)).join(',');
    let cluster = seen.get(key);
    if (cluster === undefined) {
      cluster = heads.length;
      seen.set(key, cluster);
      heads.push(row);
    }
    start[i] = cluster;
  });
  return { start, heads: Int32Array.from(heads) };
}

/** The starting clusters' sizes and means (each its head row). */
function startingClusters(x: Float64Array, heads: Int32Array, start: Int32Array, d: number): { size: Float64Array; mean: Float64Array } {
  const size = new Float64Array(heads.length);
  for (const cluster of start) size[cluster]++;
  const mean = new Float64Array(heads.length * d);
  heads.forEach((row, i) => mean.set(x.subarray(row * d, (row + 1) * d), i * d));
  return { size, mean };
}

/** Moves cluster `drop`'s mean into `keep`'s, weighted by size; returns n_keep·n_drop/(n_keep + n_drop). */
function mergeMeans(size: Float64Array, mean: Float64Array, keep: number, drop: number, d: number): number {
  const total = size[keep] + size[drop];
  const factor = (size[keep] * size[drop]) / total;
  for (let c = 0; c < d; c++) mean[keep * d + c] = (size[keep] * mean[keep * d + c] + size[drop] * mean[drop * d + c]) / total;
  size[keep] = total;
  return factor;
}

/** The sizes and means every criterion keeps, from the starting clusters. */
abstract class SizedClusters implements Clusters {
  protected readonly size: Float64Array;
  readonly mean: Float64Array;
  constructor(
    x: Float64Array,
    heads: Int32Array,
    start: Int32Array,
    protected readonly d: number,
  ) {
    ({ size: this.size, mean: this.mean } = startingClusters(x, heads, start, d));
  }
  abstract mergeCost(a: number, b: number): number;
  abstract merge(keep: number, drop: number): void;
}

/** EII: Ward's increase of the within-cluster sum of squares. */
class WardClusters extends SizedClusters {
  mergeCost(a: number, b: number): number {
    const { size, mean, d } = this;
    return ((size[a] * size[b]) / (size[a] + size[b])) * squaredDistance(mean, a * d, mean, b * d, d);
  }
  merge(keep: number, drop: number): void {
    mergeMeans(this.size, this.mean, keep, drop, this.d);
  }
}

/** tr of the scatter of the rows around their mean / (rows·D), mclust's traceW(x/√(n·p)), from distinct rows and their counts. */
function meanVariance(x: Float64Array, count: Float64Array, d: number): number {
  let rows = 0;
  for (const c of count) rows += c;
  let total = 0;
  for (let c = 0; c < d; c++) {
    let mean = 0;
    for (let i = 0; i < count.length; i++) mean += count[i] * x[i * d + c];
    mean /= rows;
    for (let i = 0; i < count.length; i++) total += count[i] * (x[i * d + c] - mean) ** 2;
  }
  return total / (rows * d);
}

/** VVV: mclust's modified classification likelihood of unconstrained covariances. */
class VvvClusters extends SizedClusters {
  /** Each cluster's scatter W (D×D), its trace and its criterion term. */
  private readonly scatter: Float64Array;
  private readonly trace: Float64Array;
  private readonly term: Float64Array;
  private readonly merged: Float64Array;
  private readonly factor: Float64Array;
  private readonly diff: Float64Array;
  private readonly alpha: number;
  constructor(x: Float64Array, heads: Int32Array, start: Int32Array, d: number) {
    super(x, heads, start, d);
    this.alpha = Math.max(VVV_ALPHA * meanVariance(this.mean, this.size, d), Number.EPSILON);
    const m = heads.length;
    this.scatter = new Float64Array(m * d * d);
    this.trace = new Float64Array(m);
    this.term = Float64Array.from(this.size, (n) => this.criterionTerm(n, 0, this.scatter, 0));
    this.merged = new Float64Array(d * d);
    this.factor = new Float64Array(d * d);
    this.diff = new Float64Array(d);
  }

  /** W_a + W_b + n_a·n_b/(n_a + n_b)·(μ_a − μ_b)(μ_a − μ_b)ᵀ into `out` (when given); returns its trace. */
  private mergedScatter(a: number, b: number, out: Float64Array | null): number {
    const { size, mean, scatter, d, diff } = this;
    const f = (size[a] * size[b]) / (size[a] + size[b]);
    let distance = 0;
    for (let c = 0; c < d; c++) {
      diff[c] = mean[a * d + c] - mean[b * d + c];
      distance += diff[c] * diff[c];
    }
    if (out)
      for (let r = 0; r < d; r++)
        for (let c = 0; c < d; c++) out[r * d + c] = scatter[a * d * d + r * d + c] + scatter[b * d * d + r * d + c] + f * diff[r] * diff[c];
    return this.trace[a] + this.trace[b] + f * distance;
  }

  /**
   * mclust's term for n rows with scatter W: n·log(β(tr + α)/n) for n ≤ D or a singular W, else
   * n·log(|W/n| + β(tr + α)/n), the sum taken through logs so that it neither overflows nor underflows.
   */
  private criterionTerm(n: number, trace: number, w: Float64Array, off: number): number {
    const d = this.d;
    const ridge = (VVV_BETA * (trace + this.alpha)) / n;
    if (n <= d || trace === 0 || !cholesky(w, off, d, this.factor, 0)) return n * portableLog(ridge);
    const logDet = logDetFromCholesky(this.factor, 0, d) - d * portableLog(n);
    if (!Number.isFinite(logDet)) return n * portableLog(ridge);
    return n * (logDet <= 0 ? portableLog(portableExp(logDet) + ridge) : portableLog1p(portableExp(-logDet) * ridge) + logDet);
  }

  mergeCost(a: number, b: number): number {
    const n = this.size[a] + this.size[b];
    const needsDet = n > this.d;
    const trace = this.mergedScatter(a, b, needsDet ? this.merged : null);
    return this.criterionTerm(n, trace, this.merged, 0) - this.term[a] - this.term[b];
  }

  merge(keep: number, drop: number): void {
    const { d } = this;
    const n = this.size[keep] + this.size[drop];
    const trace = this.mergedScatter(keep, drop, this.merged);
    this.scatter.set(this.merged, keep * d * d);
    this.trace[keep] = trace;
    this.term[keep] = this.criterionTerm(n, trace, this.merged, 0);
    mergeMeans(this.size, this.mean, keep, drop, d);
  }
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
 * mclust's "SVD" transformation: the columns standardised (weighted mean, standard deviation with
 * the total weight − 1 as denominator), rotated to the principal axes and each axis divided by
 * the square root of its singular value (of the standardised data). Axes without variance, and
 * constant columns, are dropped to 0. Sample weights count as repeated rows.
 */
function svdTransform(data: Dataset): Float64Array {
  const { rows: n, cols: d, values, weights } = data;
  let total = 0;
  const centre = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i];
    total += w;
    for (let c = 0; c < d; c++) centre[c] += w * values[i * d + c];
  }
  for (let c = 0; c < d; c++) centre[c] /= total;
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i];
    for (let c = 0; c < d; c++) sd[c] += w * (values[i * d + c] - centre[c]) ** 2;
  }
  for (let c = 0; c < d; c++) sd[c] = Math.sqrt(sd[c] / Math.max(total - 1, 1));
  const y = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) y[i * d + c] = sd[c] > 0 ? (values[i * d + c] - centre[c]) / sd[c] : 0;
  // Yᵀ·W·Y: its eigenvalues are the squared singular values of the standardised data.
  const cross = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const w = weights === null ? 1 : weights[i];
    for (let r = 0; r < d; r++) for (let c = 0; c <= r; c++) cross[r * d + c] += w * y[i * d + r] * y[i * d + c];
  }
  for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) cross[c * d + r] = cross[r * d + c];
  const { values: squares, vectors } = symmetricEigen(cross, 0, d);
  const largest = Math.max(...squares);
  const out = new Float64Array(n * d);
  for (let a = 0; a < d; a++) {
    if (!(squares[a] > 1e-12 * largest)) continue;
    const scale = 1 / Math.sqrt(Math.sqrt(squares[a]));
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += y[i * d + c] * vectors[c * d + a];
      out[i * d + a] = s * scale;
    }
  }
  return out;
}
