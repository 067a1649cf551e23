import { columnMoments, mixtureEStep, type Dataset, type MixtureBlock } from '@emkit/core';
import { KERNEL_CHUNK_ROWS, kernelsFor, type KernelChoice, type WasmKernels, portableLog } from '@emkit/linalg';
import { responsibilityRule, type Assignment } from './assignment.js';
import type { CovarianceModel, RowKernel } from './covariance/index.js';
import { kernelDensity } from './density.js';
import { BLOCK_ROWS, covarianceModel } from './covariance/index.js';
import type { CovarianceType, FrozenParameter, GmmParams, SingularPolicy } from './params.js';
import { logPriorOf } from './prior.js';
import { clearFarRows, collapseError, findCollapses, offerFarRow, reseedCollapsed, slotWidth } from './singularity.js';
import type { RegCovarScale } from './options.js';

/** scikit-learn adds 10·ε to each component's weight sum so an empty component divides safely. */
export const EMPTY_COMPONENT_GUARD = 10 * Number.EPSILON;

/**
 * Statistics layout (one flat Float64Array): [ n_j (K) | Σ w·r_j·(x − m_j) (K×D) | the
 * covariance structure's second-moment block ], with m_j the means of the parameters the
 * E-step used; then, when onSingular is 'reseed', params.reseedSlots candidate rows for
 * re-seeding (see singularity.ts), which merge by selection rather than addition.
 */
export function statsLength(model: CovarianceModel, k: number, d: number): number {
  return k + k * d + model.secondMomentLength(k, d);
}

/** The statistics buffer of `params`, with the re-seeding slots (if any) empty. */
export function createStats(params: GmmParams): Float64Array {
  const base = statsLength(covarianceModel(params.covariance), params.k, params.d);
  const slots = params.reseedSlots ?? 0;
  const stats = new Float64Array(base + slots * slotWidth(params.d));
  clearFarRows(stats, base, slots, params.d);
  return stats;
}

/**
 * The E-step over rows [start, end): adds statistics with the responsibilities of
 * `params.assignment`'s rule and returns the rule's objective summed over the rows:
 * Σ w·log p(x) (soft) or the classification log-likelihood Σ w·log(π_z N(x | z)) (hard).
 * The per-row work is the covariance structure's row kernel, BLOCK_ROWS rows per call, its
 * per-parameter constants computed once here; a block gives every row what a one-row call
 * gives it, so the result does not depend on where blocks start.
 */
export function eStepRows(params: GmmParams, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const model = covarianceModel(params.covariance);
  const wasm = model.wasmKernel && params.precisionCholesky.length > 0 ? kernelsFor(params.kernels) : null;
  if (wasm) return eStepRowsWasm(params, model, wasm, data, start, end, stats);
  return eStepCompleteRows(params, model.rowKernel(params), data, start, end, stats);
}

/**
 * eStepRows on the TypeScript row kernels, through `kernel` (made by the caller, so that short
 * runs of complete rows between rows with missing cells share one): core's mixtureEStep over
 * blocks of BLOCK_ROWS rows, with the re-seeding candidates offered and the statistics added
 * right after each block's log-densities (the kernel reuses their x − μ_j).
 */
export function eStepCompleteRows(params: GmmParams, kernel: RowKernel, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const { k, d } = params;
  const { values, weights } = data;
  // MAP-EM: each row carries its weight's share of log p(θ), so shard sums add up to the log posterior.
  const priorPerWeight = params.prior && params.totalWeight ? (params.logPrior ?? 0) / params.totalWeight : 0;
  const slots = params.reseedSlots ?? 0;
  const farBase = statsLength(covarianceModel(params.covariance), k, d);
  const weighted = (i: number): boolean => weights === null || weights[i] !== 0;
  const accumulate = (first: number, rows: number, block: MixtureBlock): void => {
    if (slots > 0) for (let q = 0; q < rows; q++) if (weighted(first + q)) offerFarRow(stats, farBase, slots, d, block.objectives[q], first + q, values, (first + q) * d);
    if (rows === BLOCK_ROWS) kernel.accumulateBlock(stats, values, first * d, block.responsibilities);
    else for (let q = 0; q < rows; q++) if (weighted(first + q)) kernel.accumulate(stats, values, (first + q) * d, block.responsibilityRow(q));
  };
  return mixtureEStep(kernelDensity(params, kernel, values, BLOCK_ROWS), weights, start, end, accumulate, { offset: priorPerWeight });
}

