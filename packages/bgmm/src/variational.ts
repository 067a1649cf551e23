/**
 * The variational updates and the ELBO of a Gaussian mixture with a Dirichlet(-process) prior on
 * the weights and Normal–Wishart priors on the means and precisions (Bishop 2006, §10.2;
 * Blei & Jordan 2006 for the stick-breaking weights), in scikit-learn's parametrisation.
 *
 * Coordinate ascent: the E-step sets q(Z) optimally for the current q(π, μ, Λ) and the M-step
 * sets q(π, μ, Λ) optimally for that q(Z). At the optimal q(Z) the ELBO is
 *
 *   L = Σᵢ wᵢ·ln Σₖ exp ρᵢₖ − KL(q(π, μ, Λ) ‖ p(π, μ, Λ)),   ρᵢₖ = E[ln πₖ] + E[ln N(xᵢ | μₖ, Λₖ⁻¹)],
 *
 * which is what the E-step returns (its row terms, plus the KL spread over rows by weight). Each
 * half-step maximises L over one factor, so L never decreases. What depends on the covariance
 * type (the M-step for q(Λ), E[ln |Λ|], KL(q(Λ) ‖ p(Λ))) lives in ./covariance/.
 */
import { cholesky, logDetFromCholesky, precisionCholeskyFromCovarianceCholesky, traceWithGram } from '@emkit/linalg';
import { PRECISION_MODELS, type PrecisionContext } from './covariance/index.js';
import type { BgmmParams, BgmmPrior, PosteriorFields } from './params.js';
import type { WeightPrior } from './options.js';
import { digamma, lnBeta, lnGamma } from './special.js';

const LN_2PI = Math.log(2 * Math.PI);

/** W₀⁻¹ + regCovar·I. */
export function effectiveCovariancePrior(prior: BgmmPrior, d: number): Float64Array {
  const out = prior.covariancePrior.slice();
  for (let c = 0; c < d; c++) out[c * d + c] += prior.regCovar;
  return out;
}

/** What the covariance modules need of the prior; logDetC0 = ln |W₀⁻¹ + regCovar·I| (NaN when unknown and unused). */
export function precisionContext(prior: BgmmPrior, k: number, d: number, c0: Float64Array, logDetC0 = Number.NaN): PrecisionContext {
  return { k, d, covariancePrior: c0, logDetCovariancePrior: logDetC0, degreesOfFreedomPrior: prior.degreesOfFreedom };
}

/** Statistics layout: [ Nₖ (K) | Σ w·r·(x − refₖ) (K×D) | Σ w·r·(x − refₖ)(x − refₖ)ᵀ, lower triangles (K×D×D) ]. */
export function statsLength(k: number, d: number): number {
  return k + k * d + k * d * d;
}

/**
 * What the weights' variational posterior q(π) gives the E-step and the model: E[ln πₖ], and
 * point estimates of the weights as scikit-learn's weights_ (normalised; with the
 * Dirichlet-process prior the truncation leaves some mass beyond K). Stick-breaking: each
 * vₖ ~ Beta(aₖ, bₖ), E[ln πₖ] = E[ln vₖ] + Σ_{j<k} E[ln(1 − vⱼ)], πₖ ∝ E[vₖ]·Π_{j<k} E[1 − vⱼ].
 */
export function weightExpectations(weightPrior: WeightPrior, concentration: Float64Array, k: number): { logWeights: Float64Array; weights: Float64Array } {
  const logWeights = new Float64Array(k);
  const weights = new Float64Array(k);
  if (weightPrior === 'dirichlet-process') {
    let rest = 0;
    let remaining = 1;
    for (let j = 0; j < k; j++) {
      const a = concentration[j];
      const b = concentration[k + j];
      const total = digamma(a + b);
      logWeights[j] = digamma(a) - total + rest;
      rest += digamma(b) - total;
      weights[j] = (a / (a + b)) * remaining;
      remaining *= b / (a + b);
    }
  } else {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += concentration[j];
    const total = digamma(sum);
    for (let j = 0; j < k; j++) logWeights[j] = digamma(concentration[j]) - total;
    weights.set(concentration.subarray(0, k));
  }
  let total = 0;
  for (let j = 0; j < k; j++) total += weights[j];
  for (let j = 0; j < k; j++) weights[j] /= total;
  return { logWeights, weights };
}

