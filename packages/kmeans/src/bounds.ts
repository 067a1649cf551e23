import type { Dataset } from '@emkit/core';
import { axpy, nearestRow } from '@emkit/linalg';
import { type StatsLayout, offerFarRow, statsLayout } from './stats.js';

/** The assignment methods that skip distances with bounds (Lloyd computes them all). */
export type BoundedAlgorithm = 'hamerly' | 'elkan';

/**
 * What one shard keeps between E-steps for the bounded assignment. It lives only on the thread
 * that made it (the worker the shard is pinned to) and is never cloned.
 *
 * Bounds are on true (real-number) Euclidean distances and hold for any old → new centres, so a
 * state is valid for any parameters as long as it describes the same rows; `centers` are the
 * centres it refers to. Hamerly keeps one lower bound per row (on the distance to the
 * second-nearest centre), Elkan one per row and centre. The upper bound is not kept: the
 * distance to the assigned centre is computed for every row anyway (the inertia and the
 * farthest-rows list need its exact value), which makes it tight each time.
 *
 * `sums` caches the shard's count, weight and sum blocks with the labels they came from: when no
 * label in the shard changed, those blocks — a function of the labels alone, accumulated in row
 * order — are the same numbers, bit for bit, and are copied instead of added up again.
 */
export interface BoundsState {
  readonly algorithm: BoundedAlgorithm;
  readonly k: number;
  readonly cols: number;
  readonly start: number;
  readonly end: number;
  readonly centers: Float64Array;
  /** Label of each row at `centers`; −1: unknown (a zero-weight row, or no finite distance). */
  readonly labels: Int32Array;
  /** Lower bounds: rows (Hamerly) or rows × K (Elkan). */
  readonly lower: Float64Array;
  /** count, weight and sum blocks of the last E-step (stats[0, L.farDistance)). */
  readonly sums: Float64Array;
  /** Whether a label changed at the last E-step: then one probably changes again. */
  changed: boolean;
}

/**
 * Relative slack that covers the rounding of a computed squared distance (a sequential sum of
 * D squared differences is within (D + 2)·2⁻⁵³ of the exact value), of its square root and of
 * the bound updates, with room to spare. Skipping a centre needs its distance to exceed the
 * assigned one by more than this, so a skip never hides a centre Lloyd's computed distances
 * would have chosen (ties included: Lloyd takes the first of equal distances).
 */
export function slack(cols: number): number {
  return (4 * cols + 32) * 2 ** -53;
}

/** The squared distance Lloyd computes (nearestRow's arithmetic: a sequential sum over d). */
function distance2(X: Float64Array, xOff: number, C: Float64Array, cOff: number, cols: number): number {
  let s = 0;
  for (let d = 0; d < cols; d++) {
    const t = X[xOff + d] - C[cOff + d];
    s += t * t;
  }
  return s;
}

/**
 * The squared distances of four (row, centre) pairs — rows at X[x0..], …, centres at C[c0..], …
 * — into out[at, at + 4), each a sequential sum over d as in `distance2` (the same bits), four
 * sums in flight at once. Every multi-distance loop below is this kernel over its own pairs.
 */
function distances4(X: Float64Array, x0: number, x1: number, x2: number, x3: number, C: Float64Array, c0: number, c1: number, c2: number, c3: number, cols: number, out: Float64Array, at: number): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let d = 0; d < cols; d++) {
    const t0 = X[x0 + d] - C[c0 + d];
    const t1 = X[x1 + d] - C[c1 + d];
    const t2 = X[x2 + d] - C[c2 + d];
    const t3 = X[x3 + d] - C[c3 + d];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  out[at] = s0;
  out[at + 1] = s1;
  out[at + 2] = s2;
  out[at + 3] = s3;
}

/**
 * All K squared distances of one row (Lloyd's arithmetic) into out[0, K), four centres at a time
 * so that four independent sums are in flight. (Not distances4 over four copies of the row: the
 * row's value is loaded once per coordinate here, which Hamerly's full scans feel.)
 */
function allDistances2(X: Float64Array, xOff: number, C: Float64Array, k: number, cols: number, out: Float64Array): void {
  let j = 0;
  for (; j + 4 <= k; j += 4) {
    const o = j * cols;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < cols; d++) {
      const x = X[xOff + d];
      const t0 = x - C[o + d];
      const t1 = x - C[o + cols + d];
      const t2 = x - C[o + 2 * cols + d];
      const t3 = x - C[o + 3 * cols + d];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < k; j++) out[j] = distance2(X, xOff, C, j * cols, cols);
}

