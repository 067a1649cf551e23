import { fit } from '@emkit/core';
import { checkViewDescription } from '@emkit/core/testing';
import { describe, expect, it } from 'vitest';
import { gaussianBlobs } from './fixtures.test-helpers.js';
import { kmedoidsPlugin } from './plugin.js';

describe('kmedoids describeView', () => {
  it('shows the medoids as hard-assignment centres', async () => {
    const { data } = gaussianBlobs([[0, 0], [5, 5], [0, 6]], 30, 0.7, 1);
    const result = await fit(kmedoidsPlugin, data, { k: 3 }, { seed: 0 });
    const view = checkViewDescription(kmedoidsPlugin, result.params, data);
    expect(view.components).toMatchObject({ count: 3, dims: 2, locationName: 'medoid', weights: null, covariances: null, hard: true });
    expect(Array.from(view.components!.locations)).toEqual(Array.from(result.params.medoids));
  });
});
