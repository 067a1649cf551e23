import type { Random, WasmKernels } from '@emkit/linalg';
import type { WasmBlockKernel } from './shared.js';
import type { CovarianceType, GmmParams, GmmPrior } from '../params.js';

/** What an M-step knows when it computes covariances. */
export interface CovarianceStats {
  /** The parameters the E-step used; their means are the reference points of the moments. */
  readonly params: GmmParams;
  /** Σ w·r per component. */
  readonly nk: Float64Array;
  /** nk plus a tiny constant (10·ε, as scikit-learn) so empty components divide safely. */
  readonly nkEffective: Float64Array;
  /** Σ w·r·(x − m_j) per component, m_j = params.means[j] (K×D). */
  readonly firstMoments: Float64Array;
  readonly block: Float64Array;
  readonly blockOff: number;
  /** The new means (equal to params.means when means are frozen). */
  readonly means: Float64Array;
  /**
   * What the M-step adds to each coordinate's variance (D numbers): regCovar, times the data's
   * variance of that column unless regCovarScale is 'none' (see ridgeOf in estimate.ts).
   */
  readonly ridge: Float64Array;
  /**
   * MAP-EM: the conjugate prior. The covariances are then the posterior mode
   * (scatter + Λ + κ·Σ_j (μ_j − m)(μ_j − m)ᵀ) / (the structure's denominator), plus the ridge;
   * the scatter is around the new means, so this also holds with frozen means.
   */
  readonly prior?: GmmPrior | null;
}

/**
 * One covariance structure. Each lives in its own module; the option string is mapped to a
 * module once (covariance/index.ts), so no other code switches on the type.
 *
 * Sufficient statistics are kept around a reference point — the means the E-step was given —
 * so the M-step never subtracts large raw moments (Σwxxᵀ/Σw − μμᵀ cancels badly on uncentred
 * data). `accumulate` sees, for one row, x and the weighted responsibilities w·r_j.
 */
export interface CovarianceModel {
  readonly type: CovarianceType;
  /** false when MAP priors are not offered for this structure (mclust has none for it); absent means offered. */
  readonly supportsPrior?: boolean;
  /** Length of the flat `covariances` array. */
  covarianceLength(k: number, d: number): number;
  /** Length of this structure's block of second-moment statistics. */
  secondMomentLength(k: number, d: number): number;

  /**
   * Adds row x's second-moment contribution: Σ_j wr[j]·(x − m_j)(x − m_j)ᵀ in the form the
   * structure needs (full matrices, diagonals, or one pooled matrix). `scratch` has length ≥ d.
   */
  accumulate(block: Float64Array, blockOff: number, x: Float64Array, xOff: number, wr: Float64Array, params: GmmParams, scratch: Float64Array): void;

  /** New covariances from the statistics, with the ridge added to the diagonal. */
  fromStats(args: CovarianceStats): Float64Array;

  /**
   * Precision Cholesky factors and their log-determinants. Returns the index of the first
   * component whose covariance is not positive definite instead of factors, so the caller can
   * name it. `log` (default portableLog) takes the logarithms of the log-determinants: the wasm
   * kernels pass their own, so that every engine gives the same bits.
   */
  precisionCholesky(covariances: Float64Array, k: number, d: number, log?: (x: number) => number): { precisionCholesky: Float64Array; logDet: Float64Array } | { singular: number };

  /** Squared Mahalanobis distance of x from component j: ‖(x − μ_j)ᵀ·U_j‖². */
  mahalanobis(params: GmmParams, j: number, x: Float64Array, xOff: number, scratch: Float64Array): number;

  /**
   * The E-step's per-row work for one parameter set, with its per-parameter constants computed
   * once (see RowKernel). Parameters without precision factors (init's provisional ones, with an
   * empty precisionCholesky) give a kernel that can only accumulate.
   */
  rowKernel(params: GmmParams): RowKernel;

  /**
   * The E-step on WebAssembly SIMD kernels (`kernels: 'wasm'`), for parameters with precision
   * factors: lays out its regions in the thread's wasm memory and fills in the parameters.
   * Optional: a structure without it runs its row kernel (JavaScript) under either choice.
   */
  wasmKernel?(params: GmmParams, kernels: WasmKernels): WasmBlockKernel;

  /** Free covariance parameters. */
  parameterCount(k: number, d: number): number;

  /** The covariances in scikit-learn's nested shape for JSON. */
  toNested(covariances: Float64Array, k: number, d: number): unknown;
  /** The covariances back from their nested JSON shape; errors name `field` and the index. */
  fromNested(value: unknown, k: number, d: number, field: string, kind: 'model-file' | 'option'): Float64Array;

  /**
   * The smallest variance of component j's covariance in any direction the structure can see:
   * the squared pivots of its Cholesky factor (conditional variances) for full and tied, the
   * variances for diag and spherical. 0 when the covariance is not positive definite.
   */
  smallestVariance(covariances: Float64Array, j: number, d: number): number;

  /** This structure's default prior scale from the data covariance (D×D), mclust's defaultPrior: divided by K^(2/D). */
  priorScaleFrom(dataCovariance: Float64Array, k: number, d: number): Float64Array;
  /** The prior scale in a model file: a D×D matrix, D numbers or one number, as readPriorScale reads it. */
  priorScaleToJSON(scale: Float64Array, d: number): unknown;
  /** A prior scale given by the user in this structure's shape; errors name `field`. */
  readPriorScale(value: unknown, d: number, field: string): Float64Array;
  /**
   * The prior's degrees of freedom must be above this: D − 1 for an inverse-Wishart scale (a
   * full matrix), 0 for the inverse-gamma scales of variances. Absent: 0.
   */
  priorDofAbove?(d: number): number;
  /** log p(means, covariances) under the prior, normalised densities, at the parameters. */
  logPriorDensity(params: GmmParams, prior: GmmPrior): number;

  /** Writes one draw of N(0, Σ_j) into out[outOff..outOff+d). */
  sampleNoise(params: GmmParams, j: number, random: Random, out: Float64Array, outOff: number, scratch: Float64Array): void;
}

/**
 * The E-step's inner loop for one parameter set: all K components of one row per call (one
 * call per row, not per component per row), or of BLOCK_ROWS consecutive rows (shared.ts), with
 * what does not depend on the row precomputed. A block gives each row exactly what the one-row
 * methods give it, bit for bit — log-densities and statistics — so results do not depend on
 * where blocks start. `accumulate` reuses the x − μ_j that `weightedLogProbs` computed when it
 * is called for the same rows right after it. Not shared between threads: it holds scratch.
 */
export interface RowKernel {
  /** out[j] = log π_j + log N(x | μ_j, Σ_j) for j < K. */
  weightedLogProbs(x: Float64Array, xOff: number, out: Float64Array): void;
  /** The same for the BLOCK_ROWS rows at x[xOff..]: out[q·K + j] for row q. */
  weightedLogProbsBlock(x: Float64Array, xOff: number, out: Float64Array): void;
  /**
   * Adds row x's statistics for weighted responsibilities wr[j] = w·r_j: n_j += wr[j], the first
   * moments Σ wr[j]·(x − m_j) and the structure's second-moment block, in the layout of
   * estimate.ts (stats[0..K) | K×D | block). Components with wr[j] = 0 add nothing.
   */
  accumulate(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void;
  /** `accumulate` for the BLOCK_ROWS rows at x[xOff..] in order, with wr[q·K + j] for row q. */
  accumulateBlock(stats: Float64Array, x: Float64Array, xOff: number, wr: Float64Array): void;
}
