import type { Random } from '@emkit/linalg';
import type { Dataset } from '@emkit/core';
import type { HmmOptions } from './options.js';
import type { Emission, EmissionKind, HmmParams } from './params.js';

/**
 * One emission family (Gaussian, categorical). Each lives in its own module; the option string
 * is mapped to a module once (emissionModel), so no other code switches on the kind.
 */
export interface EmissionModel {
  readonly kind: EmissionKind;
  /** Length of the emission block of the statistics. */
  statsLength(params: HmmParams): number;
  /** The per-row work for one parameter set, its constants computed once. Holds scratch: one per shard. */
  evaluator(params: HmmParams): EmissionEvaluator;
  /** The M-step for the emission parameters from their block of summed statistics. */
  estimate(params: HmmParams, stats: Float64Array, options: HmmOptions): Emission;
  /** Starting emission parameters (given ones from options.init, the rest from the data). */
  init(data: Dataset, options: HmmOptions, random: Random): Emission;
  /** Free emission parameters (frozen ones are not free). */
  parameterCount(params: HmmParams, options: HmmOptions): number;
  /** Writes one draw from state j's emission into out[off..off+d). */
  sample(params: HmmParams, j: number, random: Random, out: Float64Array, off: number): void;
  /** The emission parameters as model-file fields. */
  toJSON(emission: Emission, options: HmmOptions): Record<string, unknown>;
  /**
   * Emission parameters back from a model file, and the file's values of the emission's options
   * (covariance and regCovar, or symbols) for hmmOptions to check; errors name the field.
   */
  fromJSON(json: Record<string, unknown>, k: number): { emission: Emission; d: number; options: Readonly<Record<string, unknown>> };
}

export interface EmissionEvaluator {
  /** out[outOff + q·K + j] = log p(x_{row+q} | state j) for q < rows. */
  logDensities(values: Float64Array, row: number, rows: number, out: Float64Array, outOff: number): void;
  /** Adds the statistics of rows row…row+rows−1 with state posteriors gamma[gammaOff + q·K + j]. */
  accumulate(stats: Float64Array, values: Float64Array, row: number, rows: number, gamma: Float64Array, gammaOff: number): void;
}