/**
 * eStepRows on the WebAssembly kernels: rows in chunks of KERNEL_CHUNK_ROWS copied into wasm
 * memory; the covariance structure's kernel gives the joint log-densities, softmaxRows the
 * responsibilities and log-sum-exps (exp and log inside the module, so every engine gives the
 * same bits); the per-row bookkeeping (sample weights, the objective, re-seeding candidates, the
 * hard rule) stays here; the statistics add up in wasm memory, each chunk's sums in chunk order,
 * and are added to `stats` once at the end. Chunks start at `start`, so a shard's result does
 * not depend on which thread runs it.
 */
function eStepRowsWasm(params: GmmParams, model: CovarianceModel, wasm: WasmKernels, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const kernel = (model.wasmKernel as NonNullable<CovarianceModel['wasmKernel']>)(params, wasm);
  const { shard } = kernel;
  const rule = responsibilityRule(params.assignment);
  const soft = params.assignment === 'soft';
  const { k, d } = params;
  const { values, weights } = data;
  const priorPerWeight = params.prior && params.totalWeight ? (params.logPrior ?? 0) / params.totalWeight : 0;
  const slots = params.reseedSlots ?? 0;
  const farBase = statsLength(model, k, d);
  const logProb = new Float64Array(k);
  const wr = new Float64Array(k);
  let objective = 0;
  for (let first = start; first < end; first += KERNEL_CHUNK_ROWS) {
    const rows = Math.min(KERNEL_CHUNK_ROWS, end - first);
    shard.put(shard.x, values.subarray(first * d, (first + rows) * d));
    kernel.logProbs(rows);
    const unresolved = soft ? wasm.exports.softmaxRows(shard.logp, rows, k, shard.resp, shard.lse) : rows;
    const f = wasm.f64;
    for (let q = 0; q < rows; q++) {
      const i = first + q;
      const w = weights === null ? 1 : weights[i];
      const r = shard.resp / 8 + q * k;
      let rowObjective = f[shard.lse / 8 + q];
      // The hard rule, and soft rows without a finite maximum, as the row kernels have them.
      if (unresolved > 0 && !(soft && Number.isFinite(rowObjective))) {
        for (let j = 0; j < k; j++) logProb[j] = f[shard.logp / 8 + q * k + j];
        rowObjective = rule.assign(logProb, k, wr);
        f.set(wr, r);
      }
      if (w === 0) {
        f.fill(0, r, r + k);
        continue;
      }
      objective += w * (rowObjective + priorPerWeight);
      if (slots > 0) offerFarRow(stats, farBase, slots, d, rowObjective, i, values, i * d);
      if (w !== 1) for (let j = 0; j < k; j++) f[r + j] *= w;
    }
    kernel.accumulate(rows);
  }
  const f = wasm.f64;
  for (let i = 0, s = shard.stats / 8; i < shard.statsLength; i++) stats[i] += f[s + i];
  return objective;
}

/** Adds statistics with hard (one-hot) responsibilities, for initialisation from labels. */
export function accumulateLabels(params: GmmParams, data: Dataset, labels: Int32Array, stats: Float64Array): void {
  const kernel = covarianceModel(params.covariance).rowKernel(params);
  const wr = new Float64Array(params.k);
  for (let i = 0; i < data.rows; i++) {
    const w = data.weights === null ? 1 : data.weights[i];
    if (w === 0) continue;
    wr.fill(0);
    wr[labels[i]] = w;
    kernel.accumulate(stats, data.values, i * params.d, wr);
  }
}

