import { fit } from '@emkit/core';
import { checkViewDescription } from '@emkit/core/testing';
import { describe, expect, it } from 'vitest';
import { bernoulliPlugin } from './plugin.js';
import { readFixture, readFixtureDataset } from './test-support/fixtures.js';

describe('bernoulli describeView', () => {
  it('shows each component’s P(x = 1) per column as locations and as an image, without ellipses', async () => {
    const data = readFixtureDataset(readFixture<{ dataset: string }>('bernoulli-bernoulli20.json').dataset);
    const result = await fit(bernoulliPlugin, data, { k: 3 }, { seed: 0 });
    const view = checkViewDescription(bernoulliPlugin, result.params, data);
    expect(view.components).toMatchObject({ count: 3, dims: data.cols, locationName: 'P(x = 1)', covariances: null, hard: false });
    expect(Array.from(view.components!.locations)).toEqual(Array.from(result.params.probabilities));
    expect(view.images).toEqual({ width: 5, height: 4, min: 0, max: 1 });
    expect(view.rowOutput).toEqual({ kind: 'labels' });
  });
});
