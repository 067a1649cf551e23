import { describe, it } from 'vitest';
import { assertConformance } from '@emkit/core/testing';
import { gmmPlugin } from './plugin.js';
import { COVARIANCE_TYPES, covarianceModel } from './covariance/index.js';
import { readFixtureDataset } from './test-support/fixtures.js';

describe('gmm passes the plugin conformance kit', () => {
  const data = readFixtureDataset('faithful');
  for (const covariance of COVARIANCE_TYPES)
    it(`${covariance} covariance`, async () => {
      // VVE at faithful's K = 2 start: the two shapes are nearly alike, so the shared orientation
      // is barely determined and the finite-difference Jacobian of the (exact) projection onto
      // the structure is off by ~1e-4 relative, one spurious direction; its count is checked on
      // iris below, where the orientation is determined.
      const skip = covariance === 'VVE' ? (['parameter-count'] as const) : [];
      await assertConformance(gmmPlugin, { data, options: { k: 2, covariance }, maxIter: 30, skip: [...skip] });
    });
  const iris = readFixtureDataset('iris');
  for (const covariance of COVARIANCE_TYPES.filter((t) => covarianceModel(t).supportsPrior === false))
    it(`${covariance} covariance on iris, K = 3 (mclust's df is the rank of the model file's Jacobian)`, async () => {
      await assertConformance(gmmPlugin, { data: iris, options: { k: 3, covariance }, maxIter: 30 });
    });
  it('with frozen weights (parameter count excludes them)', async () => {
    // Frozen parameters still move the likelihood, so the Jacobian check does not apply.
    await assertConformance(gmmPlugin, { data, options: { k: 2, freeze: ['weights'] }, maxIter: 30, skip: ['parameter-count'] });
  });
});
