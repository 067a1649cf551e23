import { describe, expect, it } from 'vitest';
import { fit, modelFileFromFit, readModelFile } from '@emkit/core';
import { softKmeansPlugin } from './plugin.js';
import { softKMeansParameters } from './parameters.js';
import { clustered } from './test-support/fixtures.js';

describe('softKMeansParameters', () => {
  it('gives the means as K rows of D numbers and the fixed variance c, as the model file has them', async () => {
    const result = await fit(softKmeansPlugin, clustered(1, 120, 2, 3), { k: 3, c: 0.5 }, { seed: 1 });
    const readable = softKMeansParameters(result.params);
    const file = JSON.parse(JSON.stringify(modelFileFromFit(softKmeansPlugin, result)));
    expect(readable).toEqual({ means: file.means, c: 0.5 });
    expect(softKMeansParameters(readModelFile(softKmeansPlugin, file).params)).toEqual(readable);
  });
});
