import { portableLog, portableLog1p, axpy, dot, KERNEL_CHUNK_ROWS, kernelsFor, padded, WasmShard, type WasmKernels } from '@emkit/linalg';
import { InputError, mixtureEStep, type Dataset, type MixtureBlock, type MixtureDensity } from '@emkit/core';
import type { BernoulliParams } from './params.js';

/**
 * Statistics layout (one flat Float64Array, additive): [ N_j = Σ w·r_j (K) | S_jc = Σ w·r_j·x_c (K×D) ].
 */
export function statsLength(k: number, d: number): number {
  return k + k * d;
}

/** Throws an InputError naming the 1-based row and column of the first value in rows [start, end) that is not 0 or 1. */
export function checkBinary(data: Dataset, start = 0, end = data.rows): void {
  const { values, cols } = data;
  // Branch-free fast path (random 0/1 data defeats branch prediction): |x·(x − 1)| is 0 exactly
  // when x is 0 or 1 — a non-zero product of finite doubles with one factor near ±1 cannot
  // underflow to 0 — and a sum of non-negative terms cannot cancel.
  let a = 0;
  let b = 0;
  const last = end * cols;
  let i = start * cols;
  for (; i + 1 < last; i += 2) {
    const x = values[i];
    const y = values[i + 1];
    a += Math.abs(x * (x - 1));
    b += Math.abs(y * (y - 1));
  }
  if (i < last) a += Math.abs(values[i] * (values[i] - 1));
  if (a + b === 0) return;
  for (let i = start * cols; i < last; i++) {
    const x = values[i];
    if (x !== 0 && x !== 1 && data.missing?.[i] !== 1) {
      const c = i % cols;
      const name = data.columns?.[c];
      throw new InputError({ file: 'data', row: Math.floor(i / cols) + 1, column: c + 1, detail: `row ${Math.floor(i / cols) + 1}, column ${c + 1}${name ? ` (${name})` : ''} is ${x}; a Bernoulli mixture needs 0/1 values` }
      );
    }
  }
}

/** Throws an InputError when the data's column count differs from the model's D. */
export function checkColumns(params: BernoulliParams, data: Dataset): void {
  if (data.cols !== params.d) throw new InputError({ file: 'data', detail: `has ${data.cols} columns; the model has ${params.d}` });
}

/**
 * Per-call tables of the clamped probabilities: log p and log(1 − p), and the row-independent
 * parts of the joint log-density, so that a row costs one dot product per component:
 * log π_j + log p(x | j) = base_j + Σ_c x_c·logit_jc, base_j = log π_j + Σ_c log(1 − p_jc).
 * That form needs finite logs (0·∞ is NaN); with clamp 0 and a probability of exactly 0 or 1,
 * `finite` is false and rows pick log p or log(1 − p) term by term instead.
 */
export class LogTables {
  readonly logP: Float64Array;
  readonly log1mP: Float64Array;
  readonly logit: Float64Array;
  readonly logWeights: Float64Array;
  readonly base: Float64Array;
  readonly finite: boolean;
  constructor(params: BernoulliParams) {
    const { k, d, probabilities, clamp } = params;
    const hi = 1 - clamp;
    this.logP = new Float64Array(k * d);
    this.log1mP = new Float64Array(k * d);
    this.logit = new Float64Array(k * d);
    this.logWeights = params.weights.map((w) => portableLog(w));
    this.base = new Float64Array(k);
    let finite = true;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const i = j * d + c;
        const p = Math.min(Math.max(probabilities[i], clamp), hi);
        this.logP[i] = portableLog(p);
        this.log1mP[i] = portableLog1p(-p);
        this.logit[i] = this.logP[i] - this.log1mP[i];
        s += this.log1mP[i];
        finite &&= Number.isFinite(this.logit[i]);
      }
      this.base[j] = this.logWeights[j] + s;
    }
    this.finite = finite;
  }
}

