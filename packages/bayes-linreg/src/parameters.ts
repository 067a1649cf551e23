import { toNested } from '@emkit/core';
import type { BayesLinregParams } from './params.js';

/** A Bayesian linear regression's posterior as plain numbers and nested arrays. */
export interface BayesLinregParameters {
  /** α, the precision of the weight prior. */
  readonly alpha: number;
  /** β, the noise precision (1/β is the noise variance). */
  readonly beta: number;
  /** The posterior mean m_N of the M weights, one per design column. */
  readonly posteriorMean: number[];
  /** The posterior covariance S_N of the weights, M×M. */
  readonly posteriorCovariance: number[][];
}

/** α, β and the weights' posterior of fitted (or model-file) bayes-linreg parameters. */
export function bayesLinregParameters(params: BayesLinregParams): BayesLinregParameters {
  return { alpha: params.alpha, beta: params.beta, posteriorMean: Array.from(params.posteriorMean), posteriorCovariance: toNested(params.posteriorCovariance, params.m, params.m) };
}
