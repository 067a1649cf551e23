import { MIXTURE_BLOCK_ROWS, type MixtureDensity } from '@emkit/core';
import { responsibilityRule } from './assignment.js';
import { BLOCK_ROWS, type RowKernel } from './covariance/index.js';
import type { GmmParams } from './params.js';

/**
 * log π_j + log N(x | μ_j, Σ_j) of complete rows through a covariance structure's row kernel:
 * whole BLOCK_ROWS blocks through its block method, the rest row by row (a block gives each row
 * the bits a one-row call gives it). `blockRows` should be a multiple of BLOCK_ROWS; the E-step
 * takes BLOCK_ROWS itself, so that the kernel's `accumulate` follows the log-densities of the
 * same rows and reuses their x − μ_j.
 */
export function kernelDensity(params: GmmParams, kernel: RowKernel, values: Float64Array, blockRows = MIXTURE_BLOCK_ROWS): MixtureDensity {
  const { k, d } = params;
  const row = new Float64Array(k);
  // Views of `out` at each block's start, made once per output buffer (not per call).
  let views: Float64Array[] = [];
  let viewsOf: Float64Array | null = null;
  return {
    k,
    blockRows,
    rule: responsibilityRule(params.assignment),
    weightedLogProbs(first, rows, out) {
      if (out !== viewsOf) {
        viewsOf = out;
        views = Array.from({ length: Math.floor(blockRows / BLOCK_ROWS) }, (_, b) => out.subarray(b * BLOCK_ROWS * k));
      }
      let q = 0;
      for (; q + BLOCK_ROWS <= rows; q += BLOCK_ROWS) kernel.weightedLogProbsBlock(values, (first + q) * d, views[q / BLOCK_ROWS]);
      for (; q < rows; q++) {
        kernel.weightedLogProbs(values, (first + q) * d, row);
        out.set(row, q * k);
      }
    },
  };
}
