import { logSumExp, syrLower } from '@emkit/linalg';
import { ModelFileError, type Dataset } from '@emkit/core';
import type { BgmmParams } from './params.js';

/** Per-call scratch for the per-row loop, allocated once per shard, never per row. */
export class RowScratch {
  readonly rho: Float64Array;
  readonly responsibilities: Float64Array;
  readonly centred: Float64Array;
  constructor(params: BgmmParams) {
    this.rho = new Float64Array(params.k);
    this.responsibilities = new Float64Array(params.k);
    this.centred = new Float64Array(params.d);
  }
}

/** ρᵢₖ = E[ln πₖ] + E[ln N(xᵢ | μₖ, Λₖ⁻¹)] for every component into scratch.rho. */
export function logRhoRow(params: BgmmParams, scratch: RowScratch, x: Float64Array, xOff: number): void {
  const { k, d, means, precisionCholesky, rowConstant } = params;
  const { rho, centred } = scratch;
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < d; c++) centred[c] = x[xOff + c] - means[j * d + c];
    const u = j * d * d;
    let sum = 0;
    for (let c = 0; c < d; c++) {
      let y = 0;
      for (let r = 0; r <= c; r++) y += centred[r] * precisionCholesky[u + r * d + c];
      sum += y * y;
    }
    rho[j] = rowConstant[j] - 0.5 * sum;
  }
}

/** ln Σₖ exp ρᵢₖ, with the row's responsibilities softmax(ρᵢ) written into scratch.responsibilities. */
export function assignRow(params: BgmmParams, scratch: RowScratch): number {
  const { rho, responsibilities } = scratch;
  const lse = logSumExp(rho, 0, params.k);
  for (let j = 0; j < params.k; j++) responsibilities[j] = Math.exp(rho[j] - lse);
  return lse;
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
  const scratch = new RowScratch(params);
  const wr = new Float64Array(k);
  const perWeight = params.globalTerm / params.totalWeight;
  const { values, weights } = data;
  let elbo = 0;
  for (let i = start; i < end; i++) {
    const w = weights === null ? 1 : weights[i];
    if (w === 0) continue;
    const xOff = i * d;
    logRhoRow(params, scratch, values, xOff);
    elbo += w * (assignRow(params, scratch) + perWeight);
    for (let j = 0; j < k; j++) wr[j] = w * scratch.responsibilities[j];
    accumulateRow(k, d, means, stats, values, xOff, wr, scratch.centred);
  }
  return elbo;
}
