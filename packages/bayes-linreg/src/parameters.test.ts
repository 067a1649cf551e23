import { describe, expect, it } from 'vitest';
import { fit, modelFileFromFit, readModelFile } from '@emkit/core';
import { bayesLinregPlugin } from './plugin.js';
import { bayesLinregParameters } from './parameters.js';
import { randomProblem } from './test-support/problems.js';

describe('bayesLinregParameters', () => {
  it('gives α, β, the posterior mean and the M×M posterior covariance, equal to the flat parameters', async () => {
    const result = await fit(bayesLinregPlugin, randomProblem(2, 60, 3), {}, { seed: 0 });
    const { m } = result.params;
    const readable = bayesLinregParameters(result.params);
    expect(readable).toMatchObject({ alpha: result.params.alpha, beta: result.params.beta, posteriorMean: Array.from(result.params.posteriorMean) });
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) expect(readable.posteriorCovariance[a][b]).toBe(result.params.posteriorCovariance[a * m + b]);
    const file = JSON.parse(JSON.stringify(modelFileFromFit(bayesLinregPlugin, result)));
    expect(bayesLinregParameters(readModelFile(bayesLinregPlugin, file).params)).toEqual(readable);
  });
});
