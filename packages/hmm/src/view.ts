import { EMPTY_VIEW, type ModelView } from '@emkit/core';
import { describeGmmView } from '@emkit/gmm';
import type { HmmParams } from './params.js';

/**
 * The hidden states as components: Gaussian emissions at their means with their covariances
 * (gmm's view of them, without weights: states have transitions, not mixing weights);
 * categorical emissions at each state's expected symbol with its variance.
 */
export function describeHmmView(params: HmmParams): ModelView {
  const { emission, k } = params;
  if (emission.kind === 'gaussian') {
    const gaussian = describeGmmView(emission.gaussian).components!;
    return { ...EMPTY_VIEW, components: { ...gaussian, weights: null } };
  }
  const m = emission.symbols;
  const locations = new Float64Array(k);
  const covariances = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let mean = 0;
    let square = 0;
    for (let s = 0; s < m; s++) {
      mean += s * emission.probabilities[j * m + s];
      square += s * s * emission.probabilities[j * m + s];
    }
    locations[j] = mean;
    covariances[j] = Math.max(0, square - mean * mean);
  }
  return { ...EMPTY_VIEW, components: { count: k, dims: 1, locationName: 'expected symbol', locations, weights: null, covariances, hard: false } };
}
