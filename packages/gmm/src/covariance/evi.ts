import { constrainedModel, geometricMean, sum } from './constrained.js';
import { diagCovariance } from './diag.js';

/**
 * EVI: diagonal covariances λ·A_j, equal volume, variable shape (Celeux & Govaert 1995, closed
 * form): A_j = diag(W_j) / |diag(W_j)|^(1/D), λ = Σ_j |diag(W_j)|^(1/D) / n.
 */
export const eviCovariance = constrainedModel(diagCovariance, {
  type: 'EVI',
  parameterCount: (k, d) => 1 + k * (d - 1),
  // mclust's EVI prior (msevip): Λ added to each W̃_j, λ = Σ_j |diag(Λ + W̃_j)|^(1/D)/(ν + n + K + 2).
  prior: { scaleShare: () => 1, extraCount: (dof, k) => 1 + (dof + 2) / k },
  estimate(scatter, nk, _previous, k, d) {
    const volumes = Float64Array.from({ length: k }, (_, j) => geometricMean(scatter, j * d, d));
    const lambda = sum(volumes) / sum(nk);
    const out = new Float64Array(k * d);
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) out[j * d + c] = (lambda * scatter[j * d + c]) / volumes[j];
    return out;
  },
});
