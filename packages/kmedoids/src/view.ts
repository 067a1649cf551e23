import { EMPTY_VIEW, type ModelView } from '@emkit/core';
import type { KMedoidsParams } from './params.js';

/** The medoids (rows of the data) as hard-assignment centres. */
export function describeKMedoidsView(params: KMedoidsParams): ModelView {
  return { ...EMPTY_VIEW, components: { count: params.k, dims: params.cols, locationName: 'medoid', locations: params.medoids.slice(), weights: null, covariances: null, hard: true } };
}
