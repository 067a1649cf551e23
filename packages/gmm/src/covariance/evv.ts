import { constrainedModel, sum, volume } from './constrained.js';
import { fullCovariance } from './full.js';

/**
 * EVV: full covariances λ·C_j with equal volume and free shape and orientation (closed form):
 * C_j = W_j / |W_j|^(1/D), λ = Σ_j |W_j|^(1/D) / n.
 */
export const evvCovariance = constrainedModel(fullCovariance, {
  type: 'EVV',
  parameterCount: (k, d) => 1 + k * ((d * (d + 1)) / 2 - 1),
  estimate(scatter, nk, _previous, k, d) {
    const dd = d * d;
    const scratch = new Float64Array(dd);
    const volumes = Float64Array.from({ length: k }, (_, j) => volume(scatter, j * dd, d, scratch));
    const lambda = sum(volumes) / sum(nk);
    const out = new Float64Array(k * dd);
    for (let j = 0; j < k; j++) for (let i = 0; i < dd; i++) out[j * dd + i] = (lambda * scatter[j * dd + i]) / volumes[j];
    return out;
  },
});
