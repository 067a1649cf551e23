import { constrainedModel, type InnerLoop } from './constrained.js';
import { fullCovariance } from './full.js';
import { ORIENTATION_ROUNDS, commonOrientationEstimate } from './orientation.js';

/**
 * The EVE M-step's MM loop (Browne & McNicholas 2014): tolerance on the relative change of its
 * target, and a cap of ORIENTATION_ROUNDS rounds an M-step (a generalised EM step, warm-started
 * from the current parameters; see orientation.ts).
 */
export const EVE_LOOP: InnerLoop = { tol: 1e-10, maxIter: ORIENTATION_ROUNDS };

/** EVE: full covariances λ·D·A_j·Dᵀ, equal volume, variable shape, one orientation (see orientation.ts). */
export const eveCovariance = constrainedModel(fullCovariance, {
  type: 'EVE',
  parameterCount: (k, d) => 1 + k * (d - 1) + (d * (d - 1)) / 2,
  estimate: (scatter, nk, previous, k, d, loop = EVE_LOOP) => commonOrientationEstimate(scatter, nk, previous, k, d, false, loop),
});