/** log π_j + log p(x | j) for every component into out[outOff..outOff + K). */
export function jointLogProbRow(params: BernoulliParams, tables: LogTables, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
  const { k, d } = params;
  const { logit, base } = tables;
  if (tables.finite) for (let j = 0; j < k; j++) out[outOff + j] = base[j] + dot(x, xOff, logit, j * d, d);
  else {
    const { logP, log1mP, logWeights } = tables;
    for (let j = 0; j < k; j++) {
      let s = logWeights[j];
      for (let c = 0; c < d; c++) s += x[xOff + c] === 0 ? log1mP[j * d + c] : logP[j * d + c];
      out[outOff + j] = s;
    }
  }
}

/** Complete rows' log π_j + log p(x | j) as a MixtureDensity (no checks: see bernoulliDensity). */
export function completeRowsDensity(params: BernoulliParams, tables: LogTables, values: Float64Array): MixtureDensity {
  const { k, d } = params;
  return {
    k,
    weightedLogProbs(first, rows, out) {
      for (let q = 0; q < rows; q++) jointLogProbRow(params, tables, values, (first + q) * d, out, q * k);
    },
  };
}

/**
 * The log-density of the priors at `params`, without their normalising constants (the MAP
 * objective is defined up to a constant): Σ_jc (a−1)·log p_jc + (b−1)·log(1 − p_jc) +
 * (α−1)·Σ_j log π_j, with the probabilities clamped as in the likelihood. 0 without priors.
 */
export function logPrior(params: BernoulliParams, tables: LogTables): number {
  let s = 0;
  if (params.betaPrior !== null) {
    const [a, b] = params.betaPrior;
    // A coefficient of 0 contributes nothing, even where the log is −∞ (a weight of 0).
    if (a !== 1) for (let i = 0; i < tables.logP.length; i++) s += (a - 1) * tables.logP[i];
    if (b !== 1) for (let i = 0; i < tables.log1mP.length; i++) s += (b - 1) * tables.log1mP[i];
  }
  if (params.dirichletPrior !== null && params.dirichletPrior !== 1) {
    const alpha = params.dirichletPrior;
    for (let j = 0; j < params.k; j++) s += (alpha - 1) * tables.logWeights[j];
  }
  return s;
}

/**
 * The log-prior term the E-step adds under MAP-EM, at `params` (0 without priors): the driver's
 * logLikelihood minus this is the plain Σ w·log p(x).
 */
export function logPriorKernel(params: BernoulliParams): number {
  return logPrior(params, new LogTables(params));
}

/**
 * The E-step over rows [start, end): adds N_j and S_jc into `stats` and returns Σ w·log p(x).
 * The shard that starts at row 0 also adds the log-prior (once per E-step, whatever the shard
 * plan), so that under MAP-EM the driver's log-likelihood is the log-posterior up to a
 * constant — the quantity MAP-EM never decreases.
 *
 * The rows are not checked for 0/1 here: `init`, which the driver runs on the same data before
 * any E-step, has checked all of them, and a check per E-step would cost a sixth of its time.
 */
export function eStepRows(params: BernoulliParams, data: Dataset, start: number, end: number, stats: Float64Array): number {
  checkColumns(params, data);
  const { k, d } = params;
  const { values, weights } = data;
  const tables = new LogTables(params);
  const total = start === 0 ? logPrior(params, tables) : 0;
  const wasm = tables.finite ? kernelsFor(params.kernels) : null;
  if (wasm) return total + eStepRowsWasm(params, tables, wasm, data, start, end, stats);
  return mixtureEStep(completeRowsDensity(params, tables, values), weights, start, end, (first, rows, block) => addRows(k, d, values, first, rows, block, stats), { total });
}

