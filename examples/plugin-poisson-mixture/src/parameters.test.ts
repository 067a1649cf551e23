import { describe, expect, it } from 'vitest';
import { poissonMixtureParameters } from './parameters.js';
import type { PoissonMixtureParams } from './plugin.js';

describe('poissonMixtureParameters', () => {
  it('gives the weights and K rows of D rates from the flat parameters', () => {
    const params: PoissonMixtureParams = { k: 2, d: 3, weights: Float64Array.of(0.3, 0.7), rates: Float64Array.of(2, 10, 0.5, 15, 3, 6) };
    expect(poissonMixtureParameters(params)).toEqual({ weights: [0.3, 0.7], rates: [[2, 10, 0.5], [15, 3, 6]] });
  });
});