/**
 * Squared distances of the four rows at X[xOff..], X[xOff + cols..], … to the centres labels[r..r+4)
 * (a negative label reads centre 0; the caller ignores that value).
 */
function distances2Of4(X: Float64Array, xOff: number, C: Float64Array, labels: Int32Array, r: number, cols: number, out: Float64Array): void {
  const c0 = Math.max(0, labels[r]) * cols;
  const c1 = Math.max(0, labels[r + 1]) * cols;
  const c2 = Math.max(0, labels[r + 2]) * cols;
  const c3 = Math.max(0, labels[r + 3]) * cols;
  distances4(X, xOff, xOff + cols, xOff + 2 * cols, xOff + 3 * cols, C, c0, c1, c2, c3, cols, out, 0);
}

/**
 * Squared distances of n (row, centre) pairs — rows at X[rowAt[p]..], centres at C[centreAt[p]..]
 * — into out[0, n) (Lloyd's arithmetic), four pairs at a time: a row rarely keeps four centres,
 * but a block of rows usually does between them.
 */
function pairDistances2(X: Float64Array, rowAt: Int32Array, C: Float64Array, centreAt: Int32Array, n: number, cols: number, out: Float64Array): void {
  let p = 0;
  for (; p + 4 <= n; p += 4) distances4(X, rowAt[p], rowAt[p + 1], rowAt[p + 2], rowAt[p + 3], C, centreAt[p], centreAt[p + 1], centreAt[p + 2], centreAt[p + 3], cols, out, p);
  for (; p < n; p++) out[p] = distance2(X, rowAt[p], C, centreAt[p], cols);
}

/**
 * What the bound tests need of the centres: how far each moved since `previous` (an upper bound
 * on the true distance; all 0 without previous centres; Infinity for a non-finite move, which
 * disables skipping), the largest and second-largest move and the centre of the largest, and
 * lower bounds on the distances between centres (K×K) and from each to its nearest other.
 */
export interface CentreGeometry {
  readonly drift: Float64Array;
  readonly maxDrift: number;
  readonly secondDrift: number;
  readonly maxDriftCentre: number;
  readonly between: Float64Array;
  readonly nearestOther: Float64Array;
}

export function centreGeometry(centers: Float64Array, previous: Float64Array | null, k: number, cols: number): CentreGeometry {
  const eps = slack(cols);
  const up = 1 + eps;
  const down = 1 - eps;
  const drift = new Float64Array(k);
  let maxDrift = 0;
  let secondDrift = 0;
  let maxDriftCentre = -1;
  if (previous !== null) {
    for (let j = 0; j < k; j++) {
      const m = Math.sqrt(distance2(centers, j * cols, previous, j * cols, cols)) * up;
      // NaN (a non-finite centre) must disable skipping: it makes every bound test false.
      drift[j] = m === m ? m : Infinity;
      if (drift[j] > maxDrift || maxDriftCentre < 0) {
        secondDrift = maxDrift;
        maxDrift = drift[j];
        maxDriftCentre = j;
      } else if (drift[j] > secondDrift) secondDrift = drift[j];
    }
  }
  const between = new Float64Array(k * k);
  const nearestOther = new Float64Array(k).fill(Infinity);
  for (let j = 0; j < k; j++)
    for (let m = j + 1; m < k; m++) {
      const c = Math.sqrt(distance2(centers, j * cols, centers, m * cols, cols)) * down;
      between[j * k + m] = c;
      between[m * k + j] = c;
      if (c < nearestOther[j]) nearestOther[j] = c;
      if (c < nearestOther[m]) nearestOther[m] = c;
    }
  return { drift, maxDrift, secondDrift, maxDriftCentre, between, nearestOther };
}

function isUsable(state: unknown, algorithm: BoundedAlgorithm, k: number, cols: number, start: number, end: number): state is BoundsState {
  if (typeof state !== 'object' || state === null) return false;
  const s = state as BoundsState;
  return s.algorithm === algorithm && s.k === k && s.cols === cols && s.start === start && s.end === end;
}

