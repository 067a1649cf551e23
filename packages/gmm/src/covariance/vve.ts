import { constrainedModel, type InnerLoop } from './constrained.js';
import { fullCovariance } from './full.js';
import { ORIENTATION_ROUNDS, commonOrientationEstimate } from './orientation.js';

/**
 * The VVE M-step's MM loop (Browne & McNicholas 2014): tolerance on the relative change of its
 * target, and a cap of ORIENTATION_ROUNDS rounds an M-step (a generalised EM step, warm-started
 * from the current parameters; see orientation.ts).
 */
export const VVE_LOOP: InnerLoop = { tol: 1e-10, maxIter: ORIENTATION_ROUNDS };

/** VVE: full covariances λ_j·D·A_j·Dᵀ, variable volume and shape, one orientation (see orientation.ts). */
export const vveCovariance = constrainedModel(fullCovariance, {
  type: 'VVE',
  parameterCount: (k, d) => k + k * (d - 1) + (d * (d - 1)) / 2,
  estimate: (scatter, nk, previous, k, d, loop = VVE_LOOP) => commonOrientationEstimate(scatter, nk, previous, k, d, true, loop),
});
