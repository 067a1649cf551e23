import { describe, expect, it } from 'vitest';
import { datasetFromRows, fit } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { gmmParameters } from './parameters.js';
import { COVARIANCE_TYPES } from './covariance/index.js';
import type { GmmParams } from './params.js';

function blobs(n: number): number[][] {
  const random = new Random(7);
  return Array.from({ length: n }, (_, i) => {
    const c = i % 2 === 0 ? [0, 0, 0] : [4, 1, -2];
    return [c[0] + random.nextNormal(), c[1] + 0.5 * random.nextNormal() + 0.3 * random.nextNormal(), c[2] + 2 * random.nextNormal()];
  });
}

/** Σ_j[a][b] read from the flat scikit-learn layout of the four classic structures. */
function flatCovariance(p: GmmParams, j: number, a: number, b: number): number {
  const { d, covariances: s } = p;
  if (p.covariance === 'full') return s[j * d * d + a * d + b];
  if (p.covariance === 'tied') return s[a * d + b];
  if (p.covariance === 'diag') return a === b ? s[j * d + a] : 0;
  return a === b ? s[j] : 0; // spherical
}

describe('gmmParameters: readable weights, means and full covariances', () => {
  const data = datasetFromRows(blobs(200));

  it.each(['full', 'diag', 'spherical', 'tied'] as const)('%s: equal the flat parameters', async (covariance) => {
    const { params } = await fit(gmmPlugin, data, { k: 2, covariance }, { seed: 3 });
    const readable = gmmParameters(params);
    expect(readable.weights).toEqual(Array.from(params.weights));
    expect(readable.means).toEqual([Array.from(params.means.subarray(0, 3)), Array.from(params.means.subarray(3, 6))]);
    expect(readable.covariances).toHaveLength(2);
    for (let j = 0; j < 2; j++)
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          const expected = flatCovariance(params, j, a, b);
          expect(Math.abs(readable.covariances[j][a][b] - expected)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(flatCovariance(params, j, a, a))));
        }
  });

  it("every one of mclust's structures gives K symmetric positive-definite D×D matrices", async () => {
    for (const covariance of COVARIANCE_TYPES) {
      const { params } = await fit(gmmPlugin, data, { k: 2, covariance }, { seed: 3 });
      const { covariances } = gmmParameters(params);
      for (const sigma of covariances) {
        expect(sigma.map((row) => row.length)).toEqual([3, 3, 3]);
        for (let a = 0; a < 3; a++) {
          expect(sigma[a][a]).toBeGreaterThan(0);
          for (let b = 0; b < 3; b++) expect(sigma[a][b]).toBeCloseTo(sigma[b][a], 12);
        }
      }
    }
  });

  it('are plain arrays (JSON as they are)', async () => {
    const { params } = await fit(gmmPlugin, data, { k: 2 }, { seed: 3 });
    const readable = gmmParameters(params);
    expect(JSON.parse(JSON.stringify(readable))).toEqual(readable);
  });
});
