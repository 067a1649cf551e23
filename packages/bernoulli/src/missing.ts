import { MixtureBlock, rowHasMissing, withMissingFilled, type Dataset, type MixtureDensity } from '@emkit/core';
import { checkBinary, checkColumns, completeRowsDensity, eStepRows, jointLogProbRow, LogTables, logPrior } from './estimate.js';
import type { BernoulliParams } from './params.js';

/** log π_j + log p(x_o | j) of row i over its observed bits only (a missing bit sums out) into out[outOff..outOff + K). */
export function observedJointLogProbRow(params: BernoulliParams, tables: LogTables, values: Float64Array, mask: Uint8Array, i: number, out: Float64Array, outOff: number): void {
  const { k, d } = params;
  const { logP, log1mP, logWeights } = tables;
  for (let j = 0; j < k; j++) {
    let s = logWeights[j];
    for (let c = 0; c < d; c++) if (mask[i * d + c] === 0) s += values[i * d + c] === 0 ? log1mP[j * d + c] : logP[j * d + c];
    out[outOff + j] = s;
  }
}

/**
 * The Bernoulli mixture's weighted log-density of `data` (checked: D columns, 0/1 values): rows
 * with missing bits over their observed bits.
 */
export function bernoulliDensity(params: BernoulliParams, data: Dataset): MixtureDensity {
  checkColumns(params, data);
  checkBinary(data);
  const tables = new LogTables(params);
  const complete = completeRowsDensity(params, tables, data.values);
  const mask = data.missing;
  if (!mask) return complete;
  const { k, d } = params;
  return {
    k,
    weightedLogProbs(first, rows, out) {
      for (let q = 0; q < rows; q++) {
        const i = first + q;
        if (rowHasMissing(data, i)) observedJointLogProbRow(params, tables, data.values, mask, i, out, q * k);
        else jointLogProbRow(params, tables, data.values, i * d, out, q * k);
      }
    },
  };
}

/**
 * The E-step over rows [start, end) with missing bits (Dataset.missing): runs of complete rows
 * take eStepRows; a row with missing bits gets its responsibilities from its observed bits, and
 * each missing bit counts in S_jc with its expectation p_jc under component j (exact EM: the
 * M-step's S_jc/N_j then averages observed bits and those expectations). Without missing cells
 * it is eStepRows itself.
 */
export function eStepRowsWithMissing(params: BernoulliParams, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const mask = data.missing;
  if (!mask) return eStepRows(params, data, start, end, stats);
  const { k, d } = params;
  const tables = new LogTables(params);
  const hi = 1 - params.clamp;
  const block = new MixtureBlock({ k, blockRows: 1 });
  const r = block.responsibilityRow(0);
  let total = 0;
  let runStart = start;
  // eStepRows adds the log-prior in the run that starts at row 0; when row 0 is incomplete, here.
  if (start === 0 && rowHasMissing(data, 0)) total += logPrior(params, tables);
  for (let i = start; i < end; i++) {
    if (!rowHasMissing(data, i)) continue;
    if (runStart < i) total += eStepRows(params, data, runStart, i, stats);
    runStart = i + 1;
    if (data.weights !== null && data.weights[i] === 0) continue;
    observedJointLogProbRow(params, tables, data.values, mask, i, block.logProb, 0);
    total = block.weigh(1, data.weights, i, total);
    for (let j = 0; j < k; j++) {
      if (r[j] === 0) continue;
      stats[j] += r[j];
      for (let c = 0; c < d; c++) {
        const p = Math.min(Math.max(params.probabilities[j * d + c], params.clamp), hi);
        stats[k + j * d + c] += r[j] * (mask[i * d + c] === 1 ? p : data.values[i * d + c]);
      }
    }
  }
  if (runStart < end) total += eStepRows(params, data, runStart, end, stats);
  return total;
}

/** Row i with each missing bit replaced by E[x_c | x_o] = Σ_j r_j p_jc into out[outOff…]. */
export function imputeRow(params: BernoulliParams, responsibilities: Float64Array, mask: Uint8Array, i: number, out: Float64Array, outOff: number): void {
  const { k, d } = params;
  const hi = 1 - params.clamp;
  for (let c = 0; c < d; c++) {
    if (mask[i * d + c] === 0) continue;
    let s = 0;
    for (let j = 0; j < k; j++) s += responsibilities[j] * Math.min(Math.max(params.probabilities[j * d + c], params.clamp), hi);
    out[outOff + c] = s;
  }
}

/** The data with each missing bit set to its column's majority bit, for seeding starts. */
export function majorityFilled(data: Dataset): Dataset {
  return withMissingFilled(data, (ones, seen) => (2 * ones >= seen && seen > 0 ? 1 : 0));
}
