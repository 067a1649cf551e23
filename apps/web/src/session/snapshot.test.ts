import { gmmPlugin } from '@emkit/gmm';
import { kmeansPlugin } from '@emkit/kmeans';
import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from './snapshot.js';

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
