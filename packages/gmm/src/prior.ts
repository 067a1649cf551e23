import { OptionError, dataMoments, readVector, type Dataset } from '@emkit/core';
import { portableLog } from '@emkit/linalg';
import { covarianceModel } from './covariance/index.js';
import type { GmmPriorOptions } from './options.js';
import type { CovarianceType, GmmParams, GmmPrior } from './params.js';
import { lnGamma } from './special.js';

/**
 * The prior with mclust's defaultPrior filled in from the data: mean = the data mean,
 * dof = D + 2, scale = the data covariance / K^(2/D) in the structure's shape; shrinkage 0.01
 * and a flat Dirichlet (α = 1) come from the options' defaults.
 */
export function resolvePrior(data: Dataset, options: GmmPriorOptions, covariance: CovarianceType, k: number): GmmPrior {
  const d = data.cols;
  const model = covarianceModel(covariance);
  const needsData = options.mean === null || options.scale === null;
  const moments = needsData ? dataMoments(data) : null;
  if (options.scale === null && !(moments!.weight > 1))
    throw new OptionError({ field: 'prior.scale', detail: `the default (the data covariance) needs a total weight above 1, the data has ${moments!.weight}; give prior.scale` });
  const mean = options.mean === null ? moments!.mean : readVector(options.mean, 'prior.mean', d, 'option');
  const dof = options.dof ?? d + 2;
  const dofAbove = model.priorDofAbove?.(d) ?? 0;
  if (!(dof > dofAbove)) throw new OptionError({ field: 'prior.dof', detail: `must be greater than ${dofAbove} with covariance ${covariance} (D = ${d}), got ${dof}` });
  const scale = options.scale === null ? model.priorScaleFrom(moments!.covariance, k, d) : model.readPriorScale(options.scale, d, 'prior.scale');
  // A constant column gives a singular data covariance; the default scale would be improper.
  // (The scale has the shape of one component's covariance, so the structure measures it.)
  if (options.scale === null && !(model.smallestVariance(scale, 0, d) > 0))
    throw new OptionError({ field: 'prior.scale', detail: 'the default (from the data covariance) is singular — is a column constant? Give prior.scale' });
  return { shrinkage: options.shrinkage, mean, dof, scale, weightConcentration: options.weightConcentration };
}

/** ln p(π) for a symmetric Dirichlet(α): ln Γ(Kα) − K·ln Γ(α) + (α − 1)·Σ ln πⱼ. */
export function logDirichlet(weights: Float64Array, alpha: number): number {
  const k = weights.length;
  let s = lnGamma(k * alpha) - k * lnGamma(alpha);
  if (alpha !== 1) for (let j = 0; j < k; j++) s += (alpha - 1) * portableLog(weights[j]);
  return s;
}

/** log p(θ) under params.prior (0 without one): the Dirichlet on the weights and the structure's prior on means and covariances. */
export function logPriorOf(params: GmmParams): number {
  const prior = params.prior;
  if (!prior) return 0;
  return logDirichlet(params.weights, prior.weightConcentration) + covarianceModel(params.covariance).logPriorDensity(params, prior);
}

/** The prior as model-file fields (the scale in the structure's shape). */
export function priorToJSON(prior: GmmPrior, covariance: CovarianceType, d: number): Record<string, unknown> {
  const scale = covarianceModel(covariance).priorScaleToJSON(prior.scale, d);
  return { shrinkage: prior.shrinkage, mean: Array.from(prior.mean), dof: prior.dof, scale, weightConcentration: prior.weightConcentration };
}