/** KL(q(π) ‖ p(π)). */
export function weightKl(weightPrior: WeightPrior, concentration: Float64Array, k: number, priorConcentration: number): number {
  if (weightPrior === 'dirichlet-process') {
    // Σₖ KL(Beta(aₖ, bₖ) ‖ Beta(1, γ)); the sticks beyond K keep their prior (KL 0).
    const gamma = priorConcentration;
    let kl = 0;
    for (let j = 0; j < k; j++) {
      const a = concentration[j];
      const b = concentration[k + j];
      const total = digamma(a + b);
      kl += lnBeta(1, gamma) - lnBeta(a, b) + (a - 1) * (digamma(a) - total) + (b - gamma) * (digamma(b) - total);
    }
    return kl;
  }
  const alpha0 = priorConcentration;
  let sum = 0;
  for (let j = 0; j < k; j++) sum += concentration[j];
  const total = digamma(sum);
  let kl = lnGamma(sum) - lnGamma(k * alpha0) + k * lnGamma(alpha0);
  for (let j = 0; j < k; j++) kl += -lnGamma(concentration[j]) + (concentration[j] - alpha0) * (digamma(concentration[j]) - total);
  return kl;
}

/**
 * The parameters with everything the E-step and the ELBO need derived from the posterior
 * fields. `onSingular(j)` is called when covariancesⱼ is not positive definite.
 */
export function assembleParams(fields: PosteriorFields, onSingular: (component: number) => never): BgmmParams {
  const { k, d, prior } = fields;
  const precisionCholesky = new Float64Array(k * d * d);
  const logDetPrecisionCholesky = new Float64Array(k);
  const l = new Float64Array(d * d);
  for (let j = 0; j < k; j++) {
    if (!cholesky(fields.covariances, j * d * d, d, l, 0)) return onSingular(j);
    precisionCholeskyFromCovarianceCholesky(l, 0, d, precisionCholesky, j * d * d);
    let s = 0;
    for (let c = 0; c < d; c++) s += Math.log(precisionCholesky[j * d * d + c * d + c]);
    logDetPrecisionCholesky[j] = s;
  }
  const { logWeights, weights } = weightExpectations(fields.weightPrior, fields.weightConcentration, k);

  const c0 = effectiveCovariancePrior(prior, d);
  const c0Factor = new Float64Array(d * d);
  if (!cholesky(c0, 0, d, c0Factor, 0)) return onSingular(-1);
  const ctx = precisionContext(prior, k, d, c0, logDetFromCholesky(c0Factor, 0, d));
  const model = PRECISION_MODELS[fields.covariance];
  const beta0 = prior.meanPrecision;

  const rowConstant = new Float64Array(k);
  const expectedLogDet = new Float64Array(k);
  const traces = new Float64Array(k);
  let kl = weightKl(fields.weightPrior, fields.weightConcentration, k, prior.weightConcentration);
  const diff = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    const beta = fields.meanPrecision[j];
    const u = j * d * d;
    expectedLogDet[j] = model.expectedLogDetOffset(ctx, fields.degreesOfFreedom[j]) + 2 * logDetPrecisionCholesky[j];
    rowConstant[j] = logWeights[j] + 0.5 * expectedLogDet[j] - 0.5 * d * LN_2PI - (0.5 * d) / beta;

    // E[Λₖ] = Σₖ⁻¹ = UₖUₖᵀ for every structure: tr(W₀⁻¹E[Λₖ]) = Σ_c u_cᵀ W₀⁻¹ u_c over the
    // columns u_c of Uₖ, and (mₖ − m₀)ᵀE[Λₖ](mₖ − m₀) = ‖Uₖᵀ(mₖ − m₀)‖².
    traces[j] = traceWithGram(c0, precisionCholesky, u, d);
    for (let c = 0; c < d; c++) diff[c] = fields.means[j * d + c] - prior.meanPrior[c];
    let mahalanobis = 0;
    for (let c = 0; c < d; c++) {
      let y = 0;
      for (let r = 0; r <= c; r++) y += diff[r] * precisionCholesky[u + r * d + c];
      mahalanobis += y * y;
    }
    kl += 0.5 * (d * (beta0 / beta) - d + d * Math.log(beta / beta0) + beta0 * mahalanobis);
  }
  kl += model.precisionKl(ctx, fields.degreesOfFreedom, fields.covariances, expectedLogDet, traces);
  return { ...fields, weights, logWeights, precisionCholesky, logDetPrecisionCholesky, rowConstant, globalTerm: -kl };
}