export interface EstimateOptions {
  regCovar: number;
  /** 'none': regCovar is added as it is, whatever params.ridgeScale holds (default: as params say). */
  regCovarScale?: RegCovarScale;
  freeze: readonly FrozenParameter[];
  /** What to do when a component collapses (default 'fail'); see singularity.ts. */
  onSingular?: SingularPolicy;
  /** A component whose smallest variance is at or below this has collapsed (default 0). */
  varianceFloor?: number;
  /** A component with less responsibility than this many rows has collapsed (default 0: off). */
  minRows?: number;
  /** Σ sample weights (the driver's summary), kept in the parameters for the E-step's prior share. */
  totalWeight?: number;
  /** The M-step of init (from starting labels): a collapse is reported as "at the start". */
  atStart?: boolean;
}

/**
 * The closed-form M-step from summed statistics: weights ∝ n_j, means, covariances (+ regCovar),
 * keeping frozen parameters; with params.prior, the MAP estimates (the posterior mode):
 *
 *   π_j = (n_j + α − 1) / (N + K(α − 1)),   μ_j = (n_j·x̄_j + κ·m) / (n_j + κ),
 *
 * and the covariance structure's mode (covariance/*.ts). Then checks for collapsed components
 * and applies options.onSingular (singularity.ts): a FitError naming the component and the
 * iteration, or a re-seed recorded in the parameters' warnings.
 */
export function estimateParameters(params: GmmParams, stats: Float64Array, options: EstimateOptions): GmmParams {
  const { k, d } = params;
  const model = covarianceModel(params.covariance);
  const prior = params.prior ?? null;
  // The driver's iteration t runs the E-step at params of iteration t − 1, then this M-step.
  const iteration = options.atStart ? 0 : (params.iteration ?? 0) + 1;
  const reported = options.atStart ? undefined : iteration;
  const nk = stats.subarray(0, k);
  const nkEffective = new Float64Array(k);
  for (let j = 0; j < k; j++) nkEffective[j] = nk[j] + EMPTY_COMPONENT_GUARD;
  const firstMoments = stats.subarray(k, k + k * d);
  const weightsFree = !options.freeze.includes('weights');
  const meansFree = !options.freeze.includes('means');
  const covariancesFree = !options.freeze.includes('covariances');

  let weights = params.weights;
  if (weightsFree) {
    const extra = prior ? prior.weightConcentration - 1 : 0;
    let total = 0;
    for (let j = 0; j < k; j++) total += nkEffective[j] + extra;
    weights = nkEffective.map((n) => (n + extra) / total);
  }
  let means = params.means;
  if (meansFree) {
    means = new Float64Array(k * d);
    for (let j = 0; j < k; j++)
      for (let c = 0; c < d; c++) {
        const i = j * d + c;
        // ML: m_j + a_j/n_j (an empty component keeps its mean rather than collapsing to the origin).
        // MAP: (n_j·x̄_j + κ·m)/(n_j + κ) with n_j·x̄_j = n_j·m_j + a_j.
        means[i] = prior ? (nk[j] * params.means[i] + firstMoments[i] + prior.shrinkage * prior.mean[c]) / (nk[j] + prior.shrinkage) : params.means[i] + firstMoments[i] / nkEffective[j];
      }
  }
  let covariances = covariancesFree
    ? model.fromStats({ params, nk, nkEffective, firstMoments, block: stats, blockOff: k + k * d, means, ridge: ridgeOf(params, options), prior })
    : params.covariances;

  let warnings = params.warnings ?? [];
  const collapses = findCollapses(model, covariances, nk, k, d, covariancesFree, { varianceFloor: options.varianceFloor ?? 0, minRows: options.minRows ?? 0 });
  if (collapses.length > 0) {
    const slots = params.reseedSlots ?? 0;
    if ((options.onSingular ?? 'fail') === 'fail' || slots === 0) throw collapseError(collapses[0], reported);
    weights = weights === params.weights ? weights.slice() : weights;
    means = means === params.means ? means.slice() : means;
    covariances = covariances === params.covariances ? covariances.slice() : covariances;
    warnings = reseedCollapsed(
      { model, k, d, collapses, stats, farBase: statsLength(model, k, d), slots, iteration, previous: warnings, weightsFree, covariancesFree },
      weights,
      means,
      covariances,
    );
  }
  const assembled = assembleParams(
    params.covariance,
    params.assignment,
    k,
    d,
    weights,
    means,
    covariances,
    (j) => {
      throw collapseError({ component: j, reason: 'its covariance is not positive definite', byVariance: true, singular: true }, reported);
    },
    params.kernels,
  );
  return withExtras(assembled, {
    prior,
    totalWeight: options.totalWeight ?? params.totalWeight,
    iteration,
    warnings,
    reseedSlots: params.reseedSlots,
    kernels: params.kernels,
    ridgeScale: params.ridgeScale,
  });
}

