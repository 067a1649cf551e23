import { describe, expect, it } from 'vitest';
import { fit, modelFileFromFit, readModelFile } from '@emkit/core';
import { factorAnalysisPlugin } from './plugin.js';
import { factorParameters } from './parameters.js';
import { factorData } from './test-support/data.js';

describe('factorParameters', () => {
  it('gives μ, W (D rows of q loadings) and Ψ, equal to the flat parameters and the model file', async () => {
    const result = await fit(factorAnalysisPlugin, factorData(11, 300, 5, 2), { factors: 2 }, { seed: 1 });
    const { d, q } = result.params;
    const readable = factorParameters(result.params);
    expect(readable.mean).toEqual(Array.from(result.params.mean));
    expect(readable.noiseVariance).toEqual(Array.from(result.params.noiseVariance));
    for (let c = 0; c < d; c++) for (let f = 0; f < q; f++) expect(readable.loadings[c][f]).toBe(result.params.loadings[c * q + f]);
    const file = JSON.parse(JSON.stringify(modelFileFromFit(factorAnalysisPlugin, result)));
    expect(factorParameters(readModelFile(factorAnalysisPlugin, file).params)).toEqual(readable);
  });
});
