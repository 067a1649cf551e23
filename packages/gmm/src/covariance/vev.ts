import { symmetricEigen } from '@emkit/linalg';
import { allPositiveDefinite, compose, constrainedModel, geometricMean, iterate, startingVolumes, updateVolumes, volume, type InnerLoop } from './constrained.js';
import { fullCovariance } from './full.js';

export const VEV_LOOP: InnerLoop = { tol: 1e-12, maxIter: 1000 };

/**
 * VEV: full covariances λ_j·D_j·A·D_jᵀ, variable volume and orientation, one shape. Celeux &
 * Govaert's fixed point: with W_j = L_j·Ω_j·L_jᵀ (eigenvalues ascending for every j), D_j = L_j,
 *   A = Σ_j Ω_j/λ_j / |·|^(1/D),   λ_j = tr(Ω_j A⁻¹) / (D·n_j),
 * from the current volumes (1 at init), each round an exact block maximiser.
 */
export function vevEstimate(scatter: Float64Array, nk: Float64Array, previous: Float64Array, k: number, d: number, loop: InnerLoop = VEV_LOOP): Float64Array {
  const dd = d * d;
  const decompositions = Array.from({ length: k }, (_, j) => symmetricEigen(scatter, j * dd, d));
  const lambda = startingVolumes(k, allPositiveDefinite(previous, k, d), (j) => volume(previous, j * dd, d));
  const shape = new Float64Array(d);
  const traces = new Float64Array(k);
  const out = new Float64Array(k * dd);
  return iterate(loop, out, () => {
    shape.fill(0);
    decompositions.forEach(({ values }, j) => {
      for (let i = 0; i < d; i++) shape[i] += values[i] / lambda[j];
    });
    const g = geometricMean(shape, 0, d);
    for (let i = 0; i < d; i++) shape[i] /= g;
    traces.fill(0);
    decompositions.forEach(({ values }, j) => {
      for (let i = 0; i < d; i++) traces[j] += values[i] / shape[i];
    });
    const target = updateVolumes(lambda, traces, nk, d);
    decompositions.forEach(({ vectors }, j) => compose(vectors, 0, shape, 0, lambda[j], d, out, j * dd));
    return target;
  });
}

export const vevCovariance = constrainedModel(fullCovariance, {
  type: 'VEV',
  parameterCount: (k, d) => k + (d - 1) + (k * d * (d - 1)) / 2,
  estimate: vevEstimate,
});
