import { describe, expect, it } from 'vitest';
import { datasetFromRows, fit } from '@emkit/core';
import { vaePlugin } from '@emkit/vae';
import { trainingExecutor } from './training.js';

describe('trainingExecutor', () => {
  it('reports each finished epoch of every restart, and the fit equals the in-process one bit for bit', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => [i % 2, (i >> 1) % 2, (i >> 2) % 2, i % 3 === 0 ? 1 : 0]);
    const data = datasetFromRows(rows);
    const options = { latent: 2, hidden: '4', epochs: 3, batchSize: 20 };
    const seen: [number, number][] = [];
    const trained = await fit(vaePlugin, data, options, { seed: 1, restarts: 2, executor: trainingExecutor(vaePlugin, (t, restart) => void seen.push([restart, t.values.length])) });
    const plain = await fit(vaePlugin, data, options, { seed: 1, restarts: 2 });
    expect(trained.meanLogLikelihood).toBe(plain.meanLogLikelihood);
    expect(seen).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
  });
});
