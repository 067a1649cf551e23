import type { BgmmCovariance, WeightPrior } from './options.js';

/** The prior, with every default resolved from the data (so a model file is self-contained). */
export interface BgmmPrior {
  /** γ (Dirichlet process) or α₀ (Dirichlet distribution). */
  readonly weightConcentration: number;
  /** m₀ (D). */
  readonly meanPrior: Float64Array;
  /** β₀. */
  readonly meanPrecision: number;
  /** ν₀. */
  readonly degreesOfFreedom: number;
  /** W₀⁻¹ (D×D) as given or from the data, before regCovar (diag and spherical use its diagonal). */
  readonly covariancePrior: Float64Array;
  /** Added to the diagonal of covariancePrior wherever W₀⁻¹ is used. */
  readonly regCovar: number;
}

/**
 * The variational posterior q(π)·Πₖ q(μₖ, Λₖ) with q(μₖ, Λₖ) = N(μₖ | mₖ, (βₖΛₖ)⁻¹)·W(Λₖ | Wₖ, νₖ)
 * (Bishop 2006, §10.2), in scikit-learn's parametrisation: the fields of BgmmParams that are
 * not derived.
 */
export interface PosteriorFields {
  readonly k: number;
  readonly d: number;
  readonly covariance: BgmmCovariance;
  readonly weightPrior: WeightPrior;
  readonly prior: BgmmPrior;
  /**
   * Σ sample weights of the data being fitted. The E-step spreads the global part of the ELBO
   * (−KL of the parameter posterior from the prior) over rows in proportion to their weight, so
   * that shard sums add up to the ELBO whatever the shard plan.
   */
  readonly totalWeight: number;

  /** q(π): Dirichlet process [a₁…a_K, b₁…b_K] (Beta(aₖ, bₖ) sticks); Dirichlet [α₁…α_K]. */
  readonly weightConcentration: Float64Array;
  /** βₖ. */
  readonly meanPrecision: Float64Array;
  /** mₖ (K×D). */
  readonly means: Float64Array;
  /** νₖ, as scikit-learn's degrees_of_freedom_ (tied: ν₀ + N/K, repeated per component). */
  readonly degreesOfFreedom: Float64Array;
  /**
   * The inverse of E[Λₖ] (K×D×D, dense for every covariance type: diagonal for diag and
   * spherical, the same matrix K times for tied); scikit-learn's covariances_ (Wₖ⁻¹/νₖ for full).
   */
  readonly covariances: Float64Array;
}

/**
 * The posterior plus quantities derived from it for the E-step. Plain data (numbers, strings,
 * Float64Arrays) so it can be sent to workers.
 */
export interface BgmmParams extends PosteriorFields {
  // Derived (recomputed from the above by assembleParams, never read from a file).
  /** Point estimate of the weights: E[πₖ] under q for a Dirichlet; scikit-learn's normalised stick means for the process. */
  readonly weights: Float64Array;
  /** E[ln πₖ]. */
  readonly logWeights: Float64Array;
  /** Upper-triangular Uₖ with covariancesₖ⁻¹ = Uₖ·Uₖᵀ (K×D×D). */
  readonly precisionCholesky: Float64Array;
  /** Σ ln diag Uₖ = −½ ln |covariancesₖ|. */
  readonly logDetPrecisionCholesky: Float64Array;
  /**
   * Per component, the part of ρᵢₖ = E[ln πₖ] + E[ln N(xᵢ | μₖ, Λₖ⁻¹)] that does not depend on xᵢ:
   * E[ln πₖ] + ½E[ln |Λₖ|] − (D/2)·ln 2π − D/(2βₖ). Then ρᵢₖ = rowConstantₖ − ½‖Uₖᵀ(xᵢ − mₖ)‖².
   */
  readonly rowConstant: Float64Array;
  /** −KL(q(π, μ, Λ) ‖ p(π, μ, Λ)): the part of the ELBO that does not depend on the rows. */
  readonly globalTerm: number;
}
