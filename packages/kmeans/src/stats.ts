import type { Dataset } from '@emkit/core';
import { axpy, KERNEL_CHUNK_ROWS, nearestRow, nearestRows4, padded, type WasmKernels } from '@emkit/linalg';

/**
 * The k-means sufficient statistics: one flat Float64Array of K·(6 + 2D) numbers.
 *
 *   [0, K)                 count[j]   rows of positive weight assigned to cluster j (an integer)
 *   [K, 2K)                weight[j]  Σ wᵢ over those rows
 *   [2K, 2K + KD)          sum[j][d]  Σ wᵢ·xᵢ_d over those rows (row-major K×D)
 *   then the K rows farthest from their assigned centre, the farthest first, in five blocks:
 *   far.distance[K]        squared distance to the assigned centre (−Infinity: empty slot)
 *   far.row[K]             global row index (−1: empty slot)
 *   far.weight[K]          the row's sample weight
 *   far.label[K]           the cluster it was assigned to
 *   far.coords[K×D]        the row's values
 *
 * The first three blocks add up across shards. The farthest-rows list is a top-K merge under
 * the total order (distance descending, row index ascending); because row indices are global,
 * the merged list does not depend on where shard boundaries fall. It exists only for the
 * M-step's empty-cluster relocation, which needs at most K − 1 rows (at least one cluster holds
 * a row), so K slots always suffice.
 *
 * Rows of weight 0 are skipped entirely: a row of weight w counts as w rows, so weight 0 is no
 * row at all (and must not be picked to seed an empty cluster).
 */
export interface StatsLayout {
  readonly k: number;
  readonly cols: number;
  readonly count: number;
  readonly weight: number;
  readonly sum: number;
  readonly farDistance: number;
  readonly farRow: number;
  readonly farWeight: number;
  readonly farLabel: number;
  readonly farCoords: number;
  readonly length: number;
}

export function statsLayout(k: number, cols: number): StatsLayout {
  const count = 0;
  const weight = k;
  const sum = 2 * k;
  const farDistance = sum + k * cols;
  const farRow = farDistance + k;
  const farWeight = farRow + k;
  const farLabel = farWeight + k;
  const farCoords = farLabel + k;
  return { k, cols, count, weight, sum, farDistance, farRow, farWeight, farLabel, farCoords, length: farCoords + k * cols };
}

/** The merge identity: zero sums and an empty farthest-rows list. */
export function createKMeansStats(k: number, cols: number): Float64Array {
  const L = statsLayout(k, cols);
  const stats = new Float64Array(L.length);
  stats.fill(-Infinity, L.farDistance, L.farDistance + k);
  stats.fill(-1, L.farRow, L.farRow + k);
  return stats;
}

/** Whether (distance a, row ra) comes before (distance b, row rb) in the farthest-first order. */
function before(a: number, ra: number, b: number, rb: number): boolean {
  return a > b || (a === b && ra < rb);
}

/**
 * Inserts one row into the sorted farthest-rows list of `stats` if it belongs among the K
 * farthest. Cheap when it does not (one comparison with the last slot); when it does, the
 * entries after its place shift down by one.
 */
export function offerFarRow(
  stats: Float64Array,
  L: StatsLayout,
  distance: number,
  row: number,
  weight: number,
  label: number,
  values: ArrayLike<number>,
  valuesOffset: number,
): void {
  const { k, cols } = L;
  const last = k - 1;
  if (!before(distance, row, stats[L.farDistance + last], stats[L.farRow + last])) return;
  let p = last;
  while (p > 0 && before(distance, row, stats[L.farDistance + p - 1], stats[L.farRow + p - 1])) p--;
  if (p < last) {
    stats.copyWithin(L.farDistance + p + 1, L.farDistance + p, L.farDistance + last);
    stats.copyWithin(L.farRow + p + 1, L.farRow + p, L.farRow + last);
    stats.copyWithin(L.farWeight + p + 1, L.farWeight + p, L.farWeight + last);
    stats.copyWithin(L.farLabel + p + 1, L.farLabel + p, L.farLabel + last);
    stats.copyWithin(L.farCoords + (p + 1) * cols, L.farCoords + p * cols, L.farCoords + last * cols);
  }
  stats[L.farDistance + p] = distance;
  stats[L.farRow + p] = row;
  stats[L.farWeight + p] = weight;
  stats[L.farLabel + p] = label;
  for (let d = 0; d < cols; d++) stats[L.farCoords + p * cols + d] = values[valuesOffset + d];
}

/**
 * target ← target ⊕ source: the count, weight and sum blocks add; the farthest-rows lists merge,
 * keeping the K first under (distance descending, row ascending). Associative, with
 * createKMeansStats as identity.
 */
