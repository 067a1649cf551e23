import { argmax, logSumExp, portableExp } from '@emkit/linalg';
import { rowHasMissing, type Dataset } from './dataset.js';
import { toNested, toNestedStack } from './json-fields.js';

/**
 * What every mixture has in common, said once (as scikit-learn's BaseMixture over
 * `_estimate_weighted_log_prob`, pomegranate's BayesMixin): a plugin supplies the per-component
 * weighted log-density log πⱼ + log p(x | θⱼ) of a block of rows, and this module turns it into
 * `scoreSamples`, `responsibilities`, `predict`, and the E-step's log-sum-exp with its weighted
 * row sum. Rows go through in blocks, so the scratch is blockRows × K whatever N is.
 */

/** Rows per block when a density does not say. */
export const MIXTURE_BLOCK_ROWS = 256;

/**
 * How a row's weighted log-densities become responsibilities and the row's term of the
 * objective. Reads logProb[0..k), writes out[0..k), returns the term.
 */
export interface RowAssignment {
  assign(logProb: Float64Array, k: number, out: Float64Array): number;
  /** The term alone, for scoreSamples, where it costs less than `assign` (default: `assign` into scratch). */
  objective?(logProb: Float64Array, k: number): number;
}

/**
 * Ordinary (soft) EM: the term is log p(x) = log Σⱼ exp(logProbⱼ) and rⱼ = exp(logProbⱼ − log p(x)).
 * A component at −Infinity gets rⱼ = 0; a row at −Infinity under every component has no
 * responsibilities (NaN), and its term, −Infinity, makes the driver stop with a FitError.
 */
export const SOFT_ASSIGNMENT: RowAssignment = {
  assign(logProb, k, out) {
    const lse = logSumExp(logProb, 0, k);
    for (let j = 0; j < k; j++) out[j] = portableExp(logProb[j] - lse);
    return lse;
  },
  objective: (logProb, k) => logSumExp(logProb, 0, k),
};

/** A mixture's per-component weighted log-density over rows of one dataset. */
export interface MixtureDensity {
  /** K, the number of components. */
  readonly k: number;
  /** Rows per `weightedLogProbs` call at the most (default MIXTURE_BLOCK_ROWS). */
  readonly blockRows?: number;
  /**
   * Writes log πⱼ + log p(xᵢ | θⱼ) for rows i in [first, first + rows) into out[(i − first)·K + j],
   * rows ≤ blockRows. Rows with missing cells get the density of their observed cells.
   */
  weightedLogProbs(first: number, rows: number, out: Float64Array): void;
  /** From log-densities to responsibilities and objective (default SOFT_ASSIGNMENT). */
  readonly rule?: RowAssignment;
}

/**
 * Scratch for one block of rows, allocated once per call, never per row: the weighted
 * log-densities, the responsibilities and each row's objective term.
 */
export class MixtureBlock {
  readonly k: number;
  readonly blockRows: number;
  readonly rule: RowAssignment;
  /** blockRows × K: log πⱼ + log p(x | θⱼ), row q at q·K. */
  readonly logProb: Float64Array;
  /** blockRows × K: responsibilities (times the row's weight after `weigh`). */
  readonly responsibilities: Float64Array;
  /** blockRows: each row's term of the objective (log p(x) for soft EM). */
  readonly objectives: Float64Array;
  /** How many rows of the last `weigh` had a weight other than 0. */
  weightedRows = 0;
  // Row q's slices of the block buffers, for the rule (which reads and writes from index 0).
  private readonly logProbRows: Float64Array[];
  private readonly responsibilityRows: Float64Array[];

  constructor(density: Pick<MixtureDensity, 'k' | 'blockRows' | 'rule'>) {
    const k = density.k;
    const blockRows = density.blockRows ?? MIXTURE_BLOCK_ROWS;
    this.k = k;
    this.blockRows = blockRows;
    this.rule = density.rule ?? SOFT_ASSIGNMENT;
    this.logProb = new Float64Array(blockRows * k);
    this.responsibilities = new Float64Array(blockRows * k);
    this.objectives = new Float64Array(blockRows);
    this.logProbRows = Array.from({ length: blockRows }, (_, q) => this.logProb.subarray(q * k, (q + 1) * k));
    this.responsibilityRows = Array.from({ length: blockRows }, (_, q) => this.responsibilities.subarray(q * k, (q + 1) * k));
  }

