import { covariancesFromQuadraticForm, MixtureBlock, rowHasMissing, withMissingFilled, type Dataset } from '@emkit/core';
import { cholesky, solveLower, solveLowerTranspose, portableLog } from '@emkit/linalg';
import { responsibilityRule } from './assignment.js';
import { covarianceModel, type CovarianceModel, type RowKernel } from './covariance/index.js';
import { eStepCompleteRows, eStepRows } from './estimate.js';
import type { GmmParams } from './params.js';

const LOG_2PI = portableLog(2 * Math.PI);

/**
 * Exact EM for rows with missing cells (Ghahramani & Jordan 1994), for every covariance
 * structure: it works from each component's full covariance, which any structure gives through
 * its Mahalanobis form, so the structures' own kernels stay as they are.
 *
 * For a row with observed coordinates o and missing ones m, component j gives
 *  - the marginal density N(x_o | μ_jo, Σ_joo), from which the responsibilities come;
 *  - the conditional mean x̂_jm = μ_jm + Σ_jmo Σ_joo⁻¹ (x_o − μ_jo), which completes the row
 *    for the first and second moments, and
 *  - the conditional covariance C_j = Σ_jmm − Σ_jmo Σ_joo⁻¹ Σ_jom, added to the scatter. The
 *    structure's own `accumulate` adds it, fed the columns l of a factor C_j = Σ l lᵀ as
 *    rows m_j ± l (and m_j with minus their weight), so each structure keeps the part it needs
 *    (all of it, the diagonal, the trace or the pooled matrix).
 *
 * One instance per parameter set and shard: it holds scratch.
 */
export class MissingRowModel {
  private readonly model: CovarianceModel;
  private readonly k: number;
  private readonly d: number;
  /** K×D×D full covariances. */
  private readonly full: Float64Array;
  private readonly logWeights: Float64Array;
  /** K×D: each component's completion of the current row. */
  readonly completed: Float64Array;
  /** K × (observed count)²: the Cholesky factors of Σ_joo for the current row. */
  private readonly factors: Float64Array;
  private readonly observed: Int32Array;
  private readonly missing: Int32Array;
  private observedCount = 0;
  private missingCount = 0;
  private readonly work: Float64Array;
  private readonly columns: Float64Array;
  private readonly conditional: Float64Array;
  private readonly pseudoRow: Float64Array;
  private readonly oneHot: Float64Array;
  private readonly scratch: Float64Array;

  constructor(private readonly params: GmmParams) {
    const { k, d } = params;
    this.k = k;
    this.d = d;
    this.model = covarianceModel(params.covariance);
    const x = new Float64Array(d);
    const scratch = new Float64Array(d);
    this.full = covariancesFromQuadraticForm(k, d, (j, v) => {
      for (let c = 0; c < d; c++) x[c] = params.means[j * d + c] + v[c];
      return this.model.mahalanobis(params, j, x, 0, scratch);
    });
    this.logWeights = params.weights.map(portableLog);
    this.completed = new Float64Array(k * d);
    this.factors = new Float64Array(k * d * d);
    this.observed = new Int32Array(d);
    this.missing = new Int32Array(d);
    this.work = new Float64Array(d * d);
    this.columns = new Float64Array(d * d);
    this.conditional = new Float64Array(d * d);
    this.pseudoRow = new Float64Array(d);
    this.oneHot = new Float64Array(k);
    this.scratch = new Float64Array(Math.max(d, 1));
  }

