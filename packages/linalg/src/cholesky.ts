/**
 * Cholesky factorisation and the solves and log-determinants built on it. Factors are lower
 * triangular, row-major n×n, with zeros above the diagonal.
 */
import { portableLog } from './portable-math.js';

/**
 * In-place-safe Cholesky: writes L with A = L·Lᵀ into `out` (may alias `a`). Reads only the
 * lower triangle of A. Returns false, leaving `out` partially written, when A is not numerically
 * positive definite (a pivot ≤ 0 or not finite).
 */
export function cholesky(a: ArrayLike<number>, aOff: number, n: number, out: Float64Array, outOff: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[aOff + j * n + j];
    const lj = outOff + j * n;
    for (let k = 0; k < j; k++) d -= out[lj + k] * out[lj + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    out[lj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const li = outOff + i * n;
      let s = a[aOff + i * n + j];
      for (let k = 0; k < j; k++) s -= out[li + k] * out[lj + k];
      out[li + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) out[lj + k] = 0;
  }
  return true;
}

export interface JitteredCholesky {
  /** Lower-triangular factor of A + jitter·I. */
  readonly factor: Float64Array;
  /** The diagonal jitter that was needed (0 when A factored as given). */
  readonly jitter: number;
}

/**
 * Cholesky with a jitter fallback: when A is not positive definite, retries with
 * A + jitter·I for jitter = scale·1e-10, ·1e-9, … up to `maxJitter`·scale, where scale is the
 * mean diagonal magnitude. Throws a RangeError naming the jitter reached when even that fails.
 */
export function choleskyWithJitter(a: ArrayLike<number>, aOff: number, n: number, maxRelativeJitter = 1e-2): JitteredCholesky {
  const factor = new Float64Array(n * n);
  if (cholesky(a, aOff, n, factor, 0)) return { factor, jitter: 0 };
  let scale = 0;
  for (let i = 0; i < n; i++) scale += Math.abs(a[aOff + i * n + i]);
  scale = scale > 0 && Number.isFinite(scale) ? scale / n : 1;
  const work = new Float64Array(n * n);
  for (let rel = 1e-10; rel <= maxRelativeJitter * (1 + 1e-12); rel *= 10) {
    const jitter = rel * scale;
    for (let i = 0; i < n * n; i++) work[i] = a[aOff + i];
    for (let i = 0; i < n; i++) work[i * n + i] += jitter;
    factor.fill(0);
    if (cholesky(work, 0, n, factor, 0)) return { factor, jitter };
  }
  throw new RangeError(`matrix is not positive definite even with ${maxRelativeJitter} relative jitter on its diagonal`);
}

/** Solves L·y = b in place (b ← y) for lower-triangular L. */
export function solveLower(l: ArrayLike<number>, lOff: number, n: number, b: Float64Array, bOff: number): void {
  for (let i = 0; i < n; i++) {
    const row = lOff + i * n;
    let s = b[bOff + i];
    for (let k = 0; k < i; k++) s -= l[row + k] * b[bOff + k];
    b[bOff + i] = s / l[row + i];
  }
}

/** Solves Lᵀ·x = b in place (b ← x) for lower-triangular L. */
export function solveLowerTranspose(l: ArrayLike<number>, lOff: number, n: number, b: Float64Array, bOff: number): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[bOff + i];
    for (let k = i + 1; k < n; k++) s -= l[lOff + k * n + i] * b[bOff + k];
    b[bOff + i] = s / l[lOff + i * n + i];
  }
}

/** Solves A·x = b in place given A's Cholesky factor L. */
export function choleskySolve(l: ArrayLike<number>, lOff: number, n: number, b: Float64Array, bOff: number): void {
  solveLower(l, lOff, n, b, bOff);
  solveLowerTranspose(l, lOff, n, b, bOff);
}

/** log det A = 2·Σ log L_ii from A's Cholesky factor. */
export function logDetFromCholesky(l: ArrayLike<number>, lOff: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += portableLog(l[lOff + i * n + i]);
  return 2 * s;
}

/** Inverse of a lower-triangular matrix (itself lower triangular). */
export function invertLower(l: ArrayLike<number>, lOff: number, n: number, out: Float64Array = new Float64Array(n * n), outOff = 0): Float64Array {
  for (let i = 0; i < n * n; i++) out[outOff + i] = 0;
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    solveLower(l, lOff, n, col, 0);
    for (let i = 0; i < n; i++) out[outOff + i * n + j] = col[i];
  }
  return out;
}

/**
 * Cholesky factor of the precision, in scikit-learn's convention: the upper-triangular U with
 * Σ⁻¹ = U·Uᵀ, U = L⁻ᵀ for Σ = L·Lᵀ. Stored row-major. Then for any x,
 * ‖(x − μ)ᵀU‖² is the squared Mahalanobis distance and log det Σ⁻¹ = 2·Σ log U_ii.
 */
export function precisionCholeskyFromCovarianceCholesky(l: ArrayLike<number>, lOff: number, n: number, out: Float64Array = new Float64Array(n * n), outOff = 0): Float64Array {
  const inv = invertLower(l, lOff, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[outOff + i * n + j] = inv[j * n + i];
  return out;
}

/** A = L·Lᵀ for a lower-triangular L. */
export function fromCholesky(l: ArrayLike<number>, lOff: number, n: number, out: Float64Array = new Float64Array(n * n), outOff = 0): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += l[lOff + i * n + k] * l[lOff + j * n + k];
      out[outOff + i * n + j] = s;
      out[outOff + j * n + i] = s;
    }
  }
  return out;
}

/**
 * tr(A·U·Uᵀ) = Σ_c u_cᵀ A u_c over the columns u_c of the n×n factor U at u[uOff..] (A n×n,
 * row-major): the trace a Wishart or inverse-Wishart term takes with Σ⁻¹ = U·Uᵀ. Zero entries
 * of U (a triangular or diagonal factor) are skipped.
 */
export function traceWithGram(a: ArrayLike<number>, u: ArrayLike<number>, uOff: number, n: number): number {
  let trace = 0;
  for (let c = 0; c < n; c++)
    for (let i = 0; i < n; i++) {
      const ui = u[uOff + i * n + c];
      if (ui === 0) continue;
      for (let j = 0; j < n; j++) trace += ui * a[i * n + j] * u[uOff + j * n + c];
    }
  return trace;
}