function createState(algorithm: BoundedAlgorithm, k: number, cols: number, start: number, end: number, L: StatsLayout): BoundsState {
  const rows = end - start;
  return {
    algorithm,
    k,
    cols,
    start,
    end,
    centers: new Float64Array(k * cols),
    labels: new Int32Array(rows).fill(-1),
    lower: new Float64Array(algorithm === 'elkan' ? rows * k : rows),
    sums: new Float64Array(L.farDistance),
    changed: true,
  };
}

/**
 * The E-step over rows [start, end) with distance bounds: bit for bit what `assignRows` (Lloyd)
 * adds to `stats` and returns, for any `state` (undefined, or one an earlier call returned for the
 * same data and rows). Returns the E-step's value and the state for the next call.
 *
 * Every row's distance to its previous centre is computed exactly; the other centres are
 * computed only when the bounds cannot rule them out — Hamerly's test (one lower bound, half the
 * distance to the nearest other centre) or Elkan's (a lower bound per centre, half the distance
 * between centres), after the centres' moves are subtracted from the lower bounds. A centre is
 * ruled out only when its distance is certainly larger than the assigned one, after rounding, so
 * the label is Lloyd's first nearest centre. This is the exact accelerated Lloyd of
 * scikit-learn's `algorithm="elkan"` (`_k_means_elkan.pyx`), with the upper bound made tight on
 * every row because the inertia needs that distance anyway.
 */
