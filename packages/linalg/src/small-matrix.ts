/**
 * A small adapter over ml-matrix for the few D×D decompositions an M-step needs (eigen, SVD,
 * inverse). ml-matrix stores one array per row and reads through get/set, so it is used only on
 * small matrices, never in per-row loops; these functions take and return flat row-major arrays.
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition, inverse as mlInverse } from 'ml-matrix';

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
