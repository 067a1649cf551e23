import { inverse } from '@emkit/linalg';
import { allPositiveDefinite, constrainedModel, iterate, startingVolumes, updateVolumes, volume, type InnerLoop } from './constrained.js';
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
  const shared = new Float64Array(dd);
  const traces = new Float64Array(k);
  const out = new Float64Array(k * dd);
  return iterate(loop, out, () => {
    shared.fill(0);
    for (let j = 0; j < k; j++) for (let i = 0; i < dd; i++) shared[i] += scatter[j * dd + i] / lambda[j];
    const g = volume(shared, 0, d, scratch);
    if (!(g > 0)) {
      out.fill(Number.NaN);
      return Number.NaN;
    }
    for (let i = 0; i < dd; i++) shared[i] /= g;
    const inv = inverse(shared, 0, d);
    traces.fill(0);
    for (let j = 0; j < k; j++) for (let i = 0; i < dd; i++) traces[j] += scatter[j * dd + i] * inv[i];
    const target = updateVolumes(lambda, traces, nk, d);
    for (let j = 0; j < k; j++) for (let i = 0; i < dd; i++) out[j * dd + i] = lambda[j] * shared[i];
    return target;
  });
}

export const veeCovariance = constrainedModel(fullCovariance, {
  type: 'VEE',
  parameterCount: (k, d) => k + (d * (d + 1)) / 2 - 1,
  estimate: veeEstimate,
});
