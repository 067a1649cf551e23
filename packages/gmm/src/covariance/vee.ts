import { inverse } from '@emkit/linalg';
import { allPositiveDefinite, constrainedModel, startingVolumes, variableVolumeSharedShape, volume, type InnerLoop } from './constrained.js';
import { fullCovariance } from './full.js';

export const VEE_LOOP: InnerLoop = { tol: 1e-12, maxIter: 1000 };

/**
 * VEE: full covariances λ_j·C with variable volume and one shared shape and orientation
 * (|C| = 1). Celeux & Govaert's fixed point, as mclust's msvee:
 *   C = Σ_j W_j/λ_j / |·|^(1/D),   λ_j = tr(W_j C⁻¹) / (D·n_j),
 * from the current volumes (1 at init), each round an exact block maximiser.
 */
export function veeEstimate(scatter: Float64Array, nk: Float64Array, previous: Float64Array, k: number, d: number, loop: InnerLoop = VEE_LOOP): Float64Array {
  const dd = d * d;
  const scratch = new Float64Array(dd);
  const lambda = startingVolumes(k, allPositiveDefinite(previous, k, d), (j) => volume(previous, j * dd, d, scratch));
  return variableVolumeSharedShape(scatter, nk, lambda, k, d, loop, dd, (shared) => volume(shared, 0, d, scratch), (shape, traces) => {
    const inv = inverse(shape, 0, d);
    for (let j = 0; j < k; j++) for (let i = 0; i < dd; i++) traces[j] += scatter[j * dd + i] * inv[i];
  });
}

export const veeCovariance = constrainedModel(fullCovariance, {
  type: 'VEE',
  parameterCount: (k, d) => k + (d * (d + 1)) / 2 - 1,
  estimate: veeEstimate,
});