  /**
   * out[j] = log π_j + log N(x_o | μ_jo, Σ_joo) for row i, and each component's completion of
   * the row in `completed` (for `accumulate` and imputation of the same row).
   */
  logProbs(values: Float64Array, mask: Uint8Array, i: number, out: Float64Array): void {
    const { k, d, full, factors, observed, missing, work, completed } = this;
    const means = this.params.means;
    let no = 0;
    let nm = 0;
    for (let c = 0; c < d; c++) {
      if (mask[i * d + c] === 1) missing[nm++] = c;
      else observed[no++] = c;
    }
    this.observedCount = no;
    this.missingCount = nm;
    for (let j = 0; j < k; j++) {
      const sigma = j * d * d;
      const factor = j * d * d;
      for (let a = 0; a < no; a++) for (let b = 0; b < no; b++) work[a * no + b] = full[sigma + observed[a] * d + observed[b]];
      // Σ_joo is a principal submatrix of a positive definite matrix, so it is positive definite.
      cholesky(work, 0, no, factors, factor);
      const z = this.pseudoRow;
      let logDet = 0;
      for (let a = 0; a < no; a++) {
        z[a] = values[i * d + observed[a]] - means[j * d + observed[a]];
        logDet += portableLog(factors[factor + a * no + a]);
      }
      solveLower(factors, factor, no, z, 0);
      let mahalanobis = 0;
      for (let a = 0; a < no; a++) mahalanobis += z[a] * z[a];
      out[j] = this.logWeights[j] - 0.5 * no * LOG_2PI - logDet - 0.5 * mahalanobis;
      // α = Σ_oo⁻¹ (x_o − μ_o); x̂_m = μ_m + Σ_mo α.
      solveLowerTranspose(factors, factor, no, z, 0);
      for (let a = 0; a < no; a++) completed[j * d + observed[a]] = values[i * d + observed[a]];
      for (let b = 0; b < nm; b++) {
        let s = means[j * d + missing[b]];
        for (let a = 0; a < no; a++) s += full[sigma + missing[b] * d + observed[a]] * z[a];
        completed[j * d + missing[b]] = s;
      }
    }
  }

  /**
   * Adds the statistics of the row last given to `logProbs`, with weighted responsibilities
   * wr[j], in gmm's layout (n_j | first moments around m_j | the structure's block).
   */
  accumulate(stats: Float64Array, wr: Float64Array): void {
    const { k, d, model, completed, oneHot, scratch, params } = this;
    const means = params.means;
    const blockOff = k + k * d;
    for (let j = 0; j < k; j++) {
      const w = wr[j];
      if (w === 0) continue;
      stats[j] += w;
      for (let c = 0; c < d; c++) stats[k + j * d + c] += w * (completed[j * d + c] - means[j * d + c]);
      oneHot.fill(0);
      oneHot[j] = w;
      model.accumulate(stats, blockOff, completed, j * d, oneHot, params, scratch);
      this.addConditionalCovariance(stats, blockOff, j);
    }
  }

  /** Adds wr_j·C_j through the structure's accumulate (see the class comment). */
  private addConditionalCovariance(stats: Float64Array, blockOff: number, j: number): void {
    const { d, full, factors, observed, missing, observedCount: no, missingCount: nm, columns, conditional, pseudoRow, oneHot, scratch, params } = this;
    if (nm === 0) return;
    const sigma = j * d * d;
    const factor = j * d * d;
    // B = L⁻¹ Σ_om, column by column; C = Σ_mm − BᵀB.
    for (let b = 0; b < nm; b++) {
      for (let a = 0; a < no; a++) columns[b * d + a] = full[sigma + observed[a] * d + missing[b]];
      solveLower(factors, factor, no, columns, b * d);
    }
    for (let b = 0; b < nm; b++)
      for (let c = 0; c <= b; c++) {
        let s = full[sigma + missing[b] * d + missing[c]];
        for (let a = 0; a < no; a++) s -= columns[b * d + a] * columns[c * d + a];
        conditional[b * nm + c] = s;
        conditional[c * nm + b] = s;
      }
    // C = Σ_i l_i l_iᵀ by a Cholesky factorisation that drops non-positive pivots (C is
    // positive semi-definite up to round-off).
    for (let c = 0; c < nm; c++) {
      let pivot = conditional[c * nm + c];
      for (let p = 0; p < c; p++) pivot -= conditional[c * nm + p] * conditional[c * nm + p];
      const positive = pivot > 0;
      const root = positive ? Math.sqrt(pivot) : 0;
      for (let r = c; r < nm; r++) {
        if (r === c) {
          conditional[c * nm + c] = root;
          continue;
        }
        let s = conditional[r * nm + c];
        for (let p = 0; p < c; p++) s -= conditional[r * nm + p] * conditional[c * nm + p];
        conditional[r * nm + c] = positive ? s / root : 0;
      }
      if (!positive) continue;
      // Column l of L (rows c…nm−1 of the lower triangle): rows m_j ± l with half the weight
      // each and m_j with minus the weight add w·l·lᵀ to the scatter around any reference
      // point a structure keeps (tied: a pooled centre), and nothing to n_j or the first moments.
      const w = oneHot[j];
      for (let sign = 1; sign >= -1; sign -= 2) {
        for (let x = 0; x < d; x++) pseudoRow[x] = params.means[j * d + x];
        for (let r = c; r < nm; r++) pseudoRow[missing[r]] += sign * conditional[r * nm + c];
        oneHot[j] = w / 2;
        this.model.accumulate(stats, blockOff, pseudoRow, 0, oneHot, params, scratch);
      }
      oneHot[j] = -w;
      this.model.accumulate(stats, blockOff, params.means, j * d, oneHot, params, scratch);
      oneHot[j] = w;
    }
  }

