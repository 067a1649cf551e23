import { groupsFromIds } from '@emkit/core';
import type { Random } from '@emkit/linalg';
import { emissionModel } from './model.js';
import type { HmmParams } from './params.js';

/** One sequence of n rows (n×D, row-major) drawn from the chain, with its hidden states. */
export function sampleSequence(params: HmmParams, n: number, random: Random): { values: Float64Array; states: Int32Array } {
  const { k, d } = params;
  const emission = emissionModel(params.emission.kind);
  const values = new Float64Array(n * d);
  const states = new Int32Array(n);
  let state = 0;
  for (let t = 0; t < n; t++) {
    state = t === 0 ? random.nextWeighted(params.startProbabilities, 0, k) : random.nextWeighted(params.transitions, state * k, k);
    states[t] = state;
    emission.sample(params, state, random, values, t * d);
  }
  return { values, states };
}

/**
 * Sequences of the given lengths, one after another: the rows (N×D), their hidden states, and
 * the group boundaries (Dataset.groups) that make them a sequence dataset.
 */
export function sampleSequences(params: HmmParams, lengths: readonly number[], random: Random): { values: Float64Array; states: Int32Array; groups: Int32Array } {
  const total = lengths.reduce((a, b) => a + b, 0);
  const values = new Float64Array(total * params.d);
  const states = new Int32Array(total);
  const ids = new Int32Array(total);
  let row = 0;
  lengths.forEach((n, s) => {
    const drawn = sampleSequence(params, n, random);
    values.set(drawn.values, row * params.d);
    states.set(drawn.states, row);
    ids.fill(s, row, row + n);
    row += n;
  });
  return { values, states, groups: groupsFromIds(ids) };
}
