import { constrainedModel, sum } from './constrained.js';
import { sphericalCovariance } from './spherical.js';

/** EII: one variance σ²·I shared by every component (spherical, equal volume): σ² = Σ_j tr(W_j) / (n·D). */
export const eiiCovariance = constrainedModel(sphericalCovariance, {
  type: 'EII',
  parameterCount: () => 1,
  // mclust's EII MAP M-step (mseiip): σ² = Σ_j tr W̃_j/(ν + D(n + K) + 2), with N(m, σ²I/κ) on each
  // mean. mclust 6.0 leaves the prior scale Λ out of it (the inverse-gamma's rate is 0); so does emkit.
  prior: { scaleShare: () => 0, extraCount: (dof, k, d) => 1 + (dof + 2) / (k * d) },
  estimate(scatter, nk, _previous, k) {
    // scatter[j] = tr(W_j)/D (the spherical layout)
    return new Float64Array(k).fill(sum(scatter) / sum(nk));
  },
});
