import type { KernelChoice } from '@emkit/linalg';
import type { Assignment } from './assignment.js';

/**
 * The 14 covariance structures of Celeux & Govaert (1995): the four scikit-learn names (full =
 * mclust's VVV, diag = VVI, spherical = VII, tied = EEE), which stay the stored names, and the
 * other ten under mclust's names (volume, shape, orientation: E equal, V variable, I identity).
 */
export type CovarianceType = 'full' | 'diag' | 'spherical' | 'tied' | 'EII' | 'EEI' | 'VEI' | 'EVI' | 'VEE' | 'EVE' | 'VVE' | 'EEV' | 'VEV' | 'EVV';

/**
 * Parameters of a K-component Gaussian mixture in D dimensions. Plain data (numbers, strings,
 * Float64Arrays) so it can be sent to workers.
 *
 * `covariances` layout by type (scikit-learn shapes, flattened row-major):
 * full K×D×D, tied D×D, diag K×D, spherical K.
 * `precisionCholesky` follows scikit-learn: for each covariance Σ, the upper-triangular U with
 * Σ⁻¹ = U·Uᵀ (full K×D×D, tied D×D), or 1/σ (diag K×D, spherical K).
 * `logDetPrecisionCholesky[j]` = Σ log diag(U_j) = −½·log det Σ_j.
 */
export interface GmmParams {
  readonly k: number;
  readonly d: number;
  readonly covariance: CovarianceType;
  /**
   * The E-step's responsibility rule (soft EM or hard/classification EM). It lives in the
   * parameters because the E-step sees only the parameters (on a worker thread too).
   */
  readonly assignment: Assignment;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly covariances: Float64Array;
  readonly precisionCholesky: Float64Array;
  readonly logDetPrecisionCholesky: Float64Array;

  /**
   * Which kernels run the E-step: 'wasm' (WebAssembly SIMD, the default where the engine has
   * it) or 'js' (the scalar row kernels, the reference). Carried in the parameters so that
   * worker threads run the same kernels as the main thread.
   */
  readonly kernels?: KernelChoice;
  /**
   * What regCovar multiplies on each coordinate (D numbers): the data's variance of each column
   * (1 for a column without spread), resolved at init from the data when regCovarScale is
   * 'variance' (the default). Absent: regCovar is added as it is.
   */
  readonly ridgeScale?: Float64Array;

  // MAP-EM and singularity handling; absent in plain maximum-likelihood parameters.
  /** The resolved conjugate prior of MAP-EM; absent (or null) for maximum likelihood. */
  readonly prior?: GmmPrior | null;
  /** log p(weights, means, covariances) under `prior` (0 without one). */
  readonly logPrior?: number;
  /**
   * Σ sample weights of the data being fitted: the E-step spreads logPrior over the rows in
   * proportion to their weight, so that any shard plan adds up to the log posterior.
   */
  readonly totalWeight?: number;
  /** M-steps since init (0 at the start), so that a collapse can name its iteration. */
  readonly iteration?: number;
  /** Collapsed components that were re-seeded (onSingular: 'reseed'), in order. */
  readonly warnings?: readonly SingularityWarning[];
  /**
   * Rows kept in the statistics as re-seeding candidates: the rows with the lowest log-density
   * (the worst explained, far from every component). 0 unless onSingular is 'reseed'.
   */
  readonly reseedSlots?: number;
}

/**
 * The conjugate prior of MAP-EM, resolved (mclust's priorControl / defaultPrior):
 * μ_j | Σ_j ~ N(mean, Σ_j/κ) and Σ_j ~ inverse-Wishart(ν, Λ) (full; one shared Σ for tied), or
 * σ²_jc ~ inverse-gamma(ν/2, Λ_c/2) per coordinate (diag) / σ²_j ~ inverse-gamma(ν/2, Λ/2)
 * (spherical); π ~ Dirichlet(α, …, α).
 */
export interface GmmPrior {
  /** κ > 0: the precision of the mean prior relative to the component's covariance. */
  readonly shrinkage: number;
  /** The mean prior's centre (D). */
  readonly mean: Float64Array;
  /** ν: inverse-Wishart degrees of freedom, or twice the inverse-gamma shape. */
  readonly dof: number;
  /** Λ in the structure's shape: full and tied D×D, diag D, spherical 1. */
  readonly scale: Float64Array;
  /** α ≥ 1 of the symmetric Dirichlet on the weights (1: flat, no effect). */
  readonly weightConcentration: number;
}

/** What to do when a component collapses under maximum likelihood. */
export type SingularPolicy = 'fail' | 'reseed';

/** A collapsed component that was re-seeded, as recorded in the parameters and model files. */
export interface SingularityWarning {
  /** The EM iteration (M-step) at which it collapsed. */
  readonly iteration: number;
  /** 1-based component number. */
  readonly component: number;
  /** Why it counts as collapsed (variance under the floor, weight under minRows/N). */
  readonly reason: string;
  /** What was done (the row it was re-seeded at). */
  readonly action: string;
}

/** Parameters that the M-step leaves as they are. */
export type FrozenParameter = 'weights' | 'means' | 'covariances';
