import { describe, expect, it } from 'vitest';
import { datasetFromRows, fit } from '@emkit/core';
import { onlineKmeansPlugin } from './plugin.js';
import { stochasticKMeansParameters } from './parameters.js';

describe('stochasticKMeansParameters', () => {
  it('gives the centres (K rows of D numbers), the counts and the passes', async () => {
    const result = await fit(onlineKmeansPlugin, datasetFromRows([[0, 0], [0, 1], [10, 10], [10, 11], [0.5, 0.2]]), { k: 2 }, { seed: 1 });
    const readable = stochasticKMeansParameters(result.params);
    expect(readable.centers).toEqual([Array.from(result.params.centers.subarray(0, 2)), Array.from(result.params.centers.subarray(2, 4))]);
    expect(readable.counts).toEqual(Array.from(result.params.counts));
    expect(readable.passes).toBe(result.params.passes);
  });
});
