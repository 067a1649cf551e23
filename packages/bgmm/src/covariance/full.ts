import { readMatrixStack, toNested } from '@emkit/core';
import { lnMultivariateGamma, wishartDigammaSum } from '../special.js';
import type { PrecisionModel } from './model.js';

/** ln B(W, ν) of the Wishart normaliser, from ln |W|. */
export function lnWishartNormaliser(logDetW: number, nu: number, d: number): number {
  return -0.5 * nu * logDetW - 0.5 * nu * d * Math.LN2 - lnMultivariateGamma(0.5 * nu, d);
}

/**
 * KL(Wishart(W, ν) ‖ Wishart(W₀, ν₀)) from ln |W| = −D·ln ν − ln |Σ|, ln |W₀|, E[ln |Λ|] and
 * tr(W₀⁻¹·E[Λ]) = ν·tr(W₀⁻¹W).
 */
export function wishartKl(logDetW: number, nu: number, logDetW0: number, nu0: number, d: number, expectedLogDet: number, trace: number): number {
  return lnWishartNormaliser(logDetW, nu, d) - lnWishartNormaliser(logDetW0, nu0, d) + 0.5 * (nu - nu0) * expectedLogDet - 0.5 * nu * d + 0.5 * trace;
}

/** Λₖ ~ Wishart(W₀, ν₀) per component; νₖ = ν₀ + Nₖ, Wₖ⁻¹ = W₀⁻¹ + Tₖ (Bishop 10.62–10.63). */
export const fullPrecision: PrecisionModel = {
  update(ctx, nk, scatter, covariances, degreesOfFreedom) {
    const { k, d, covariancePrior } = ctx;
    for (let j = 0; j < k; j++) {
      const nu = ctx.degreesOfFreedomPrior + nk[j];
      degreesOfFreedom[j] = nu;
      for (let i = 0; i < d * d; i++) covariances[j * d * d + i] = (covariancePrior[i] + scatter[j * d * d + i]) / nu;
    }
  },
  expectedLogDetOffset: (ctx, nu) => wishartDigammaSum(nu, ctx.d) + ctx.d * Math.LN2 - ctx.d * Math.log(nu),
  precisionKl(ctx, degreesOfFreedom, _covariances, expectedLogDet, traces) {
    const { k, d } = ctx;
    let kl = 0;
    for (let j = 0; j < k; j++) {
      const nu = degreesOfFreedom[j];
      const logDetW = expectedLogDet[j] - wishartDigammaSum(nu, d) - d * Math.LN2;
      kl += wishartKl(logDetW, nu, -ctx.logDetCovariancePrior, ctx.degreesOfFreedomPrior, d, expectedLogDet[j], traces[j]);
    }
    return kl;
  },
  toJSON: (covariances, k, d) => Array.from({ length: k }, (_, j) => toNested(covariances, d, d, j * d * d)),
  fromJSON: (json, k, d) => readMatrixStack(json, 'covariances', k, d),
};
