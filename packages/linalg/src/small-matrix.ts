/**
 * A small adapter over ml-matrix for the few D×D decompositions an M-step needs (eigen, SVD,
 * inverse). ml-matrix stores one array per row and reads through get/set, so it is used only on
 * small matrices, never in per-row loops; these functions take and return flat row-major arrays.
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition, inverse as mlInverse } from 'ml-matrix';
import { matMul, transpose } from './matrix.js';

/** The smallest normal double; below it a double keeps fewer than 53 significant bits. */
const MIN_NORMAL = 2.2250738585072014e-308;

function toMatrix(a: ArrayLike<number>, aOff: number, rows: number, cols: number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const x = a[aOff + i * cols + j];
      // Subnormals are flushed to zero: ml-matrix's Householder steps divide by norms of them,
      // and with their few significant bits the SVD came back with non-orthogonal vectors.
      m.set(i, j, Math.abs(x) < MIN_NORMAL ? 0 : x);
    }
  return m;
}

function toFlat(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) out[i * m.columns + j] = m.get(i, j);
  return out;
}

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Eigenvectors as the columns of a row-major n×n matrix, in the order of `values`. */
  readonly vectors: Float64Array;
}

/**
 * A power of four that brings the largest |entry| of an n×n matrix near 1 when it is beyond
 * 1e±100, else 1. ml-matrix's tridiagonal QL squares entries: a covariance of data near 1e150
 * (entries near 1e300) overflowed to Infinity and the iteration read past its arrays. Scaling by
 * a power of four is exact, so eigenvectors and (rescaled) eigenvalues are those of the matrix.
 */
function eigenScale(a: ArrayLike<number>, aOff: number, n: number): number {
  let max = 0;
  for (let i = 0; i < n * n; i++) max = Math.max(max, Math.abs(a[aOff + i]));
  if (!(max > 1e100 || (max > 0 && max < 1e-100))) return 1;
  // at most 2^±1000, so that the factor itself is a finite normal number (max may be subnormal)
  return 4 ** Math.max(-500, Math.min(500, -Math.round(Math.log2(max) / 2)));
}

/** Eigen-decomposition of a symmetric n×n matrix (symmetrised first, as ml-matrix expects). */
export function symmetricEigen(a: ArrayLike<number>, aOff: number, n: number): SymmetricEigen {
  const scale = eigenScale(a, aOff, n);
  const m = toMatrix(scale === 1 ? a : Array.from({ length: n * n }, (_, i) => a[aOff + i] * scale), scale === 1 ? aOff : 0, n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (m.get(i, j) + m.get(j, i));
      m.set(i, j, s);
      m.set(j, i, s);
    }
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = Float64Array.from(e.realEigenvalues, (x) => x / scale);
  const vectors = toFlat(e.eigenvectorMatrix);
  const order = Array.from(values.keys()).sort((x, y) => values[x] - values[y]);
  const sortedValues = new Float64Array(n);
  const sortedVectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    sortedValues[dst] = values[src];
    for (let i = 0; i < n; i++) sortedVectors[i * n + dst] = vectors[i * n + src];
  });
  return { values: sortedValues, vectors: sortedVectors };
}

