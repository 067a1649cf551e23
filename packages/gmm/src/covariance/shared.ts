import type { WasmShard } from '@emkit/linalg';
import type { GmmParams } from '../params.js';

import { portableLog } from '@emkit/linalg';
/** log 2π, correctly rounded: a literal, so that every engine starts from the same bits. */
const LOG_2PI = 1.8378770664093453;

/**
 * log π_j − (D/2)·log 2π + log det U_j per component: the part of the weighted log-density
 * that does not depend on the row, added left to right as the per-component formula
 * (weight + constant + log det − ½·Mahalanobis) adds them, so the sums keep their bits.
 */
export function componentOffsets(params: GmmParams, log: (x: number) => number = portableLog, length = params.k): Float64Array {
  const { k, d, weights, logDetPrecisionCholesky } = params;
  const constant = -0.5 * d * LOG_2PI;
  const out = new Float64Array(length);
  for (let j = 0; j < k; j++) out[j] = log(weights[j]) + constant + logDetPrecisionCholesky[j];
  return out;
}

/**
 * Rows per call of a row kernel's block methods. Four rows share each load of a component's
 * parameters and give the processor four independent sums instead of one dependent chain.
 */
export const BLOCK_ROWS = 4;

/**
 * x − μ_j for every component of one row or one block of rows (layout [row][j][c]), kept for the
 * statistics: a row kernel's `accumulate` reuses the differences its `weightedLogProbs` computed
 * for the same rows.
 */
export class RowDifferences {
  readonly k: number;
  readonly d: number;
  readonly means: Float64Array;
  /** BLOCK_ROWS×K×D: x − μ_j of the held rows. */
  readonly diffs: Float64Array;
  private heldX: Float64Array | null = null;
  private heldOff = -1;
  private heldRows = 0;

  constructor(params: GmmParams) {
    this.k = params.k;
    this.d = params.d;
    this.means = params.means;
    this.diffs = new Float64Array(BLOCK_ROWS * params.k * params.d);
  }

  /** Records that diffs hold the `rows` rows at x[xOff..] (after a caller has filled them). */
  protected held(x: Float64Array, xOff: number, rows: number): void {
    this.heldX = x;
    this.heldOff = xOff;
    this.heldRows = rows;
  }

  /**
   * Makes diffs hold x − μ_j for the `rows` rows at x[xOff..] wherever wr[q·K + j] ≠ 0 (the only
   * differences `accumulate` reads), unless they hold the rows already. Computed here they are
   * not recorded as held: a row with one non-zero weight (init's labels) costs one component.
   */
  protected hold(x: Float64Array, xOff: number, rows: number, wr: Float64Array): void {
    if (this.heldX === x && this.heldOff === xOff && this.heldRows === rows) return;
    const { k, d, means, diffs } = this;
    for (let q = 0; q < rows; q++)
      for (let j = 0; j < k; j++) {
        if (wr[q * k + j] === 0) continue;
        for (let c = 0; c < d; c++) diffs[(q * k + j) * d + c] = x[xOff + q * d + c] - means[j * d + c];
      }
    this.heldX = null;
  }
}

/** Entries of a packed D×D triangle. */
export function packedLength(d: number): number {
  return (d * (d + 1)) / 2;
}

/**
 * The upper-triangular U at uOff (row-major D×D) by columns, packed: column c (U[0..c][c]) at
 * c(c+1)/2. Then y_c = Σ_{r ≤ c} v_r·U[r][c] is a dot product over contiguous memory.
 */
export function packUpperByColumns(u: Float64Array, uOff: number, d: number, out: Float64Array, outOff: number): void {
  let p = outOff;
  for (let c = 0; c < d; c++) for (let r = 0; r <= c; r++) out[p++] = u[uOff + r * d + c];
}

/** ‖vᵀU‖² with U packed by packUpperByColumns at uOff, v at vOff; the sums in the order of upperTriangularMahalanobis. */
export function packedMahalanobis(u: Float64Array, uOff: number, v: Float64Array, vOff: number, d: number): number {
  let p = uOff;
  let sum = 0;
  for (let c = 0; c < d; c++) {
    let y = 0;
    for (let r = 0; r <= c; r++) y += v[vOff + r] * u[p++];
    sum += y * y;
  }
  return sum;
}

/**
 * Turns a second moment around reference points m into one around new means μ:
 * Σ w·r·(x − μ)(x − μ)ᵀ = M − a·bᵀ − b·aᵀ + n·b·bᵀ, with a = Σ w·r·(x − m) (the first moment
 * around m) and b = μ − m. With frozen means μ = m and nothing changes.
 */
export function subtractCrossTerms(
  out: Float64Array,
  off: number,
  d: number,
  n: number,
  firstMoments: Float64Array,
  firstOff: number,
  reference: Float64Array,
  means: Float64Array,
  meanOff: number,
): void {
  for (let r = 0; r < d; r++) {
    const ar = firstMoments[firstOff + r];
    const br = means[meanOff + r] - reference[meanOff + r];
    for (let c = 0; c < d; c++) {
      const ac = firstMoments[firstOff + c];
      const bc = means[meanOff + c] - reference[meanOff + c];
      out[off + r * d + c] += -ar * bc - br * ac + n * br * bc;
    }
  }
}

/** Diagonal form of subtractCrossTerms for one coordinate. */
export function centredSquare(m2: number, n: number, a: number, b: number): number {
  return m2 - 2 * a * b + n * b * b;
}

/**
 * The E-step's WebAssembly path for one parameter set and one shard (see estimate.ts): the
 * structure's joint log-densities and statistics for the chunk of rows in `shard.x`, by the
 * kernels of @emkit/linalg. Statistics accumulate in wasm memory (each chunk's sums added in
 * chunk order) until the shard ends.
 */
export interface WasmBlockKernel {
  readonly shard: WasmShard;
  /** shard.logp[q·K + j] = log π_j + log N(x_q | μ_j, Σ_j) for the chunk's `rows` rows. */
  logProbs(rows: number): void;
  /** Adds the chunk's statistics with weighted responsibilities shard.resp (zero for rows that add nothing). */
  accumulate(rows: number): void;
}