/**
 * What the M-step adds to each coordinate's variance: regCovar × params.ridgeScale (the data's
 * column variances, resolved at init), or regCovar itself with regCovarScale 'none' or for
 * parameters resolved without the data (given by hand to resume from, or read from a model file
 * written before 3 Dec 2026).
 */
export function ridgeOf(params: GmmParams, options: Pick<EstimateOptions, 'regCovar' | 'regCovarScale'>): Float64Array {
  const ridge = new Float64Array(params.d).fill(options.regCovar);
  const scale = params.ridgeScale;
  if (scale && options.regCovarScale !== 'none') for (let c = 0; c < params.d; c++) ridge[c] *= scale[c];
  return ridge;
}

/**
 * The data's variance of each column (weighted, over observed cells), 1 for a column with none
 * (or too few rows to say): what regCovar multiplies under regCovarScale 'variance'.
 */
export function columnVariances(data: Dataset): Float64Array {
  const { deviation } = columnMoments(data);
  return deviation.map((s) => (s > 0 && Number.isFinite(s) ? s * s : 1));
}

/** The MAP, bookkeeping and re-seeding fields, with log p(θ) computed for a prior. */
export function withExtras(
  params: GmmParams,
  extras: { prior: GmmParams['prior']; totalWeight?: number; iteration?: number; warnings?: GmmParams['warnings']; reseedSlots?: number; kernels?: KernelChoice; ridgeScale?: Float64Array },
): GmmParams {
  const out: { -readonly [K in keyof GmmParams]: GmmParams[K] } = { ...params };
  if (extras.prior) {
    out.prior = extras.prior;
    out.logPrior = logPriorOf(out);
  }
  if (extras.totalWeight !== undefined) out.totalWeight = extras.totalWeight;
  if (extras.iteration !== undefined) out.iteration = extras.iteration;
  if (extras.warnings && extras.warnings.length > 0) out.warnings = extras.warnings;
  if (extras.reseedSlots) out.reseedSlots = extras.reseedSlots;
  if (extras.kernels) out.kernels = extras.kernels;
  if (extras.ridgeScale) out.ridgeScale = extras.ridgeScale;
  return out;
}

/**
 * Parameters with precision factors computed; `onSingular` is called with the component index.
 * With wasm kernels (the default where available) the log-determinants take the module's log,
 * so that they have the same bits on every engine.
 */
export function assembleParams(
  covariance: CovarianceType,
  assignment: Assignment,
  k: number,
  d: number,
  weights: Float64Array,
  means: Float64Array,
  covariances: Float64Array,
  onSingular: (component: number) => never,
  kernels?: KernelChoice,
): GmmParams {
  const wasm = kernelsFor(kernels);
  const factors = covarianceModel(covariance).precisionCholesky(covariances, k, d, wasm ? (x) => wasm.log(x) : portableLog);
  if ('singular' in factors) return onSingular(factors.singular);
  const params: GmmParams = { k, d, covariance, assignment, weights, means, covariances, precisionCholesky: factors.precisionCholesky, logDetPrecisionCholesky: factors.logDet };
  return kernels ? { ...params, kernels } : params;
}
