import { symmetricEigen } from '@emkit/linalg';
import { compose, constrainedModel, sum } from './constrained.js';
import { fullCovariance } from './full.js';

/**
 * EEV: full covariances λ·D_j·A·D_jᵀ, equal volume and shape, variable orientation (Celeux &
 * Govaert 1995, closed form): with W_j = L_j·Ω_j·L_jᵀ (eigenvalues in the same order for every
 * j), D_j = L_j and λ·A = Σ_j Ω_j / n.
 */
export const eevCovariance = constrainedModel(fullCovariance, {
  type: 'EEV',
  parameterCount: (k, d) => 1 + (d - 1) + (k * d * (d - 1)) / 2,
  estimate(scatter, nk, _previous, k, d) {
    const dd = d * d;
    const decompositions = Array.from({ length: k }, (_, j) => symmetricEigen(scatter, j * dd, d));
    const pooled = new Float64Array(d);
    for (const { values } of decompositions) for (let i = 0; i < d; i++) pooled[i] += values[i];
    const n = sum(nk);
    const out = new Float64Array(k * dd);
    decompositions.forEach(({ vectors }, j) => compose(vectors, 0, pooled, 0, 1 / n, d, out, j * dd));
    return out;
  },
});