export function mergeKMeansStats(target: Float64Array, source: Float64Array, k: number, cols: number): void {
  const L = statsLayout(k, cols);
  if (target.length !== L.length || source.length !== L.length)
    throw new RangeError(`k-means statistics for K=${k}, D=${cols} have length ${L.length}; got ${target.length} and ${source.length}`);
  for (let i = 0; i < L.farDistance; i++) target[i] += source[i];

  // `merged` holds the far blocks only, at their offsets relative to L.farDistance.
  const off = L.farDistance;
  const merged = new Float64Array(L.length - off);
  let a = 0;
  let b = 0;
  for (let out = 0; out < k; out++) {
    const takeA = before(target[L.farDistance + a], target[L.farRow + a], source[L.farDistance + b], source[L.farRow + b]) ||
      // Equal entries (the same row seen twice cannot happen for disjoint shards; empty slots can): prefer target.
      (target[L.farDistance + a] === source[L.farDistance + b] && target[L.farRow + a] === source[L.farRow + b]);
    const from = takeA ? target : source;
    const i = takeA ? a++ : b++;
    merged[L.farDistance - off + out] = from[L.farDistance + i];
    merged[L.farRow - off + out] = from[L.farRow + i];
    merged[L.farWeight - off + out] = from[L.farWeight + i];
    merged[L.farLabel - off + out] = from[L.farLabel + i];
    for (let d = 0; d < cols; d++) merged[L.farCoords - off + out * cols + d] = from[L.farCoords + i * cols + d];
  }
  target.set(merged, off);
}

/**
 * The E-step over rows [start, end): each row of positive weight goes to its nearest centre
 * (the first on ties), adding to the count, weight and sum blocks of `stats` and offering itself
 * to the farthest-rows list; returns −Σ w·‖x − c(x)‖² (minus the inertia). Nearest centres are
 * found four rows at a time (nearestRows4, the same answers as row by row). The list only takes
 * a row at least as far as its last entry, so that one comparison, against a copy kept in a
 * local, is all most rows pay.
 */
export function assignRows(k: number, cols: number, centers: Float64Array, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const L = statsLayout(k, cols);
  const { values: X, weights: W } = data;
  const labels = new Int32Array(4);
  const distances = new Float64Array(4);
  const countOff = L.count;
  const weightOff = L.weight;
  const sumOff = L.sum;
  const lastFar = L.farDistance + k - 1;
  let farFloor = stats[lastFar];
  let inertia = 0;
  for (let i = start; i < end; ) {
    const rows = end - i >= 4 ? 4 : 1;
    if (rows === 4) nearestRows4(X, i * cols, centers, 0, k, cols, labels, 0, distances, 0);
    else labels[0] = nearestRow(X, i * cols, centers, 0, k, cols, distances, 0);
    for (let q = 0; q < rows; q++, i++) {
      const w = W === null ? 1 : W[i];
      if (w === 0) continue;
      const off = i * cols;
      const label = labels[q];
      const d2 = distances[q];
      inertia += w * d2;
      stats[countOff + label] += 1;
      stats[weightOff + label] += w;
      axpy(w, X, off, stats, sumOff + label * cols, cols);
      if (d2 >= farFloor) {
        offerFarRow(stats, L, d2, i, w, label, X, off);
        farFloor = stats[lastFar];
      }
    }
  }
  return -inertia;
}

/**
 * `assignRows` on the WebAssembly kernels, with the same result bit for bit: rows in chunks of
 * KERNEL_CHUNK_ROWS copied into wasm memory, nearestCentresExact for the labels and distances
 * (each distance summed as nearestRow sums it, two centres per vector), and the statistics by
 * `WasmChunkStats`.
 */
export function assignRowsWasm(wasm: WasmKernels, k: number, cols: number, centers: Float64Array, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const { values: X, weights: W } = data;
  const kp = padded(k);
  const chunk = KERNEL_CHUNK_ROWS;
  // Lengths in doubles: the labels (i32) take half of theirs.
  const [x, cT, labelsAt, distAt, weightsAt, ...statsRegions] = wasm.layout([chunk * cols, cols * kp, chunk, chunk, chunk, ...WasmChunkStats.lengths(k, cols)]);
  putCentresTransposed(wasm, centers, k, cols, cT);
  const out = new WasmChunkStats(wasm, k, cols, centers, stats, statsRegions);
  for (let first = start; first < end; first += chunk) {
    const rows = Math.min(chunk, end - first);
    const f = wasm.f64;
    f.set(X.subarray(first * cols, (first + rows) * cols), x / 8);
    if (W !== null) f.set(W.subarray(first, first + rows), weightsAt / 8);
    if (wasm.exports.nearestCentresExact(x, rows, cols, cT, kp, k, labelsAt, distAt) > 0) out.resolve(X, W, first, rows, labelsAt, distAt);
    out.add(X, W, first, rows, x, labelsAt, distAt, W === null ? 0 : weightsAt);
  }
  return out.finish();
}