export function assignRowsBounded(
  algorithm: BoundedAlgorithm,
  k: number,
  cols: number,
  centers: Float64Array,
  data: Dataset,
  start: number,
  end: number,
  stats: Float64Array,
  previous: unknown,
): { logLikelihood: number; state: BoundsState } {
  const L = statsLayout(k, cols);
  const reuse = isUsable(previous, algorithm, k, cols, start, end);
  const state = reuse ? previous : createState(algorithm, k, cols, start, end, L);
  const eps = slack(cols);
  const up = 1 + eps;
  const down = 1 - eps;

  const { drift, maxDrift, secondDrift, maxDriftCentre, between, nearestOther } = centreGeometry(centers, reuse ? state.centers : null, k, cols);

  const { values: X, weights: W } = data;
  const { labels, lower } = state;
  const all = new Float64Array(k);
  // Elkan: the (row, centre) pairs the bounds keep in the current block of four rows; row q's
  // are [pairFrom[q], pairFrom[q + 1]), in centre order.
  const pairRowAt = new Int32Array(4 * k + 3);
  const pairCentreAt = new Int32Array(4 * k + 3);
  const pairCentre = new Int32Array(4 * k);
  const pairD2 = new Float64Array(4 * k + 3);
  const pairFrom = new Int32Array(5);
  const fallback = new Float64Array(1);
  const lastFar = L.farDistance + k - 1;
  let farFloor = stats[lastFar];
  let inertia = 0;
  let changed = !reuse;
  // Where labels moved last time, the sums are added up in the same pass (they will probably be
  // needed); elsewhere only if a label turns out to have changed, in a second pass.
  const sums = state.sums;
  const sumAsWeGo = !reuse || state.changed;
  if (sumAsWeGo) sums.fill(0);

  const block = new Float64Array(4);
  for (let i = start; i < end; i++) {
    const r = i - start;
    if (reuse && (r & 3) === 0) {
      // With bounds every row needs its assigned centre's distance: four rows' at a time.
      const rows = Math.min(4, end - i);
      if (rows === 4) distances2Of4(X, i * cols, centers, labels, r, cols, block);
      else for (let q = 0; q < rows; q++) block[q] = distance2(X, (i + q) * cols, centers, Math.max(0, labels[r + q]) * cols, cols);
      if (algorithm === 'elkan') {
        // The centres Elkan's bounds cannot rule out against each row's assigned centre…
        let n = 0;
        for (let q = 0; q < rows; q++) {
          pairFrom[q] = n;
          const a = labels[r + q];
          if (a < 0 || (W !== null && W[i + q] === 0)) continue;
          const u = Math.sqrt(block[q]) * up;
          const base = (r + q) * k;
          lower[base + a] = Math.sqrt(block[q]) * down;
          for (let j = 0; j < k; j++) {
            if (j === a) continue;
            const moved = lower[base + j] - drift[j];
            const l = moved - eps * Math.abs(moved);
            // Both tests are false when u is NaN or +Infinity: every centre is then measured.
            if (u < l || 2 * u < between[a * k + j]) lower[base + j] = l;
            else {
              pairRowAt[n] = (i + q) * cols;
              pairCentreAt[n] = j * cols;
              pairCentre[n++] = j;
            }
          }
        }
        pairFrom[rows] = n;
        // …measured for the whole block, four pairs at a time: the last group is filled up with
        // copies of the last pair (whose results are not read) rather than run one by one.
        let padded = n;
        for (; (padded & 3) !== 0; padded++) {
          pairRowAt[padded] = pairRowAt[n - 1];
          pairCentreAt[padded] = pairCentreAt[n - 1];
        }
        pairDistances2(X, pairRowAt, centers, pairCentreAt, padded, cols, pairD2);
      }
    }
    const w = W === null ? 1 : W[i];
    if (w === 0) {
      labels[r] = -1;
      continue;
    }
    const off = i * cols;
    const previousLabel = labels[r];
    let label = previousLabel;
    let d2 = 0;
    let needAll = !reuse || label < 0;
    if (!needAll) {
      d2 = block[r & 3];
      if (algorithm === 'hamerly') {
        const u = Math.sqrt(d2) * up;
        const l = lower[r] - (label === maxDriftCentre ? secondDrift : maxDrift);
        lower[r] = l - eps * Math.abs(l);
        // Both tests are false when u is NaN or +Infinity, so such rows are computed in full.
        needAll = !(u < lower[r] || 2 * u < nearestOther[label]);
      } else {
        // The first nearest of the assigned centre and the measured ones, in centre order.
        const base = r * k;
        for (let p = pairFrom[r & 3]; p < pairFrom[(r & 3) + 1]; p++) {
          const j = pairCentre[p];
          const dj = pairD2[p];
          lower[base + j] = Math.sqrt(dj) * down;
          if (dj < d2 || (dj === d2 && j < label)) {
            label = j;
            d2 = dj;
          }
        }
        // A row whose distances are not all finite goes through Lloyd's own search below.
        needAll = !(d2 < Infinity);
      }
    }
    if (needAll) {
      allDistances2(X, off, centers, k, cols, all);
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < k; j++)
        if (all[j] < bestD) {
          bestD = all[j];
          best = j;
        }
      if (best < 0) {
        // No finite distance (NaN or overflow): Lloyd's answer, and no bounds for this row.
        label = nearestRow(X, off, centers, 0, k, cols, fallback, 0);
        d2 = fallback[0];
        labels[r] = -1;
      } else {
        label = best;
        d2 = bestD;
        labels[r] = label;
        if (algorithm === 'hamerly') {
          let second = Infinity;
          for (let j = 0; j < k; j++) if (j !== best && all[j] < second) second = all[j];
          lower[r] = Math.sqrt(second) * down;
        } else {
          const base = r * k;
          for (let j = 0; j < k; j++) lower[base + j] = Math.sqrt(all[j]) * down;
        }
      }
    } else labels[r] = label;
    if (label !== previousLabel) changed = true;
    if (sumAsWeGo) {
      sums[L.count + label] += 1;
      sums[L.weight + label] += w;
      axpy(w, X, off, sums, L.sum + label * cols, cols);
    }

    inertia += w * d2;
    if (d2 >= farFloor) {
      offerFarRow(stats, L, d2, i, w, label, X, off);
      farFloor = stats[lastFar];
    }
  }

  // count, weight and sum: Lloyd's additions in row order, or the same numbers from the cache.
  if (changed && !sumAsWeGo) {
    sums.fill(0);
    for (let i = start; i < end; i++) {
      const w = W === null ? 1 : W[i];
      if (w === 0) continue;
      // A row without bounds still has a label: Lloyd's, found again here.
      const label = labels[i - start] >= 0 ? labels[i - start] : nearestRow(X, i * cols, centers, 0, k, cols, fallback, 0);
      sums[L.count + label] += 1;
      sums[L.weight + label] += w;
      axpy(w, X, i * cols, sums, L.sum + label * cols, cols);
    }
  }
  for (let q = 0; q < L.farDistance; q++) stats[q] += sums[q];
  state.changed = changed;
  state.centers.set(centers);
  return { logLikelihood: -inertia, state };
}