  /** Row q's log-densities (a view, K long). */
  logProbRow(q: number): Float64Array {
    return this.logProbRows[q];
  }

  /** Row q's responsibilities (a view, K long). */
  responsibilityRow(q: number): Float64Array {
    return this.responsibilityRows[q];
  }

  /** Responsibilities and objective terms of rows [0, rows) from their log-densities. */
  assign(rows: number): void {
    const { rule, k } = this;
    for (let q = 0; q < rows; q++) this.objectives[q] = rule.assign(this.logProbRows[q], k, this.responsibilityRows[q]);
  }

  /** Objective terms alone of rows [0, rows) (responsibilities left as they were). */
  score(rows: number): void {
    const { rule, k } = this;
    for (let q = 0; q < rows; q++) this.objectives[q] = rule.objective ? rule.objective(this.logProbRows[q], k) : rule.assign(this.logProbRows[q], k, this.responsibilityRows[q]);
  }

  /**
   * The E-step's part for rows [0, rows) of a block that starts at data row `first`: each row's
   * responsibilities times its weight w (a row of weight 0 gets zeros and adds nothing) and
   * `total` plus Σ w·(objective + offset), added row by row in order — so a shard's sum does not
   * depend on where blocks start. `offset` is a per-unit-weight share of a global term (a log
   * prior, a KL divergence) that makes shard sums add up to the whole objective.
   */
  weigh(rows: number, weights: Float64Array | null, first: number, total: number, offset = 0): number {
    const { rule, k, logProbRows, responsibilityRows, objectives } = this;
    let weighted = 0;
    for (let q = 0; q < rows; q++) {
      const w = weights === null ? 1 : weights[first + q];
      const r = responsibilityRows[q];
      if (w === 0) {
        r.fill(0);
        continue;
      }
      const objective = rule.assign(logProbRows[q], k, r);
      objectives[q] = objective;
      total += w * (objective + offset);
      if (w !== 1) for (let j = 0; j < k; j++) r[j] *= w;
      weighted++;
    }
    this.weightedRows = weighted;
    return total;
  }

}

/**
 * Runs `visit` on rows [start, end) block by block, with the block's log-densities,
 * responsibilities and objective terms filled in (unweighted) for its rows [0, rows).
 */
export function forEachMixtureBlock(density: MixtureDensity, start: number, end: number, visit: (first: number, rows: number, block: MixtureBlock) => void): void {
  const block = new MixtureBlock(density);
  for (let first = start; first < end; first += block.blockRows) {
    const rows = Math.min(block.blockRows, end - first);
    density.weightedLogProbs(first, rows, block.logProb);
    block.assign(rows);
    visit(first, rows, block);
  }
}

/**
 * The E-step over rows [start, end): weighs each block (MixtureBlock.weigh, starting from
 * `total`) and hands blocks with any weighted row to `accumulate`, whose `block.responsibilities`
 * then hold w·r. Returns the running total.
 */
export function mixtureEStep(
  density: MixtureDensity,
  weights: Float64Array | null,
  start: number,
  end: number,
  accumulate: (first: number, rows: number, block: MixtureBlock) => void,
  { total = 0, offset = 0 }: { total?: number; offset?: number } = {},
): number {
  const block = new MixtureBlock(density);
  for (let first = start; first < end; first += block.blockRows) {
    const rows = Math.min(block.blockRows, end - first);
    density.weightedLogProbs(first, rows, block.logProb);
    total = block.weigh(rows, weights, first, total, offset);
    if (block.weightedRows > 0) accumulate(first, rows, block);
  }
  return total;
}

/**
 * A mixture's `impute`: a copy of the values in which `fillRow` completes each row with missing
 * cells (row i into out[i·D…]) from the row's responsibilities under the density's rule. The
 * density is made first, so the data are checked even when no cell is missing.
 */
export function mixtureImpute(density: MixtureDensity, data: Dataset, fillRow: (i: number, responsibilities: Float64Array, out: Float64Array) => void): Float64Array {
  const out = data.values.slice();
  if (!data.missing) return out;
  forEachMixtureBlock(density, 0, data.rows, (first, rows, block) => {
    for (let i = first; i < first + rows; i++) if (rowHasMissing(data, i)) fillRow(i, block.responsibilityRow(i - first), out);
  });
  return out;
}