/** The K×D centres transposed into the D×kp region at byte offset `at`, NaN in an odd K's pad column (never the nearest). */
export function putCentresTransposed(wasm: WasmKernels, centers: Float64Array, k: number, cols: number, at: number): void {
  const kp = padded(k);
  const f = wasm.f64;
  for (let c = 0; c < cols; c++) for (let j = 0; j < kp; j++) f[at / 8 + c * kp + j] = j < k ? centers[j * cols + c] : NaN;
}

/**
 * k-means' statistics of labelled chunks in wasm memory, added as `assignRows` adds them: lloydStats
 * for the inertia, counts, weights and sums (which continue from the values in `stats` and add
 * the rows in order), stopping at each row as far as the farthest-rows list's last entry, which is
 * offered to the list here. `finish` writes the sums back and returns minus the inertia.
 */
export class WasmChunkStats {
  /** The regions it needs, in doubles: acc [inertia, far floor], then counts | weights | sums. */
  static lengths(k: number, cols: number): number[] {
    return [2, (2 + cols) * k];
  }

  private readonly L: StatsLayout;
  private readonly acc: number;
  private readonly counts: number;
  private readonly fallback = new Float64Array(1);

  constructor(
    private readonly wasm: WasmKernels,
    private readonly k: number,
    private readonly cols: number,
    private readonly centers: Float64Array,
    private readonly stats: Float64Array,
    [acc, counts]: readonly number[],
  ) {
    this.L = statsLayout(k, cols);
    this.acc = acc;
    this.counts = counts;
    const f = wasm.f64;
    f.set(stats.subarray(this.L.count, this.L.sum + k * cols), counts / 8);
    f[acc / 8 + 1] = stats[this.L.farDistance + k - 1];
  }

  /** Lloyd's label and distance (nearestRow) for the chunk's rows of label −1 and positive weight: rows without a finite distance. */
  resolve(X: Float64Array, W: Float64Array | null, first: number, rows: number, labelsAt: number, distAt: number): void {
    const { k, cols, centers, fallback } = this;
    const labels = this.wasm.i32;
    for (let q = 0; q < rows; q++) {
      if (labels[labelsAt / 4 + q] >= 0 || (W !== null && W[first + q] === 0)) continue;
      labels[labelsAt / 4 + q] = nearestRow(X, (first + q) * cols, centers, 0, k, cols, fallback, 0);
      this.wasm.f64[distAt / 8 + q] = fallback[0];
    }
  }

  /** Adds rows first… of a chunk whose values are at `x`, labels (i32) at `labelsAt` and distances at `distAt` (weights at `weightsAt`; 0: all 1). */
  add(X: Float64Array, W: Float64Array | null, first: number, rows: number, x: number, labelsAt: number, distAt: number, weightsAt: number): void {
    const { wasm, k, cols, L, acc, counts, stats } = this;
    const lastFar = L.farDistance + k - 1;
    for (let q = 0; q < rows; ) {
      q = wasm.exports.lloydStats(x, q, rows, cols, labelsAt, distAt, weightsAt, acc, counts, counts + 8 * k, counts + 16 * k);
      if (q === rows && !(wasm.f64[distAt / 8 + q - 1] >= wasm.f64[acc / 8 + 1])) break;
      // Row q − 1 is at least as far as the list's last entry (or the chunk's last row may be).
      const i = first + q - 1;
      const w = W === null ? 1 : W[i];
      const label = wasm.i32[labelsAt / 4 + q - 1];
      const d2 = wasm.f64[distAt / 8 + q - 1];
      if (w !== 0 && label >= 0 && d2 >= stats[lastFar]) {
        offerFarRow(stats, L, d2, i, w, label, X, i * cols);
        wasm.f64[acc / 8 + 1] = stats[lastFar];
      }
    }
  }

  /** Writes the counts, weights and sums back into `stats`; returns −Σ w·d² (minus the inertia). */
  finish(): number {
    const { wasm, k, cols, L, acc, counts, stats } = this;
    const f = wasm.f64;
    stats.set(f.subarray(counts / 8, counts / 8 + (2 + cols) * k), L.count);
    return -f[acc / 8];
  }
}
