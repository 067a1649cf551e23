import { toNested } from '@emkit/core';
import type { BernoulliParams } from './params.js';

/** A Bernoulli mixture's parameters as plain nested arrays. */
export interface BernoulliParameters {
  /** π_j (K), summing to 1. */
  readonly weights: number[];
  /** P(x_c = 1 | component j): K rows of D probabilities. */
  readonly probabilities: number[][];
}

/** The weights and probabilities of fitted (or model-file) Bernoulli-mixture parameters. */
export function bernoulliParameters(params: BernoulliParams): BernoulliParameters {
  return { weights: Array.from(params.weights), probabilities: toNested(params.probabilities, params.k, params.d) };
}
