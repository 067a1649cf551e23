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
 * for the same rows. The statistics' walk is here once — n_j += the weights, components of zero
 * weight skipped — and each structure adds its first and second moments from the held
 * differences in `addRow` and `addBlock`.
 */
export abstract class RowDifferences {
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

  /** diffs ← x − μ_j for component j and the BLOCK_ROWS rows at x[xOff..] (not recorded as held). */
  protected blockDifferences(x: Float64Array, xOff: number, j: number): void {
    const { k, d, means, diffs } = this;
    const kd = k * d;
    const m0 = j * d;
    for (let c = 0; c < d; c++) {
      const mu = means[m0 + c];
      diffs[m0 + c] = x[xOff + c] - mu;
      diffs[m0 + kd + c] = x[xOff + d + c] - mu;
      diffs[m0 + 2 * kd + c] = x[xOff + 2 * d + c] - mu;
      diffs[m0 + 3 * kd + c] = x[xOff + 3 * d + c] - mu;
    }
  }

  /** Adds one row's statistics (see RowKernel.accumulate); its x − μ_j are diffs[j·D..]. */
  accumulate(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void {
    this.hold(x, xOff, 1, wr);
    const { k } = this;
    for (let j = 0; j < k; j++) {
      const w = wr[j];
      if (w === 0) continue;
      stats[j] += w;
      this.addRow(stats, j, w);
    }
  }

  /** Adds the BLOCK_ROWS rows' statistics in row order (see RowKernel.accumulateBlock). */
  accumulateBlock(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void {
    this.hold(x, xOff, 4, wr);
    const { k, d } = this;
    const kd = k * d;
    for (let j = 0; j < k; j++) {
      const w0 = wr[j];
      const w1 = wr[k + j];
      const w2 = wr[2 * k + j];
      const w3 = wr[3 * k + j];
      if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0) continue;
      // A zero weight adds ±0 products, which change no sum: the row-by-row skip, without a branch.
      stats[j] = stats[j] + w0 + w1 + w2 + w3;
      const m0 = j * d;
      this.addBlock(stats, j, w0, w1, w2, w3, m0, m0 + kd, m0 + 2 * kd, m0 + 3 * kd);
    }
  }

  /**
   * Component j's first moments Σ w·(x − m_j) (at stats[K + j·D..]) and its part of the
   * second-moment block (after the K×D first moments) for one row of weight w ≠ 0.
   */
  protected abstract addRow(stats: Float64Array, j: number, w: number): void;

  /**
   * The same for the four rows of a block with weights w0…w3 (some may be 0), row q's x − μ_j
   * at diffs[m_q..] (m_q = q·K·D + j·D), each sum adding the rows' terms in row order.
   */
  protected abstract addBlock(stats: Float64Array, j: number, w0: number, w1: number, w2: number, w3: number, m0: number, m1: number, m2: number, m3: number): void;
}

/** A block's log-densities of component j: out[q·K + j] = offset − ½·s_q for its four rows q. */
export function putBlockLogProbs(out: Float64Array, k: number, j: number, offset: number, s0: number, s1: number, s2: number, s3: number): void {
  out[j] = offset - 0.5 * s0;
  out[k + j] = offset - 0.5 * s1;
  out[2 * k + j] = offset - 0.5 * s2;
  out[3 * k + j] = offset - 0.5 * s3;
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
