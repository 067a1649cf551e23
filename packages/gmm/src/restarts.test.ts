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

describe("gmm's default restart count", () => {
  const parse = (raw: Parameters<typeof gmmPlugin.parseOptions>[0]) => gmmPlugin.parseOptions(raw);

  it("is 'auto' for the starts that draw at random and 1 for given means or hc", () => {
    const rule = gmmPlugin.defaults.restarts;
    expect(rule).toBeDefined();
    for (const initMethod of ['emEM', 'kmeans', 'kmeans++', 'random'] as const) expect(rule?.(parse({ k: 2, initMethod }))).toBe('auto');
    expect(rule?.(parse({ k: 2 }))).toBe('auto');
    expect(rule?.(parse({ k: 2, initMethod: 'hc' }))).toBe(1);
    expect(rule?.(parse({ k: 2, init: { means: [[0], [1]] } }))).toBe(1);
  });

  it('a default fit of diabetes (145 rows) runs ten restarts, the fit of --restarts 10, bit for bit', async () => {
    const fx = readMclustFixture('diabetes');
    const data = createDataset(Float64Array.from(fx.data), fx.n, fx.d);
    const options = { k: 2, covariance: 'diag' as const, shortRuns: 4, shortRunsKept: 2 };
    const byDefault = await fit(gmmPlugin, data, options, { seed: 4 });
    expect(byDefault.restarts).toHaveLength(10);
    const ten = await fit(gmmPlugin, data, options, { seed: 4, restarts: 10 });
    expect(byDefault.logLikelihood).toBe(ten.logLikelihood);
    expect(Array.from(byDefault.params.means)).toEqual(Array.from(ten.params.means));
    expect((await fit(gmmPlugin, data, { ...options, initMethod: 'hc' }, { seed: 4 })).restarts).toHaveLength(1);
  });
});
