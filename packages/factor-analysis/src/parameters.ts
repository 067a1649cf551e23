import { toNested } from '@emkit/core';
import type { FactorParams } from './params.js';

/** A factor model's parameters as plain nested arrays. */
export interface FactorParameters {
  /** μ (D). */
  readonly mean: number[];
  /** W: D rows (one per column of the data) of q loadings. */
  readonly loadings: number[][];
  /** The diagonal of Ψ (D); all equal (σ²) for isotropic noise. */
  readonly noiseVariance: number[];
}

/** The mean, loadings and noise variances of fitted (or model-file) factor-analysis parameters. */
export function factorParameters(params: FactorParams): FactorParameters {
  return { mean: Array.from(params.mean), loadings: toNested(params.loadings, params.d, params.q), noiseVariance: Array.from(params.noiseVariance) };
}
