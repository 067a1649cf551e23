// The HMM reference fits (tools/fixtures/hmm, written by tools/hmm-fixtures/generate.py: a
// NumPy Baum–Welch checked against pomegranate 0.14), for @emkit/hmm's tests.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/fixtures/hmm in this repository. */
export const hmmFixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/hmm');

export interface HmmReferenceParams {
  readonly startProbabilities: number[];
  readonly transitions: number[][];
  readonly means?: number[][];
  /** full: K×D×D; diag: K×D. */
  readonly covariances?: unknown;
  readonly emissionProbabilities?: number[][];
}

export interface HmmFixture {
  readonly case: string;
  readonly emission: 'gaussian' | 'categorical';
  readonly k: number;
  readonly covariance?: 'full' | 'diag';
  readonly regCovar?: number;
  readonly symbols?: number;
  /** Each sequence T×D (categorical: T×1 symbols). */
  readonly sequences: number[][][];
  readonly init: HmmReferenceParams;
  readonly initLogLikelihood: number;
  /** Σ log p(sequences) at each E-step's parameters: [0] at init, [i] after i M-steps. */
  readonly logLikelihoods: number[];
  readonly iterations: number;
  readonly final: HmmReferenceParams;
  readonly viterbiInit: number[][];
  readonly viterbiFinal: number[][];
  readonly pomegranate: { readonly version: string; readonly initLogLikelihood: number; readonly finalLogLikelihood: number; readonly viterbiFinal: number[][] };
}

export const HMM_FIXTURE_CASES = ['gaussian-full', 'gaussian-diag', 'categorical'] as const;

export function readHmmFixture(name: (typeof HMM_FIXTURE_CASES)[number]): HmmFixture {
  return JSON.parse(readFileSync(join(hmmFixturesDir, `${name}.json`), 'utf8')) as HmmFixture;
}
