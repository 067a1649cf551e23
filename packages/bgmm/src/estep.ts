import { syrLower } from '@emkit/linalg';
import { mixtureEStep, ModelFileError, type Dataset, type MixtureDensity } from '@emkit/core';
import type { BgmmParams } from './params.js';

/**
 * ρᵢₖ = E[ln πₖ] + E[ln N(xᵢ | μₖ, Λₖ⁻¹)] of rows [first, first + rows) as a MixtureDensity:
 * out[q·K + k] for row first + q (no column check: see bgmmDensity).
 */
export function rhoDensity(params: BgmmParams, values: Float64Array): MixtureDensity {
  const { k, d, means, precisionCholesky, rowConstant } = params;
  const centred = new Float64Array(d);
  return {
    k,
    weightedLogProbs(first, rows, out) {
      for (let q = 0; q < rows; q++) {
        const xOff = (first + q) * d;
        for (let j = 0; j < k; j++) {
          for (let c = 0; c < d; c++) centred[c] = values[xOff + c] - means[j * d + c];
          const u = j * d * d;
          let sum = 0;
          for (let c = 0; c < d; c++) {
            let y = 0;
            for (let r = 0; r <= c; r++) y += centred[r] * precisionCholesky[u + r * d + c];
            sum += y * y;
          }
          out[q * k + j] = rowConstant[j] - 0.5 * sum;
        }
      }
    },
  };
}

/** bgmm's ρ over `data`, checked against the model's dimension (scoreSamples gives ln Σₖ exp ρᵢₖ). */
export function bgmmDensity(params: BgmmParams, data: Dataset): MixtureDensity {
  checkColumns(params, data);
  return rhoDensity(params, data.values);
}

export function checkColumns(params: BgmmParams, data: Dataset): void {
  if (data.cols !== params.d) throw new ModelFileError({ field: 'means', detail: `the model has ${params.d} dimensions but the data has ${data.cols} columns` });
}

/**
 * Adds one row's statistics, moments around `reference` (K×D), with weighted responsibilities
 * wr (length K; zeros skipped).
 */
export function accumulateRow(k: number, d: number, reference: Float64Array, stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array, centred: Float64Array): void {
  const first = k;
  const second = k + k * d;
  for (let j = 0; j < k; j++) {
    const w = wr[j];
    if (w === 0) continue;
    stats[j] += w;
    for (let c = 0; c < d; c++) {
      centred[c] = x[xOff + c] - reference[j * d + c];
      stats[first + j * d + c] += w * centred[c];
    }
    syrLower(w, centred, 0, stats, second + j * d * d, d);
  }
}

/**
 * The E-step over rows [start, end): adds the statistics of q(Z) = softmax(ρ) (moments around
 * the current means) and returns this shard's share of the ELBO, Σᵢ wᵢ·(ln Σₖ exp ρᵢₖ + G/W)
 * with G = −KL(q(π, μ, Λ) ‖ p(π, μ, Λ)) and W the total weight: shares of any shard plan add
 * up to the ELBO.
 */
export function eStepRows(params: BgmmParams, data: Dataset, start: number, end: number, stats: Float64Array): number {
  checkColumns(params, data);
  const { k, d, means } = params;
  const centred = new Float64Array(d);
  const { values, weights } = data;
  return mixtureEStep(
    rhoDensity(params, values),
    weights,
    start,
    end,
    (first, rows, block) => {
      for (let q = 0; q < rows; q++) accumulateRow(k, d, means, stats, values, (first + q) * d, block.responsibilityRow(q), centred);
    },
    { offset: params.globalTerm / params.totalWeight },
  );
}