  /** Writes row i with each missing cell replaced by Σ_j r_j x̂_jm (after `logProbs` on the row). */
  impute(responsibilities: Float64Array, out: Float64Array, outOff: number): void {
    const { k, d, missing, missingCount: nm, completed } = this;
    for (let b = 0; b < nm; b++) {
      let s = 0;
      for (let j = 0; j < k; j++) if (responsibilities[j] !== 0) s += responsibilities[j] * completed[j * d + missing[b]];
      out[outOff + missing[b]] = s;
    }
  }
}

/** Runs of complete rows shorter than this share one row kernel rather than set up eStepRows'. */
const SHORT_RUN = 256;

/**
 * The E-step over rows [start, end) of data that may have missing cells: runs of complete rows
 * take the usual path (eStepRows, the structures' fast kernels), rows with missing cells
 * MissingRowModel's. With no missing cell it is eStepRows itself.
 */
export function eStepRowsWithMissing(params: GmmParams, data: Dataset, start: number, end: number, stats: Float64Array): number {
  const mask = data.missing;
  if (!mask) return eStepRows(params, data, start, end, stats);
  const priorPerWeight = params.prior && params.totalWeight ? (params.logPrior ?? 0) / params.totalWeight : 0;
  // Long runs of complete rows go through eStepRows (which may take the WebAssembly kernels);
  // short ones through one row kernel made here, since eStepRows sets up its kernels per call.
  let kernel: RowKernel | null = null;
  const completeRows = (from: number, to: number): number => {
    if (to - from >= SHORT_RUN) return eStepRows(params, data, from, to, stats);
    kernel ??= covarianceModel(params.covariance).rowKernel(params);
    return eStepCompleteRows(params, kernel, data, from, to, stats);
  };
  let rows: MissingRowModel | null = null;
  // One row at a time: a row's completion is MissingRowModel's state for the last row it was given.
  const block = new MixtureBlock({ k: params.k, blockRows: 1, rule: responsibilityRule(params.assignment) });
  let objective = 0;
  let runStart = start;
  for (let i = start; i < end; i++) {
    if (!rowHasMissing(data, i)) continue;
    if (runStart < i) objective += completeRows(runStart, i);
    runStart = i + 1;
    if (data.weights !== null && data.weights[i] === 0) continue;
    rows ??= new MissingRowModel(params);
    rows.logProbs(data.values, mask, i, block.logProbRow(0));
    objective = block.weigh(1, data.weights, i, objective, priorPerWeight);
    rows.accumulate(stats, block.responsibilityRow(0));
  }
  if (runStart < end) objective += completeRows(runStart, end);
  return objective;
}

/**
 * The data with each missing cell replaced by the mean of its column's observed cells (0 for a
 * column with none): where a fit with missing values starts from, and the baseline it beats.
 */
export function meanImputed(data: Dataset): Dataset {
  return withMissingFilled(data, (sum, count) => (count > 0 ? sum / count : 0));
}
