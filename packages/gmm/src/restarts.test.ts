import { describe, expect, it } from 'vitest';
import { createDataset, fit } from '@emkit/core';
import { gmmPlugin } from './plugin.js';
import { readMclustFixture } from './test-support/fixtures.js';

describe('gmm restarts that fail', () => {
  const fx = readMclustFixture('diabetes');
  const data = createDataset(Float64Array.from(fx.data), fx.n, fx.d);

  it("diabetes, K = 3, regCovar 0, 10 restarts: singular starts are recorded, the best of the others wins (the issue's case)", async () => {
    // k-means starts, as in the issue (emEM, the default, drops the short runs that fail instead).
    const r = await fit(gmmPlugin, data, { k: 3, regCovar: 0, initMethod: 'kmeans' }, { restarts: 10, seed: 0 });
    expect(r.failedRestarts.length).toBeGreaterThan(0);
    for (const f of r.failedRestarts) expect(f.reason).toMatch(/^gmm.*component \d+ is singular/);
    expect(r.restarts.length + r.failedRestarts.length).toBe(10);
    expect(r.meanLogLikelihood).toBe(Math.max(...r.restarts.map((s) => s.meanLogLikelihood)));
    expect(r.restarts.map((s) => s.restart)).not.toContain(r.failedRestarts[0].restart);
  });

  it('every restart failing is one error naming each restart', async () => {
    // K = N with regCovar 0: every start puts a component on a single row.
    const tiny = createDataset(Float64Array.of(0, 0, 1, 1, 2, 2), 3, 2);
    await expect(fit(gmmPlugin, tiny, { k: 3, regCovar: 0 }, { restarts: 3 })).rejects.toThrow(/all 3 restarts failed — restart 1 \(seed \d+\): .*singular.*; restart 2 .*; restart 3 /);
  });
});
