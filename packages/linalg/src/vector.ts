/**
 * Dense vector kernels over Float64Array slices. Every kernel takes explicit offsets so callers
 * can address a row of a row-major matrix without allocating a subarray in a hot loop.
 */
import { portableExp, portableLog } from './portable-math.js';

/** Σ a[aOff+i]·b[bOff+i] for i < n. */
export function dot(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
  return s;
}

/** y[yOff+i] += alpha·x[xOff+i] for i < n. */
export function axpy(alpha: number, x: ArrayLike<number>, xOff: number, y: Float64Array, yOff: number, n: number): void {
  for (let i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
}

/** Σ (a[aOff+i] − b[bOff+i])² for i < n. */
export function squaredDistance(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = a[aOff + i] - b[bOff + i];
    s += d * d;
  }
  return s;
}

/**
 * The row of the rows×n row-major matrix at m[mOff..] nearest to x[xOff..xOff+n) in squared
 * Euclidean distance, the first on ties; writes that distance to out[outOff]. The same index and
 * distance, bit for bit, as `argmin` over `squaredDistance` to each row (NaN never wins), with
 * less work: a row's sum is abandoned once it reaches the best so far (partial distance search),
 * since adding terms ≥ 0 cannot bring it back below, and a tie goes to the earlier row anyway.
 */
export function nearestRow(x: ArrayLike<number>, xOff: number, m: ArrayLike<number>, mOff: number, rows: number, n: number, out: Float64Array, outOff: number): number {
  let best = Infinity;
  let bestRow = -1;
  for (let j = 0; j < rows; j++) {
    const o = mOff + j * n;
    let s = 0;
    let c = 0;
    // Checking every four terms keeps the test off most additions.
    for (; c + 4 <= n; c += 4) {
      let t = x[xOff + c] - m[o + c];
      s += t * t;
      t = x[xOff + c + 1] - m[o + c + 1];
      s += t * t;
      t = x[xOff + c + 2] - m[o + c + 2];
      s += t * t;
      t = x[xOff + c + 3] - m[o + c + 3];
      s += t * t;
      if (s >= best) break;
    }
    if (!(s < best)) continue;
    for (; c < n; c++) {
      const t = x[xOff + c] - m[o + c];
      s += t * t;
    }
    if (s < best) {
      best = s;
      bestRow = j;
    }
  }
  if (bestRow < 0) {
    // Every distance NaN or +Infinity (or no rows): argmin takes the first +Infinity, else index 0.
    for (let j = 0; j < rows; j++) {
      const s = squaredDistance(x, xOff, m, mOff + j * n, n);
      if (s === Infinity || j === rows - 1) {
        out[outOff] = s === Infinity ? s : squaredDistance(x, xOff, m, mOff, n);
        return s === Infinity ? j : 0;
      }
    }
    out[outOff] = NaN;
    return 0;
  }
  out[outOff] = best;
  return bestRow;
}

/**
 * `nearestRow` for four query rows at once — the rows of length n at x[xOff..], x[xOff + n..],
 * x[xOff + 2n..], x[xOff + 3n..] — writing their indices to labels[labelsOff..+4) and distances
 * to distances[distancesOff..+4), bit for bit what four `nearestRow` calls give. Each row of m is
 * loaded once for the four queries (four independent sums), and abandoned once all four partial
 * sums have reached their best so far.
 */
