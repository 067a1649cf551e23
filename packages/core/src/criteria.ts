import { portableLog } from '@emkit/linalg';
/**
 * Information criteria, smaller is better (scikit-learn's sign convention, used everywhere in
 * emkit): BIC = −2·log L + p·ln N, AIC = −2·log L + 2p, with log L the total log-likelihood and
 * N the effective number of rows (Σ sample weights).
 */
export function bic(totalLogLikelihood: number, parameterCount: number, totalWeight: number): number {
  return -2 * totalLogLikelihood + parameterCount * portableLog(totalWeight);
}

export function aic(totalLogLikelihood: number, parameterCount: number): number {
  return -2 * totalLogLikelihood + 2 * parameterCount;
}
