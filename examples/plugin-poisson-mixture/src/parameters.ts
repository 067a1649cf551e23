import { toNested } from '@emkit/core';
import type { PoissonMixtureParams } from './plugin.js';

/** The mixture's parameters as plain nested arrays: what users read, beside the flat ones the hooks use. */
export interface PoissonMixtureParameters {
  /** π_j (K), summing to 1. */
  readonly weights: number[];
  /** λ_jc: K rows of D rates. */
  readonly rates: number[][];
}

/** The weights and rates of fitted (or model-file) parameters. */
export function poissonMixtureParameters(params: PoissonMixtureParams): PoissonMixtureParameters {
  return { weights: Array.from(params.weights), rates: toNested(params.rates, params.k, params.d) };
}
