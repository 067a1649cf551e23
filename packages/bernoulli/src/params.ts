import type { KernelChoice } from '@emkit/linalg';

/**
 * Parameters of a K-component mixture of D-variate Bernoullis. Plain data (numbers,
 * Float64Arrays, null) so they can be sent to workers.
 *
 * The E-step sees only the parameters, so they also carry what it needs besides them: the
 * clamp applied inside the log and the priors whose log-density it adds to the objective.
 */
export interface BernoulliParams {
  readonly k: number;
  readonly d: number;
  /** Mixing weights π (K), summing to 1. */
  readonly weights: Float64Array;
  /** P(x_c = 1 | component j) at [j·D + c] (K×D row-major), unclamped, in [0, 1]. */
  readonly probabilities: Float64Array;
  /** Probabilities are clamped to [clamp, 1 − clamp] inside every log. */
  readonly clamp: number;
  /** Beta(a, b) prior on every probability, or null (maximum likelihood). */
  readonly betaPrior: readonly [number, number] | null;
  /** Symmetric Dirichlet(α) prior on the weights, or null (maximum likelihood). */
  readonly dirichletPrior: number | null;
  /** The E-step's kernels (see the `kernels` option); in the parameters so that workers use the same. */
  readonly kernels?: KernelChoice;
}
