import { EMPTY_VIEW, imageShape, type ModelView } from '@emkit/core';
import type { BernoulliParams } from './params.js';

/**
 * Components at their P(x = 1) per column, and each as an image of those probabilities. No
 * ellipses: independent 0/1 columns have covariance diag(p(1 − p)), whose ellipses span the
 * unit square and say less than the probabilities themselves.
 */
export function describeBernoulliView(params: BernoulliParams): ModelView {
  const { width, height } = imageShape(params.d);
  return {
    ...EMPTY_VIEW,
    components: { count: params.k, dims: params.d, locationName: 'P(x = 1)', locations: params.probabilities.slice(), weights: params.weights.slice(), covariances: null, hard: false },
    images: { width, height, min: 0, max: 1 },
  };
}
