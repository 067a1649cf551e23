import { constrainedModel, type InnerLoop } from './constrained.js';
import { fullCovariance } from './full.js';
import { commonOrientationEstimate } from './orientation.js';

/** The EVE M-step's MM loop (Browne & McNicholas 2014): tolerance on the relative change of its target, and a cap. */
export const EVE_LOOP: InnerLoop = { tol: 1e-10, maxIter: 500 };

/** EVE: full covariances λ·D·A_j·Dᵀ, equal volume, variable shape, one orientation (see orientation.ts). */
export const eveCovariance = constrainedModel(fullCovariance, {
  type: 'EVE',
  parameterCount: (k, d) => 1 + k * (d - 1) + (d * (d - 1)) / 2,
  estimate: (scatter, nk, previous, k, d, loop = EVE_LOOP) => commonOrientationEstimate(scatter, nk, previous, k, d, false, loop),
});