/** Each row's objective term (log p(x) for soft EM). */
export function mixtureScoreSamples(density: MixtureDensity, rows: number): Float64Array {
  const out = new Float64Array(rows);
  const block = new MixtureBlock(density);
  for (let first = 0; first < rows; first += block.blockRows) {
    const n = Math.min(block.blockRows, rows - first);
    density.weightedLogProbs(first, n, block.logProb);
    block.score(n);
    for (let q = 0; q < n; q++) out[first + q] = block.objectives[q];
  }
  return out;
}

/** N×K row-major responsibilities. */
export function mixtureResponsibilities(density: MixtureDensity, rows: number): Float64Array {
  const k = density.k;
  const out = new Float64Array(rows * k);
  forEachMixtureBlock(density, 0, rows, (first, n, block) => {
    for (let i = 0; i < n * k; i++) out[first * k + i] = block.responsibilities[i];
  });
  return out;
}

/** The most probable component of each row (the first on ties; a row of NaN gets −1). */
export function mixturePredict(density: MixtureDensity, rows: number): Int32Array {
  const k = density.k;
  const out = new Int32Array(rows);
  const block = new MixtureBlock({ k, blockRows: density.blockRows, rule: SOFT_ASSIGNMENT });
  for (let first = 0; first < rows; first += block.blockRows) {
    const n = Math.min(block.blockRows, rows - first);
    density.weightedLogProbs(first, n, block.logProb);
    for (let q = 0; q < n; q++) out[first + q] = argmax(block.logProb, q * k, k);
  }
  return out;
}

/** The ModelPlugin methods a mixture gets from its density. */
export interface MixtureMethods<P> {
  scoreSamples(params: P, data: Dataset): Float64Array;
  responsibilities(params: P, data: Dataset): Float64Array;
  predict(params: P, data: Dataset): Int32Array;
}

/**
 * `scoreSamples`, `responsibilities` and `predict` for a plugin from its weighted log-density;
 * spread into the plugin object. `densityOf` checks the data against the parameters.
 */
export function mixtureMethods<P>(densityOf: (params: P, data: Dataset) => MixtureDensity): MixtureMethods<P> {
  return {
    scoreSamples: (params, data) => mixtureScoreSamples(densityOf(params, data), data.rows),
    responsibilities: (params, data) => mixtureResponsibilities(densityOf(params, data), data.rows),
    predict: (params, data) => mixturePredict(densityOf(params, data), data.rows),
  };
}

/** The ModelPlugin methods every model of one component shares. */
export interface SingleComponentMethods<P> {
  components(params: P): number;
  responsibilities(params: P, data: Dataset): Float64Array;
  predict(params: P, data: Dataset): Int32Array;
}

/**
 * `components`, `responsibilities` and `predict` of a model with one component (factor analysis,
 * a regression, a VAE): every row wholly in component 0, after `checkData` has checked the data
 * against the parameters.
 */
export function singleComponentMethods<P>(checkData: (params: P, data: Dataset) => void): SingleComponentMethods<P> {
  return {
    components: () => 1,
    responsibilities(params, data) {
      checkData(params, data);
      return new Float64Array(data.rows).fill(1);
    },
    predict(params, data) {
      checkData(params, data);
      return new Int32Array(data.rows);
    },
  };
}

/** A Gaussian mixture's weights, means and covariances as plain nested arrays, component by component. */
export interface GaussianMixtureParameters {
  /** K weights summing to 1. */
  readonly weights: number[];
  /** K rows of D numbers. */
  readonly means: number[][];
  /** K full D×D matrices, whatever structure the model stores. */
  readonly covariances: number[][][];
}

/** GaussianMixtureParameters from K weights, K×D means and K full D×D covariances, flat and row-major. */
export function gaussianMixtureParameters(weights: ArrayLike<number>, means: ArrayLike<number>, covariances: ArrayLike<number>, k: number, d: number): GaussianMixtureParameters {
  return { weights: Array.from(weights), means: toNested(means, k, d), covariances: toNestedStack(covariances, k, d, d) };
}
