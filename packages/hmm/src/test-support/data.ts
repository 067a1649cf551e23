// Generated sequence data for @emkit/hmm's tests.
import { createDataset, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { hmmPlugin } from '../plugin.js';
import type { HmmParams } from '../params.js';
import { sampleSequences } from '../sample.js';

/** A well-separated K-state HMM with sticky transitions (Gaussian, D dims, full covariances). */
export function gaussianTruth(k: number, d: number, seed: number): HmmParams {
  const random = new Random(seed);
  const start = Array.from({ length: k }, () => 0.5 + random.next());
  const transitions = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 4 : 0.3 + random.next())));
  const means = Array.from({ length: k }, (_, j) => Array.from({ length: d }, (_, c) => 4 * Math.cos(j + c) + random.nextNormal()));
  const covariances = Array.from({ length: k }, () =>
    Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? 0.6 + 0.4 * random.next() : 0.1))),
  );
  const norm = (v: number[]) => v.map((x) => x / v.reduce((a, b) => a + b, 0));
  return hmmPlugin.fromJSON({
    k,
    emission: 'gaussian',
    covariance: 'full',
    startProbabilities: norm(start),
    transitions: transitions.map(norm),
    means,
    covariances,
  }).params;
}

/** A K-state HMM over M symbols. */
export function categoricalTruth(k: number, symbols: number, seed: number): HmmParams {
  const random = new Random(seed);
  const norm = (v: number[]) => v.map((x) => x / v.reduce((a, b) => a + b, 0));
  return hmmPlugin.fromJSON({
    k,
    emission: 'categorical',
    symbols,
    startProbabilities: norm(Array.from({ length: k }, () => 0.5 + random.next())),
    transitions: Array.from({ length: k }, (_, i) => norm(Array.from({ length: k }, (_, j) => (i === j ? 3 : 0.2 + random.next())))),
    emissionProbabilities: Array.from({ length: k }, (_, j) => norm(Array.from({ length: symbols }, (_, m) => (m % k === j ? 3 : 0.2 + random.next())))),
  }).params;
}

/** Sequences of the given lengths drawn from `truth`, as a dataset with groups. */
export function sequenceData(truth: HmmParams, lengths: readonly number[], seed: number): Dataset {
  const drawn = sampleSequences(truth, lengths, new Random(seed));
  return createDataset(drawn.values, drawn.states.length, truth.d, { groups: drawn.groups });
}
