import { fit } from '@emkit/core';
import { checkViewDescription } from '@emkit/core/testing';
import { describe, expect, it } from 'vitest';
import { bayesLinregPlugin } from './plugin.js';
import { readFixture, readRegressionDataset } from './test-support/fixtures.js';

describe('bayes-linreg describeView', () => {
  it('has no components; its per-row output is the predictive mean and variance', async () => {
    const fx = readFixture<{ dataset: string }>('bayes-linreg-sinusoid.json');
    const data = readRegressionDataset(fx.dataset, 't');
    const result = await fit(bayesLinregPlugin, data, {}, {});
    const view = checkViewDescription(bayesLinregPlugin, result.params, data);
    expect(view.components).toBeNull();
    expect(view.rowOutput).toMatchObject({ kind: 'table', columns: ['mean', 'variance'] });
  });
});
