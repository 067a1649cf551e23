import { constrainedModel, sum } from './constrained.js';
import { diagCovariance } from './diag.js';

/** EEI: one diagonal covariance λ·A shared by every component: diag(Σ_j W_j) / n. */
export const eeiCovariance = constrainedModel(diagCovariance, {
  type: 'EEI',
  parameterCount: (_k, d) => d,
  // mclust's EEI prior: inverse-gamma(ν/2, Λ/2) on each shared variance, N(m, Σ/κ) on each mean: diag(Λ + Σ_j W̃_j)/(ν + n + K + 2).
  prior: { scaleShare: (k) => 1 / k, extraCount: (dof, k) => 1 + (dof + 2) / k },
  estimate(scatter, nk, _previous, k, d) {
    const n = sum(nk);
    const pooled = new Float64Array(d);
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) pooled[c] += scatter[j * d + c];
    const out = new Float64Array(k * d);
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) out[j * d + c] = pooled[c] / n;
    return out;
  },
});
