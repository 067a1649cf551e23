import { describe, expect, it } from 'vitest';
import { datasetFromRows, fit } from '@emkit/core';
import { kmedoidsPlugin } from './plugin.js';
import { kmedoidsParameters } from './parameters.js';

describe('kmedoidsParameters', () => {
  it('gives the medoids as K rows of D numbers and their training-row indices', async () => {
    const rows = [[0, 0], [0, 1], [10, 10], [10, 11], [0.5, 0.2], [9, 10]];
    const result = await fit(kmedoidsPlugin, datasetFromRows(rows), { k: 2 }, { seed: 1 });
    const readable = kmedoidsParameters(result.params);
    expect(readable.medoidIndices).toEqual(Array.from(result.params.medoidIndices));
    expect(readable.medoids).toEqual(readable.medoidIndices.map((i) => rows[i]));
  });
});
