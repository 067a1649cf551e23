import { describe, expect, it } from 'vitest';
import { fit, modelFileFromFit, readModelFile } from '@emkit/core';
import { bernoulliPlugin } from './plugin.js';
import { bernoulliParameters } from './parameters.js';
import { binaryMixture } from './test-support/data.js';

describe('bernoulliParameters', () => {
  it('gives the weights and K rows of D probabilities, equal to the flat parameters and after a model-file round trip', async () => {
    const result = await fit(bernoulliPlugin, binaryMixture(1, 300, 6, 3), { k: 3 }, { seed: 2 });
    const { k, d } = result.params;
    const readable = bernoulliParameters(result.params);
    expect(readable.weights).toEqual(Array.from(result.params.weights));
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) expect(readable.probabilities[j][c]).toBe(result.params.probabilities[j * d + c]);
    const file = JSON.parse(JSON.stringify(modelFileFromFit(bernoulliPlugin, result)));
    expect(bernoulliParameters(readModelFile(bernoulliPlugin, file).params).probabilities).toEqual(readable.probabilities);
  });
});
