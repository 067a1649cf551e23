import { EMPTY_VIEW, type ModelView } from '@emkit/core';
import type { VaeParams } from './params.js';

/** A continuous latent (the encoder means, predictTable's z0 … z{L−1}), trained in epochs of Adam steps. */
export function describeVaeView(params: VaeParams): ModelView {
  const columns = Array.from({ length: params.arch.latent }, (_, j) => `z${j}`);
  return {
    ...EMPTY_VIEW,
    latent: { dims: params.arch.latent, columns, description: 'encoder means μ(x)' },
    training: { unit: 'epoch', objective: 'ELBO per row', values: [...params.epochElbo], planned: params.plan.epochs },
    rowOutput: { kind: 'table', columns, description: 'latent means' },
  };
}
