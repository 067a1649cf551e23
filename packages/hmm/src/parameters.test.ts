import { describe, expect, it } from 'vitest';
import { fit, modelFileFromFit, readModelFile } from '@emkit/core';
import { hmmPlugin } from './plugin.js';
import { hmmParameters } from './parameters.js';
import { categoricalTruth, gaussianTruth, sequenceData } from './test-support/data.js';

describe('hmmParameters', () => {
  it('Gaussian: π, A (K rows) and each state’s mean and full covariance, equal to the flat parameters', async () => {
    const result = await fit(hmmPlugin, sequenceData(gaussianTruth(2, 2, 3), [120, 80], 4), { k: 2, covariance: 'diag' }, { seed: 1 });
    const { params } = result;
    const readable = hmmParameters(params);
    expect(readable.startProbabilities).toEqual(Array.from(params.startProbabilities));
    expect(readable.transitions).toEqual([Array.from(params.transitions.subarray(0, 2)), Array.from(params.transitions.subarray(2, 4))]);
    if (readable.emission.kind !== 'gaussian' || params.emission.kind !== 'gaussian') throw new Error('expected Gaussian emissions');
    const g = params.emission.gaussian;
    for (let j = 0; j < 2; j++)
      for (let a = 0; a < 2; a++) {
        expect(readable.emission.means[j][a]).toBe(g.means[j * 2 + a]);
        for (let b = 0; b < 2; b++) expect(readable.emission.covariances[j][a][b]).toBeCloseTo(a === b ? g.covariances[j * 2 + a] : 0, 10);
      }
  });

  it('categorical: K rows of M emission probabilities, as the model file has them', async () => {
    const result = await fit(hmmPlugin, sequenceData(categoricalTruth(2, 3, 5), [150], 6), { k: 2, emission: 'categorical' }, { seed: 1 });
    const readable = hmmParameters(result.params);
    const file = JSON.parse(JSON.stringify(modelFileFromFit(hmmPlugin, result)));
    expect(readable.emission).toEqual({ kind: 'categorical', probabilities: file.emissionProbabilities });
    expect(readable.transitions).toEqual(file.transitions);
    expect(hmmParameters(readModelFile(hmmPlugin, file).params).emission).toEqual(readable.emission);
  });
});
