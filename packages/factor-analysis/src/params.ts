import type { KernelChoice } from '@emkit/linalg';
/** How the noise covariance Ψ is structured: a free diagonal (factor analysis) or σ²·I (PPCA). */
export type NoiseModel = 'diagonal' | 'isotropic';

/**
 * Parameters of the factor model x = W·z + μ + ε, z ~ N(0, I_q), ε ~ N(0, Ψ) with Ψ diagonal, so
 * that x ~ N(μ, W·Wᵀ + Ψ). Plain data (numbers, strings, Float64Arrays) so it can be sent to
 * workers; everything derived from it (the posterior of z, Cholesky factors) is recomputed by
 * `prepareModel` where it is needed.
 */
export interface FactorParams {
  /** D, the number of columns. */
  readonly d: number;
  /** q, the number of factors. */
  readonly q: number;
  readonly noise: NoiseModel;
  /** μ (D). */
  readonly mean: Float64Array;
  /** W, D×q row-major: row c holds the loadings of column c on the q factors. */
  readonly loadings: Float64Array;
  /** The diagonal of Ψ (D); all equal (σ²) for isotropic noise. */
  readonly noiseVariance: Float64Array;
  /** The E-step's kernels (see the `kernels` option); in the parameters so that workers use the same. */
  readonly kernels?: KernelChoice;
}