/** Adds N_j += w·r_j and S_jc += w·r_j·x_c for a block's rows (w·r in block.responsibilities). */
function addRows(k: number, d: number, values: Float64Array, first: number, rows: number, block: MixtureBlock, stats: Float64Array): void {
  const wr = block.responsibilities;
  for (let q = 0; q < rows; q++)
    for (let j = 0; j < k; j++) {
      const r = wr[q * k + j];
      if (r === 0) continue;
      stats[j] += r;
      axpy(r, values, (first + q) * d, stats, k + j * d, d);
    }
}

/**
 * eStepRows on the WebAssembly kernels: the joint log-densities of a chunk of rows as one GEMM
 * against logit p (base_j + x·logit_jᵀ, gemmRows), responsibilities and log-sum-exps by
 * softmaxRows, and N_j, S_jc by componentStats (first moments around 0). Chunks start at
 * `start`, so a shard's result does not depend on the thread that runs it.
 */
function eStepRowsWasm(params: BernoulliParams, tables: LogTables, wasm: WasmKernels, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const { k, d } = params;
  const { values, weights } = data;
  const kp = padded(k);
  const shard = new WasmShard(wasm, k, d, 0, [d * kp, kp, k * d]);
  const [logitT, base, zeros] = shard.params;
  shard.putTransposed(logitT, tables.logit);
  shard.put(base, tables.base);
  const run = wasm.exports;
  let total = 0;
  for (let first = start; first < end; first += KERNEL_CHUNK_ROWS) {
    const rows = Math.min(KERNEL_CHUNK_ROWS, end - first);
    shard.put(shard.x, values.subarray(first * d, (first + rows) * d));
    run.gemmRows(shard.x, rows, d, logitT, kp, k, base, shard.logp, k);
    run.softmaxRows(shard.logp, rows, k, shard.resp, shard.lse);
    const f = wasm.f64;
    for (let q = 0; q < rows; q++) {
      const w = weights === null ? 1 : weights[first + q];
      const r = shard.resp / 8 + q * k;
      if (w === 0) {
        f.fill(0, r, r + k);
        continue;
      }
      total += w * f[shard.lse / 8 + q];
      if (w !== 1) for (let j = 0; j < k; j++) f[r + j] *= w;
    }
    run.componentStats(shard.x, rows, d, shard.dp, shard.resp, k, zeros, shard.stats, shard.first, shard.block, 0, shard.z, shard.a, shard.tri);
  }
  const f = wasm.f64;
  for (let i = 0, s = shard.stats / 8; i < shard.statsLength; i++) stats[i] += f[s + i];
  return total;
}

/**
 * The closed-form M-step (MAP when priors are set):
 *   π_j  = (N_j + α − 1) / (Σ N + K·(α − 1)),
 *   p_jc = (S_jc + a − 1) / (N_j + a + b − 2),
 * which are the plain ratios N_j/ΣN and S_jc/N_j without priors. A component whose
 * denominator is 0 (no rows, no prior pseudo-counts) keeps its probabilities.
 */
export function estimateParameters(params: BernoulliParams, stats: Float64Array): BernoulliParams {
  const { k, d } = params;
  const alphaExtra = params.dirichletPrior === null ? 0 : params.dirichletPrior - 1;
  const [aExtra, bExtra] = params.betaPrior === null ? [0, 0] : [params.betaPrior[0] - 1, params.betaPrior[1] - 1];
  let total = 0;
  for (let j = 0; j < k; j++) total += stats[j] + alphaExtra;
  const weights = new Float64Array(k);
  for (let j = 0; j < k; j++) weights[j] = (stats[j] + alphaExtra) / total;
  const probabilities = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    const denominator = stats[j] + aExtra + bExtra;
    for (let c = 0; c < d; c++) {
      const i = j * d + c;
      // min/max: S_jc ≤ N_j holds exactly only in exact arithmetic.
      probabilities[i] = denominator > 0 ? Math.min(1, Math.max(0, (stats[k + i] + aExtra) / denominator)) : params.probabilities[i];
    }
  }
  return { ...params, weights, probabilities };
}