export function nearestRows4(
  x: ArrayLike<number>,
  xOff: number,
  m: ArrayLike<number>,
  mOff: number,
  rows: number,
  n: number,
  labels: Int32Array,
  labelsOff: number,
  distances: Float64Array,
  distancesOff: number,
): void {
  const x1 = xOff + n;
  const x2 = x1 + n;
  const x3 = x2 + n;
  let b0 = Infinity;
  let b1 = Infinity;
  let b2 = Infinity;
  let b3 = Infinity;
  let l0 = -1;
  let l1 = -1;
  let l2 = -1;
  let l3 = -1;
  for (let j = 0; j < rows; j++) {
    const o = mOff + j * n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let c = 0;
    // Coordinates in order; the abandon test after every second one keeps it off half the steps.
    for (; c < n; c++) {
      const v = m[o + c];
      let t = x[xOff + c] - v;
      s0 += t * t;
      t = x[x1 + c] - v;
      s1 += t * t;
      t = x[x2 + c] - v;
      s2 += t * t;
      t = x[x3 + c] - v;
      s3 += t * t;
      if ((c & 1) === 1 && s0 >= b0 && s1 >= b1 && s2 >= b2 && s3 >= b3) break;
    }
    // A row whose sum was abandoned is ≥ its best already, so the comparisons reject it.
    if (s0 < b0) {
      b0 = s0;
      l0 = j;
    }
    if (s1 < b1) {
      b1 = s1;
      l1 = j;
    }
    if (s2 < b2) {
      b2 = s2;
      l2 = j;
    }
    if (s3 < b3) {
      b3 = s3;
      l3 = j;
    }
  }
  labels[labelsOff] = l0;
  labels[labelsOff + 1] = l1;
  labels[labelsOff + 2] = l2;
  labels[labelsOff + 3] = l3;
  distances[distancesOff] = b0;
  distances[distancesOff + 1] = b1;
  distances[distancesOff + 2] = b2;
  distances[distancesOff + 3] = b3;
  // No finite distance for a query (NaN or +Infinity throughout): nearestRow's answer for it.
  for (let q = 0; q < 4; q++) if (labels[labelsOff + q] < 0) labels[labelsOff + q] = nearestRow(x, xOff + q * n, m, mOff, rows, n, distances, distancesOff + q);
}

/** Index of the largest of v[off..off+n); the first one on ties. NaN never wins (index 0 when all are NaN or n = 0). */
export function argmax(v: ArrayLike<number>, off: number, n: number): number {
  // best starts at −1, not 0 with −Infinity: otherwise a leading NaN would win over −Infinity.
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = v[off + i];
    if (x > bestValue || (best < 0 && x === -Infinity)) {
      bestValue = x;
      best = i;
    }
  }
  return best < 0 ? 0 : best;
}

/** Index of the smallest of v[off..off+n); the first one on ties. NaN never wins. */
export function argmin(v: ArrayLike<number>, off: number, n: number): number {
  let best = -1;
  let bestValue = Infinity;
  for (let i = 0; i < n; i++) {
    const x = v[off + i];
    if (x < bestValue || (best < 0 && x === Infinity)) {
      bestValue = x;
      best = i;
    }
  }
  return best < 0 ? 0 : best;
}

/**
 * log Σ exp(v[off+i]) computed stably. Returns −Infinity when every entry is −Infinity
 * (an empty mixture), never NaN for finite or −Infinity inputs.
 */
export function logSumExp(v: ArrayLike<number>, off: number, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (v[off + i] > max) max = v[off + i];
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let s = 0;
  for (let i = 0; i < n; i++) s += portableExp(v[off + i] - max);
  return max + portableLog(s);
}

/**
 * Row-wise log-sum-exp of a rows×cols row-major matrix; writes one value per row into `out`.
 * When `normalize` is set, each row is also turned in place into log-probabilities
 * (x − logSumExp(row)), which is how log-responsibilities are made from joint log-densities.
 */
export function logSumExpRows(m: Float64Array, rows: number, cols: number, out: Float64Array, normalize = false): void {
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const lse = logSumExp(m, off, cols);
    out[r] = lse;
    if (normalize) for (let c = 0; c < cols; c++) m[off + c] -= lse;
  }
}

/** Index of the row-wise maximum of a rows×cols matrix, written into `out`. */
export function argmaxRows(m: Float64Array, rows: number, cols: number, out: Int32Array): void {
  for (let r = 0; r < rows; r++) out[r] = argmax(m, r * cols, cols);
}