export interface Svd {
  readonly u: Float64Array;
  readonly s: Float64Array;
  readonly v: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Thin SVD A = U·diag(s)·Vᵀ of a rows×cols matrix. */
export function svd(a: ArrayLike<number>, aOff: number, rows: number, cols: number): Svd {
  const d = new SingularValueDecomposition(toMatrix(a, aOff, rows, cols), { autoTranspose: true });
  return { u: toFlat(d.leftSingularVectors), s: Float64Array.from(d.diagonal), v: toFlat(d.rightSingularVectors), rows, cols };
}

/** Inverse of a square n×n matrix (LU; pseudo-inverse is not attempted). */
export function inverse(a: ArrayLike<number>, aOff: number, n: number): Float64Array {
  return toFlat(mlInverse(toMatrix(a, aOff, n, n)));
}

/** Jacobi sweeps before orthogonalPolarFactor gives up and takes the SVD (one-sided Jacobi converges quadratically: a 30×30 needs 6–9). */
const JACOBI_MAX_SWEEPS = 60;
/** A column pair counts as orthogonal when |b_p·b_q| ≤ this × ‖b_p‖·‖b_q‖. */
const JACOBI_TOLERANCE = 1e-15;
/** Columns of the scaled G·V (largest entry of G in [1, 2)) shorter than this count as zero: G is singular. */
const SMALLEST_COLUMN = 1e-150;

/**
 * The orthogonal polar factor Q = U·Vᵀ of a square n×n matrix G = U·S·Vᵀ (row-major at gOff):
 * the orthogonal Q that maximises tr(Qᵀ·G), the orthogonal Procrustes problem. One-sided Jacobi
 * (Hestenes 1958): plane rotations V make G·V's columns orthogonal, G·V = U·S, so Q = U·Vᵀ.
 * Plain arithmetic and square roots on typed arrays only: the same bits on every engine, and
 * as fast as ml-matrix's SVD at n = 30 from V = I, and much faster from a `warm` start: the V
 * (column-major n×n, updated in place) of a previous, nearby G — an iteration's G, say — leaves
 * G·V nearly orthogonal, and fewer sweeps finish it. A G whose entries overflow when squared is
 * left to the SVD (and `warm` as it was).
 */
export function orthogonalPolarFactor(g: ArrayLike<number>, gOff: number, n: number, warm?: Float64Array): Float64Array {
  // B = G·V and V (I, or the warm start's), both column-major, so that a rotation walks two
  // contiguous columns.
  // G is first scaled by a power of two (exactly) to a largest entry in [1, 2): squares neither
  // overflow nor underflow, and a column of G·V far below 1 is G being singular.
  const scale = powerOfTwoScale(g, gOff, n * n);
  const b = new Float64Array(n * n);
  const v = new Float64Array(n * n);
  if (warm) {
    v.set(warm);
    for (let c = 0; c < n; c++)
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += g[gOff + r * n + i] * scale * v[c * n + i];
        b[c * n + r] = s;
      }
  } else {
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) b[c * n + r] = g[gOff + r * n + c] * scale;
    for (let i = 0; i < n; i++) v[i * n + i] = 1;
  }
  let converged = false;
  for (let sweep = 0; sweep < JACOBI_MAX_SWEEPS && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const po = p * n;
        const qo = q * n;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < n; r++) {
          const bp = b[po + r];
          const bq = b[qo + r];
          alpha += bp * bp;
          beta += bq * bq;
          gamma += bp * bq;
        }
        if (!(Math.abs(gamma) > JACOBI_TOLERANCE * Math.sqrt(alpha) * Math.sqrt(beta))) continue;
        converged = false;
        // The rotation that zeroes the pair's inner product (Rutishauser's formulas).
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + (Math.abs(zeta) > 1e150 ? Math.abs(zeta) : Math.sqrt(1 + zeta * zeta)));
        const cos = 1 / Math.sqrt(1 + t * t);
        const sin = cos * t;
        rotateColumns(b, po, qo, n, cos, sin);
        rotateColumns(v, po, qo, n, cos, sin);
      }
  }
  const norms = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += b[c * n + r] * b[c * n + r];
    norms[c] = Math.sqrt(s);
  }
  if (!converged || norms.some((s) => !(s < Infinity))) return polarFactorBySvd(g, gOff, n);
  warm?.set(v);
  // U's columns u_i = b_i/‖b_i‖. A tiny column of G·V (G singular to working precision) is still
  // orthogonal to the others to JACOBI_TOLERANCE relative to its norm, so its direction will do;
  // a zero one (G singular: a zero column, as the MM steps' G can have) is completed to an
  // orthonormal U — any completion maximises tr(Qᵀ·G), since its singular value adds nothing.
  const u = b;
  const empty: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(norms[i] >= SMALLEST_COLUMN)) {
      empty.push(i);
      continue;
    }
    const inv = 1 / norms[i];
    for (let r = 0; r < n; r++) u[i * n + r] *= inv;
  }
  if (empty.length > 0) completeOrthonormal(u, n, empty);
  // Q = Σ_i u_i·v_iᵀ.
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < n; r++) {
      const ui = u[i * n + r];
      for (let c = 0; c < n; c++) q[r * n + c] += ui * v[i * n + c];
    }
  return q;
}

/**
 * Fills the columns `empty` of the column-major n×n `u`, whose other columns are orthonormal,
 * so that all are: each from the unit vector e_r with the largest part outside the columns so
 * far (Gram–Schmidt, twice, against them).
 */
function completeOrthonormal(u: Float64Array, n: number, empty: readonly number[]): void {
  const filled = Array.from({ length: n }, (_, i) => i).filter((i) => !empty.includes(i));
  const candidate = new Float64Array(n);
  for (const i of empty) {
    let best = -1;
    let bestNorm = 0;
    for (let e = 0; e < n; e++) {
      candidate.fill(0);
      candidate[e] = 1;
      const norm = orthogonalise(candidate, u, n, filled);
      if (norm > bestNorm + 1e-12) {
        bestNorm = norm;
        best = e;
      }
    }
    candidate.fill(0);
    candidate[best] = 1;
    const norm = orthogonalise(candidate, u, n, filled);
    for (let r = 0; r < n; r++) u[i * n + r] = candidate[r] / norm;
    filled.push(i);
  }
}

/** x minus its projections on u's columns `onto` (twice, for orthogonality to working precision); returns ‖x‖ after. */
function orthogonalise(x: Float64Array, u: Float64Array, n: number, onto: readonly number[]): number {
  for (let pass = 0; pass < 2; pass++)
    for (const j of onto) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += u[j * n + r] * x[r];
      for (let r = 0; r < n; r++) x[r] -= dot * u[j * n + r];
    }
  let s = 0;
  for (let r = 0; r < n; r++) s += x[r] * x[r];
  return Math.sqrt(s);
}

/** The power of two that takes the largest |entry| of a[off..off+length) into [1, 2) (1 for all zeros or a non-finite entry), found exactly. */
function powerOfTwoScale(a: ArrayLike<number>, off: number, length: number): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(a[off + i]));
  if (!(max > 0 && max < Infinity)) return 1;
  let scale = 1;
  const step = 2 ** 256;
  while (max >= step) [max, scale] = [max / step, scale / step];
  while (max < 1 / step) [max, scale] = [max * step, scale * step];
  while (max >= 2) [max, scale] = [max / 2, scale / 2];
  while (max < 1) [max, scale] = [max * 2, scale * 2];
  return scale;
}

/** Columns p and q (at po, qo, length n) ← (c·b_p − s·b_q, s·b_p + c·b_q). */
function rotateColumns(m: Float64Array, po: number, qo: number, n: number, cos: number, sin: number): void {
  for (let r = 0; r < n; r++) {
    const x = m[po + r];
    const y = m[qo + r];
    m[po + r] = cos * x - sin * y;
    m[qo + r] = sin * x + cos * y;
  }
}

/** U·Vᵀ from the general SVD (ml-matrix): orthogonalPolarFactor's fallback for a singular G. */
function polarFactorBySvd(g: ArrayLike<number>, gOff: number, n: number): Float64Array {
  const { u, v } = svd(g, gOff, n, n);
  return matMul(u, transpose(v, n, n), n, n, n);
}
