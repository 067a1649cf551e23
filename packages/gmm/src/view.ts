import { EMPTY_VIEW, covariancesFromQuadraticForm, type ModelView } from '@emkit/core';
import { covarianceModel } from './covariance/index.js';
import type { GmmParams } from './params.js';

/**
 * Components at their means with their full D×D covariances, whatever the covariance module:
 * recovered from its Mahalanobis distance (the quadratic form of Σ⁻¹), so a new structure gets
 * ellipses without code here. Provisional parameters without precision factors show no ellipses.
 */
export function describeGmmView(params: GmmParams): ModelView {
  const { k, d } = params;
  const model = covarianceModel(params.covariance);
  const x = new Float64Array(d);
  const scratch = new Float64Array(d);
  const covariances =
    params.precisionCholesky.length === 0
      ? null
      : covariancesFromQuadraticForm(k, d, (j, v) => {
          for (let c = 0; c < d; c++) x[c] = params.means[j * d + c] + v[c];
          return model.mahalanobis(params, j, x, 0, scratch);
        });
  return {
    ...EMPTY_VIEW,
    components: { count: k, dims: d, locationName: 'mean', locations: params.means.slice(), weights: params.weights.slice(), covariances, hard: params.assignment === 'hard' },
  };
}
