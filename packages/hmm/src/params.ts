import type { CovarianceType, GmmParams } from '@emkit/gmm';

export type EmissionKind = 'gaussian' | 'categorical';

/**
 * Gaussian emissions: state j emits N(μ_j, Σ_j). Held as gmm parameters (weights all 1, so a
 * gmm row kernel's "log π_j + log N" is log N) so that gmm's covariance modules compute the
 * densities, accumulate the statistics and run the M-step.
 */
export interface GaussianEmission {
  readonly kind: 'gaussian';
  readonly gaussian: GmmParams;
}

/** Categorical emissions: state j emits symbol m ∈ {0, …, M − 1} with probability B[j][m]. */
export interface CategoricalEmission {
  readonly kind: 'categorical';
  readonly symbols: number;
  /** K×M row-major; each row sums to 1. */
  readonly probabilities: Float64Array;
}

export type Emission = GaussianEmission | CategoricalEmission;

/**
 * A K-state hidden Markov model over D-dimensional observations (D = 1 for categorical
 * emissions). Plain data (numbers, Float64Arrays) so it can be sent to workers.
 *
 * Zero entries of `startProbabilities` and `transitions` are structural: Baum–Welch keeps
 * them at zero (a left-to-right model's forbidden jumps) and they are not free parameters.
 */
export interface HmmParams {
  readonly k: number;
  readonly d: number;
  /** π: K, sums to 1. */
  readonly startProbabilities: Float64Array;
  /** A: K×K row-major, A[i][j] = p(z_{t+1} = j | z_t = i); each row sums to 1. */
  readonly transitions: Float64Array;
  readonly emission: Emission;
  /** MAP-EM: Dirichlet concentrations (≥ 1) on π and on each row of A; absent: maximum likelihood. */
  readonly prior?: HmmPrior | null;
  /** log p(π, A) under `prior`, up to its normalising constant (0 without one). */
  readonly logPrior?: number;
  /**
   * Rows of the data being fitted: the E-step gives each sequence its share of logPrior in
   * proportion to its length, so that any shard plan adds up to the log posterior.
   */
  readonly totalRows?: number;
}

export interface HmmPrior {
  readonly start: number;
  readonly transitions: number;
}

export type HmmCovarianceType = Extract<CovarianceType, 'full' | 'diag' | 'spherical' | 'tied'>;

/** Parameters the M-step leaves as they are (`emissions`: all emission parameters). */
export type HmmFrozenParameter = 'start' | 'transitions' | 'emissions' | 'means' | 'covariances';
