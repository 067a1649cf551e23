import { fit } from '@emkit/core';
import { checkViewDescription } from '@emkit/core/testing';
import { describe, expect, it } from 'vitest';
import { modelCovariance } from './model.js';
import { factorAnalysisPlugin } from './plugin.js';
import { readFixture, readFixtureDataset } from './test-support/fixtures.js';

describe('factor-analysis describeView', () => {
  it('shows one Gaussian N(μ, WWᵀ + Ψ) and its q latent factors, predictTable’s columns', async () => {
    const data = readFixtureDataset(readFixture<{ dataset: string }>('factor-analysis-iris.json').dataset);
    const result = await fit(factorAnalysisPlugin, data, { factors: 2 }, { seed: 0 });
    const view = checkViewDescription(factorAnalysisPlugin, result.params, data);
    expect(view.components).toMatchObject({ count: 1, dims: 4, locationName: 'mean', weights: null });
    expect(Array.from(view.components!.covariances!)).toEqual(Array.from(modelCovariance(result.params)));
    expect(view.latent).toMatchObject({ dims: 2, columns: ['z0', 'z1'] });
    expect(view.rowOutput).toMatchObject({ kind: 'table', columns: ['z0', 'z1'] });
  });
});
