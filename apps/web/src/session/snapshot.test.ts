import { applyStandardization, createRun, datasetFromRows, fitStandardization, logJacobian } from '@emkit/core';
import { gmmPlugin } from '@emkit/gmm';
import { kmeansPlugin } from '@emkit/kmeans';
import { describe, expect, it } from 'vitest';
import { capabilitiesOf, snapshotOf } from './snapshot.js';

/* The page names a run's values by the plugin's declared objective, never by its model name. */
describe('capabilities', () => {
  it("carry the plugin's objective for the options in use", () => {
    const kmeans = kmeansPlugin.parseOptions({ k: 2 });
    expect(capabilitiesOf(kmeansPlugin, null, kmeans).objective).toMatchObject({ name: '−inertia', density: false });
    const map = gmmPlugin.parseOptions({ k: 2, prior: 'default' });
    const ml = gmmPlugin.parseOptions({ k: 2 });
    const params = { weights: new Float64Array([0.5, 0.5]) };
    const count = (options: unknown) => capabilitiesOf({ ...gmmPlugin, parameterCount: () => 5 }, params, options).objective.name;
    expect([count(ml), count(map)]).toEqual(['log-likelihood', 'log-posterior']);
  });
});

describe('snapshots on standardised columns', () => {
  it("report the run's history in the original units (as the fit summary and the CLI do), a cost as fitted", async () => {
    const original = datasetFromRows(Array.from({ length: 40 }, (_, i) => [(i % 2) * 50 + (i % 7), 1000 + (i % 2) * 400 + (i % 5) * 10]));
    const transform = fitStandardization(original, 'zscore');
    const z = applyStandardization(original, transform);
    const run = createRun(gmmPlugin, z, gmmPlugin.parseOptions({ k: 2 }), { seed: 1 });
    await run.eStep();
    const plain = snapshotOf(run, z, false);
    const shown = snapshotOf(run, z, false, transform);
    expect(shown.state.history).toEqual(plain.state.history.map((x) => x + logJacobian(transform)));
    const kmeans = createRun(kmeansPlugin, z, kmeansPlugin.parseOptions({ k: 2 }), { seed: 1 });
    await kmeans.eStep();
    expect(snapshotOf(kmeans, z, false, transform).state.history).toEqual(snapshotOf(kmeans, z, false).state.history);
  });
});