/**
 * The M-step: q(π, μ, Λ) from the summed statistics, whose moments are around `reference`
 * (K×D, the means the E-step was given). Bishop (10.58)–(10.63) with scikit-learn's
 * νₖ = ν₀ + Nₖ, and the stick-breaking update aₖ = 1 + Nₖ, bₖ = γ + Σ_{j>k} Nⱼ.
 */
export function updatePosterior(params: BgmmParams, stats: Float64Array, reference: Float64Array, totalWeight: number, onSingular: (component: number) => never): BgmmParams {
  const { k, d, prior } = params;
  const nk = stats.subarray(0, k);
  const first = k;
  const second = k + k * d;
  const beta0 = prior.meanPrecision;

  const weightConcentration = new Float64Array(params.weightPrior === 'dirichlet-process' ? 2 * k : k);
  if (params.weightPrior === 'dirichlet-process') {
    let after = 0;
    for (let j = k - 1; j >= 0; j--) {
      weightConcentration[j] = 1 + nk[j];
      weightConcentration[k + j] = prior.weightConcentration + after;
      after += nk[j];
    }
  } else for (let j = 0; j < k; j++) weightConcentration[j] = prior.weightConcentration + nk[j];

  const meanPrecision = new Float64Array(k);
  const degreesOfFreedom = new Float64Array(k);
  const means = new Float64Array(k * d);
  const scatter = new Float64Array(k * d * d);
  const v = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    const n = nk[j];
    const beta = beta0 + n;
    meanPrecision[j] = beta;
    const s1 = first + j * d;
    const off = j * d * d;
    // Σ w·r·x = n·ref + s1; v = Σ w·r·x − n·m₀ = n·(x̄ − m₀)
    for (let c = 0; c < d; c++) {
      const sumX = n * reference[j * d + c] + stats[s1 + c];
      means[j * d + c] = (beta0 * prior.meanPrior[c] + sumX) / beta;
      v[c] = sumX - n * prior.meanPrior[c];
    }
    // Tₖ = Nₖ·Sₖ + (β₀Nₖ/βₖ)(x̄ₖ − m₀)(x̄ₖ − m₀)ᵀ, with Nₖ·Sₖ = s2 − s1·s1ᵀ/Nₖ; lower triangle, then mirrored (exact symmetry).
    for (let a = 0; a < d; a++)
      for (let b = 0; b <= a; b++) {
        let x = stats[second + off + a * d + b];
        if (n > 0) x += (-stats[s1 + a] * stats[s1 + b] + (beta0 / beta) * v[a] * v[b]) / n;
        scatter[off + a * d + b] = x;
        scatter[off + b * d + a] = x;
      }
  }
  const covariances = new Float64Array(k * d * d);
  PRECISION_MODELS[params.covariance].update(precisionContext(prior, k, d, effectiveCovariancePrior(prior, d)), nk, scatter, covariances, degreesOfFreedom);
  return assembleParams(
    { k, d, covariance: params.covariance, weightPrior: params.weightPrior, prior, totalWeight, weightConcentration, meanPrecision, means, degreesOfFreedom, covariances },
    onSingular,
  );
}
