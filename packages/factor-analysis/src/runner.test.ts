import { describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
import { fit } from '@emkit/runner/node';
// The built package: the runner's workers import the plugin from its moduleUrl, dist/plugin.js.
import { factorAnalysisPlugin } from '../dist/index.js';
import type { FactorParams } from './params.js';
import { readFixtureDataset } from './test-support/fixtures.js';
import { factorData } from './test-support/data.js';
import { expectSameFit } from '../../../tools/test-support/same-fit.js';

function sameBits(a: FitResult<FactorParams>, b: FitResult<FactorParams>): void {
  expectSameFit(a, b, ['mean', 'loadings', 'noiseVariance']);
}

describe('factor analysis on worker threads (@emkit/runner)', () => {
  it('moduleUrl points at the built module', () => {
    expect(factorAnalysisPlugin.moduleUrl).toMatch(/\/dist\/plugin\.js$/);
  });

  it('factors6 (direct likelihood): bit-identical for 1 and 2 workers and equal to the in-process driver', async () => {
    const data = readFixtureDataset('factors6');
    const options = { factors: 2 };
    const driver = { tol: 1e-10, maxIter: 500, shardRows: 64 };
    const reference = await fitInProcess(factorAnalysisPlugin, data, options, driver);
    for (const workers of [1, 2]) sameBits(reference, await fit(factorAnalysisPlugin, data, options, { ...driver, workers }));
  });

  it('40 columns (Woodbury likelihood), random starts, restarts on workers and sharded E-steps', async () => {
    const data = factorData(21, 601, 40, 3);
    const options = { factors: 3, initMethod: 'random', noise: 'diagonal' };
    const driver = { tol: 1e-9, maxIter: 25, shardRows: 97, seed: 5, restarts: 2 };
    const reference = await fitInProcess(factorAnalysisPlugin, data, options, driver);
    for (const workers of [1, 2]) {
      sameBits(reference, await fit(factorAnalysisPlugin, data, options, { ...driver, workers, parallelism: 'shards' }));
      sameBits(reference, await fit(factorAnalysisPlugin, data, options, { ...driver, workers, parallelism: 'restarts' }));
    }
  });
});
