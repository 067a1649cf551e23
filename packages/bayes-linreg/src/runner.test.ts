import { describe, expect, it } from 'vitest';
import { fit as fitInProcess, type FitResult } from '@emkit/core';
import { fit } from '@emkit/runner/node';
// The built package: worker threads import the plugin from its moduleUrl, which must be a .js file.
import { bayesLinregPlugin, type BayesLinregParams } from '../dist/index.js';
import { readRegressionDataset } from './test-support/fixtures.js';
import { randomProblem } from './test-support/problems.js';
import { expectSameFit } from '../../../tools/test-support/same-fit.js';

function sameBits(a: FitResult<BayesLinregParams>, b: FitResult<BayesLinregParams>): void {
  expectSameFit(a, b, ['alpha', 'beta', 'posteriorMean', 'posteriorCovariance', 'logEvidence']);
}

describe('on worker threads (@emkit/runner), results are bit-identical to the in-process driver', () => {
  const cases = [
    { name: 'sinusoid, 60 rows in shards of 7', data: readRegressionDataset('sinusoid', 't'), shardRows: 7 },
    { name: '1003 weighted rows × 6 columns in shards of 97', data: randomProblem(7, 1003, 6, { weighted: true }), shardRows: 97 },
  ];
  for (const { name, data, shardRows } of cases)
    for (const update of ['em', 'mackay'] as const)
      it(`${name}, ${update}: workers 1 and 2`, async () => {
        const driver = { shardRows };
        const reference = await fitInProcess(bayesLinregPlugin, data, { update }, driver);
        expect(reference.converged).toBe(true);
        for (const workers of [1, 2]) sameBits(reference, await fit(bayesLinregPlugin, data, { update }, { ...driver, workers, parallelism: 'shards' }));
      });

  it('whole restarts on workers (init on the worker, reading the shared target) give the same result', async () => {
    const data = randomProblem(9, 400, 4);
    const driver = { shardRows: 64, restarts: 2 };
    const reference = await fitInProcess(bayesLinregPlugin, data, { update: 'mackay' }, driver);
    sameBits(reference, await fit(bayesLinregPlugin, data, { update: 'mackay' }, { ...driver, workers: 2, parallelism: 'restarts' }));
  });

  it('the shard size changes the log evidence only by round-off', async () => {
    const data = randomProblem(7, 1003, 6);
    const a = await fitInProcess(bayesLinregPlugin, data, {}, { shardRows: 97 });
    const b = await fitInProcess(bayesLinregPlugin, data, {}, { shardRows: 1003 });
    expect(Math.abs(a.logLikelihood - b.logLikelihood)).toBeLessThanOrEqual(1e-10 * Math.abs(b.logLikelihood));
    expect(Math.abs(a.params.alpha - b.params.alpha)).toBeLessThanOrEqual(1e-8 * b.params.alpha);
  });
});
