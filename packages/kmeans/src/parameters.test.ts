import { describe, expect, it } from 'vitest';
import { datasetFromRows, fit, readModelFile, modelFileFromFit } from '@emkit/core';
import { kmeansPlugin } from './plugin.js';
import { kmeansParameters } from './parameters.js';

describe('kmeansParameters', () => {
  it('gives the centres as K rows of D numbers, equal to the flat parameters and the model file', async () => {
    const data = datasetFromRows([[0, 0], [0, 1], [10, 10], [10, 11], [0.5, 0.2]]);
    const result = await fit(kmeansPlugin, data, { k: 2 }, { seed: 1 });
    const { centers } = kmeansParameters(result.params);
    expect(centers).toEqual([Array.from(result.params.centers.subarray(0, 2)), Array.from(result.params.centers.subarray(2, 4))]);
    const file = JSON.parse(JSON.stringify(modelFileFromFit(kmeansPlugin, result)));
    expect(kmeansParameters(readModelFile(kmeansPlugin, file).params).centers).toEqual(file.centers);
  });
});
