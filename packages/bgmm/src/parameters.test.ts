import { describe, expect, it } from 'vitest';
import { fit, modelFileFromFit } from '@emkit/core';
import { bgmmPlugin } from './plugin.js';
import { bgmmParameters } from './parameters.js';
import { blobs } from './test-support/data.js';

describe('bgmmParameters', () => {
  it.each(['full', 'diag', 'spherical', 'tied'] as const)('%s: weights, means and K full D×D covariances, equal to the flat parameters', async (covariance) => {
    const result = await fit(bgmmPlugin, blobs(1, 200, 2, 2), { k: 3, covariance }, { seed: 1 });
    const { k, d } = result.params;
    const readable = bgmmParameters(result.params);
    expect(readable.weights).toEqual(Array.from(result.params.weights));
    for (let j = 0; j < k; j++)
      for (let a = 0; a < d; a++) {
        expect(readable.means[j][a]).toBe(result.params.means[j * d + a]);
        for (let b = 0; b < d; b++) expect(readable.covariances[j][a][b]).toBe(result.params.covariances[j * d * d + a * d + b]);
      }
    if (covariance === 'full') expect(readable.covariances).toEqual(JSON.parse(JSON.stringify(modelFileFromFit(bgmmPlugin, result))).covariances);
  });
});
