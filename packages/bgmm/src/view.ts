import { EMPTY_VIEW, type ModelView } from '@emkit/core';
import type { BgmmParams } from './params.js';

/** Components at the posterior means mₖ with the expected weights and E[Λₖ]⁻¹ (dense K×D×D for every type). */
export function describeBgmmView(params: BgmmParams): ModelView {
  return {
    ...EMPTY_VIEW,
    components: { count: params.k, dims: params.d, locationName: 'mean', locations: params.means.slice(), weights: params.weights.slice(), covariances: params.covariances.slice(), hard: false },
  };
}
