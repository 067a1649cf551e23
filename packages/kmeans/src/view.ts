import { EMPTY_VIEW, type ModelView } from '@emkit/core';

/** Centres, no weights or covariances, hard assignments: what every centre-based clustering shows. */
export function describeCentresView(params: { readonly k: number; readonly cols: number; readonly centers: Float64Array }, locationName = 'centre'): ModelView {
  return { ...EMPTY_VIEW, components: { count: params.k, dims: params.cols, locationName, locations: params.centers.slice(), weights: null, covariances: null, hard: true } };
}
