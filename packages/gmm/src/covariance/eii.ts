import { constrainedModel, sum } from './constrained.js';
import { sphericalCovariance } from './spherical.js';

/** EII: one variance σ²·I shared by every component (spherical, equal volume): σ² = Σ_j tr(W_j) / (n·D). */
export const eiiCovariance = constrainedModel(sphericalCovariance, {
  type: 'EII',
  parameterCount: () => 1,
  estimate(scatter, nk, _previous, k) {
    // scatter[j] = tr(W_j)/D (the spherical layout)
    return new Float64Array(k).fill(sum(scatter) / sum(nk));
  },
});
