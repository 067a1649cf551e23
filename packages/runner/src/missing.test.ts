import { describe, expect, it } from 'vitest';
import { createDataset, fit as fitInProcess } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { fit } from '../dist/node/index.js';

// @emkit/gmm resolves to its built dist, whose moduleUrl the workers import.
import { gmmPlugin } from '@emkit/gmm';

describe('missing values on workers', () => {
  it('gmm with 25 % of cells missing: bit-identical in-process and on 1, 2 and 4 workers (sharded), and with restarts on 2', async () => {
    const random = new Random(3);
    const n = 700;
    const d = 3;
    const values = Float64Array.from({ length: n * d }, (_, i) => 4 * ((Math.floor(i / d) % 3) - 1) + random.nextNormal());
    for (let i = 0; i < values.length; i++) if (random.next() < 0.25) values[i] = NaN;
    for (let i = 0; i < n; i++) if ([0, 1, 2].every((c) => Number.isNaN(values[i * d + c]))) values[i * d] = 0;
    const data = createDataset(values, n, d, { missing: 'nan' });
    for (const covariance of ['full', 'tied']) {
      const options = { k: 3, covariance };
      const driver = { shardRows: 61, seed: 4, restarts: 2, maxIter: 12, tol: 0 };
      const reference = await fitInProcess(gmmPlugin, data, options, driver);
      for (const [workers, parallelism] of [[1, 'shards'], [2, 'shards'], [4, 'shards'], [2, 'restarts']] as const) {
          const result = await fit(gmmPlugin, data, options, { ...driver, workers, parallelism });
          expect(result.history).toEqual(reference.history);
          expect(Array.from(result.params.covariances)).toEqual(Array.from(reference.params.covariances));
          expect(Array.from(result.params.means)).toEqual(Array.from(reference.params.means));
        }
    }
  }, 180_000);
});
