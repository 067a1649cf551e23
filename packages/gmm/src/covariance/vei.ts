import { constrainedModel, geometricMean, startingVolumes, variableVolumeSharedShape, type InnerLoop } from './constrained.js';
import { diagCovariance } from './diag.js';

/** The VEI M-step's inner loop: mclust's tolerance on its target (√ε is its default; tighter here, warm-started), capped. */
export const VEI_LOOP: InnerLoop = { tol: 1e-12, maxIter: 1000 };

/**
 * VEI: diagonal covariances λ_j·B, variable volume, one shared shape. No closed form; Celeux &
 * Govaert's fixed point alternates the two exact block maximisers
 *   B = diag(Σ_j W_j/λ_j) / |·|^(1/D),   λ_j = tr(W_j B⁻¹) / (D·n_j),
 * starting from the current volumes (|Σ_j|^(1/D); 1 at init, as mclust), so every round raises
 * the expected complete-data log-likelihood. Stops when mclust's target D·Σ n_j log λ_j changes
 * by at most VEI_LOOP.tol relative.
 */
export function veiEstimate(scatter: Float64Array, nk: Float64Array, previous: Float64Array, k: number, d: number, loop: InnerLoop = VEI_LOOP): Float64Array {
  const usable = previous.length === k * d && previous.every((v) => v > 0 && Number.isFinite(v));
  const lambda = startingVolumes(k, usable, (j) => geometricMean(previous, j * d, d));
  return variableVolumeSharedShape(scatter, nk, lambda, k, d, loop, d, (shape) => geometricMean(shape, 0, d), (shape, traces) => {
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) traces[j] += scatter[j * d + c] / shape[c];
  });
}

export const veiCovariance = constrainedModel(diagCovariance, {
  type: 'VEI',
  parameterCount: (k, d) => k + (d - 1),
  // mclust's VEI prior (msveip): Λ added to each W̃_j, λ_j = tr((Λ + W̃_j)B⁻¹)/(ν + D·n_j + 3).
  prior: { scaleShare: () => 1, extraCount: (dof, _k, d) => (dof + 3) / d },
  estimate: veiEstimate,
});
