import { EMPTY_VIEW, type ModelView } from '@emkit/core';
import { modelCovariance } from './model.js';
import type { FactorParams } from './params.js';

/** The model's one Gaussian, N(μ, WWᵀ + Ψ), and its q latent factors (predictTable's z0 … z{q−1}). */
export function describeFactorView(params: FactorParams): ModelView {
  const columns = Array.from({ length: params.q }, (_, j) => `z${j}`);
  return {
    ...EMPTY_VIEW,
    components: { count: 1, dims: params.d, locationName: 'mean', locations: params.mean.slice(), weights: null, covariances: modelCovariance(params), hard: false },
    latent: { dims: params.q, columns, description: 'posterior means E[z | x]' },
    rowOutput: { kind: 'table', columns, description: 'latent factor means' },
  };
}
