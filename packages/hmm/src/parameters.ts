import { toNested } from '@emkit/core';
import { gmmParameters } from '@emkit/gmm';
import type { HmmParams } from './params.js';

/** What the states emit, as plain nested arrays. */
export type HmmEmissionParameters =
  | {
      readonly kind: 'gaussian';
      /** Each state's mean: K rows of D numbers. */
      readonly means: number[][];
      /** Each state's full D×D covariance, whatever the structure (as gmm's accessor gives them). */
      readonly covariances: number[][][];
    }
  | {
      readonly kind: 'categorical';
      /** B[j][m] = p(symbol m | state j): K rows of M probabilities. */
      readonly probabilities: number[][];
    };

/** A hidden Markov model's parameters as plain nested arrays. */
export interface HmmParameters {
  /** π: p(z_1 = j), K numbers summing to 1. */
  readonly startProbabilities: number[];
  /** A[i][j] = p(z_{t+1} = j | z_t = i): K rows summing to 1. */
  readonly transitions: number[][];
  readonly emission: HmmEmissionParameters;
}

/** The start and transition probabilities and the emissions of fitted (or model-file) hmm parameters. */
export function hmmParameters(params: HmmParams): HmmParameters {
  const { k, emission } = params;
  const start = { startProbabilities: Array.from(params.startProbabilities), transitions: toNested(params.transitions, k, k) };
  if (emission.kind === 'categorical') return { ...start, emission: { kind: 'categorical', probabilities: toNested(emission.probabilities, k, emission.symbols) } };
  const { means, covariances } = gmmParameters(emission.gaussian);
  return { ...start, emission: { kind: 'gaussian', means, covariances } };
}
