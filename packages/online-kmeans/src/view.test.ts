import { fit } from '@emkit/core';
import { checkViewDescription } from '@emkit/core/testing';
import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from './fixtures.test-helpers.js';
import { minibatchKmeansPlugin, onlineKmeansPlugin } from './plugin.js';

describe('online and mini-batch k-means describeView', () => {
  it.each([onlineKmeansPlugin, minibatchKmeansPlugin])('$name shows its centres as hard-assignment components', async (plugin) => {
    const { data } = gaussianBlobs([[0, 0], [5, 5], [0, 6]], 30, 0.7, 1);
    const result = await fit(plugin, data, { k: 3 }, { seed: 0 });
    const view = checkViewDescription(plugin, result.params, data);
    expect(view.components).toMatchObject({ count: 3, dims: 2, locationName: 'centre', weights: null, covariances: null, hard: true });
    expect(Array.from(view.components!.locations)).toEqual(Array.from(result.params.centers));
  });
});
