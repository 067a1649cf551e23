import { fit, createDataset, type Dataset } from '@emkit/core';
import { Random, inverse } from '@emkit/linalg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COVARIANCE_TYPES, covarianceModel } from './index.js';
import { gmmPlugin } from './plugin.js';
import type { GmmParams } from './params.js';

function data(n: number, d: number, seed: number): Dataset {
  const r = new Random(seed);
  const v = Float64Array.from({ length: n * d }, (_, i) => (i % d) * 10 + (r.next() < 0.5 ? -3 : 3) + r.nextNormal() * (1 + (i % d)));
  return createDataset(v, n, d);
}

/**
 * The stored covariances as K full D×D matrices, from the layout of the four scikit-learn
 * structures (full K×D×D, tied D×D, diag K×D, spherical K); null for other structures.
 */
function expand(p: GmmParams): Float64Array | null {
  const { k, d } = p;
  const out = new Float64Array(k * d * d);
  const layout: Partial<Record<string, (j: number, a: number, b: number) => number>> = {
    full: (j, a, b) => p.covariances[j * d * d + a * d + b],
    tied: (_j, a, b) => p.covariances[a * d + b],
    diag: (j, a, b) => (a === b ? p.covariances[j * d + a] : 0),
    spherical: (j, a, b) => (a === b ? p.covariances[j] : 0),
  };
  const entry = layout[p.covariance];
  if (!entry) return null;
  for (let j = 0; j < k; j++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) out[j * d * d + a * d + b] = entry(j, a, b);
  return out;
}

describe('gmm describeView', () => {
  it('gives every structure’s covariances as full matrices, recovered from its Mahalanobis distance (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COVARIANCE_TYPES), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 99 }), async (covariance, d, k, seed) => {
        const result = await fit(gmmPlugin, data(120, d, seed), { k, covariance }, { seed, maxIter: 5 });
        const view = gmmPlugin.describeView!(result.params);
        const c = view.components!;
        expect(c).toMatchObject({ count: k, dims: d, locationName: 'mean', hard: false });
        expect(Array.from(c.locations)).toEqual(Array.from(result.params.means));
        // Any structure: (x − μ)ᵀ Σ⁻¹ (x − μ) from the recovered Σ is the module's Mahalanobis distance.
        const { means } = result.params;
        const random = new Random(seed);
        const x = new Float64Array(d);
        for (let j = 0; j < k; j++) {
          const precision = inverse(c.covariances!, j * d * d, d);
          for (let c2 = 0; c2 < d; c2++) x[c2] = means[j * d + c2] + random.nextNormal();
          let q = 0;
          for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) q += (x[a] - means[j * d + a]) * precision[a * d + b] * (x[b] - means[j * d + b]);
          const model = covarianceModel(result.params.covariance);
          const expectedQ = model.mahalanobis(result.params, j, x, 0, new Float64Array(d));
          expect(Math.abs(q - expectedQ)).toBeLessThanOrEqual(1e-7 * Math.max(1, expectedQ));
        }
        const expected = expand(result.params);
        if (expected === null) return;
        for (let i = 0; i < expected.length; i++) expect(Math.abs(c.covariances![i] - expected[i])).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(expected[i])));
      }),
      { numRuns: 30 },
    );
  });

  it('shows no ellipses for provisional starting parameters without precision factors, and says when assignments are hard', () => {
    const d = data(50, 2, 1);
    const params = gmmPlugin.init(d, gmmPlugin.parseOptions({ k: 2, assignment: 'hard' }), new Random(0));
    const view = gmmPlugin.describeView!(params);
    expect(view.components!.hard).toBe(true);
    if (params.precisionCholesky.length === 0) expect(view.components!.covariances).toBeNull();
    else expect(view.components!.covariances).not.toBeNull();
  });
});
