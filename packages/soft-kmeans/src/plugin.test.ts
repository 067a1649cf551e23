import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fit, ModelFileError, OptionError, planShards, runShardsInProcess, createDataset } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { gmmPlugin } from '@emkit/gmm';
import { lloyd } from '@emkit/kmeans';
import { Random } from '@emkit/linalg';
import { softKmeansPlugin } from './plugin.js';
import { blobsWithStart, clustered, maxRowEntropy, minRowMax } from './test-support/fixtures.js';

const fitCase = fc.record({
  seed: fc.integer({ min: 0, max: 10_000 }),
  n: fc.integer({ min: 30, max: 120 }),
  d: fc.integer({ min: 1, max: 4 }),
  k: fc.integer({ min: 1, max: 4 }),
  c: fc.double({ min: 1e-3, max: 20, noNaN: true }),
  initMethod: fc.constantFrom('kmeans' as const, 'kmeans++' as const, 'random' as const),
});

describe('soft k-means is gmm with spherical, frozen equal weights and a frozen variance c', () => {
  it('gives bit-identical fits to the gmm plugin configured that way', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, async ({ seed, n, d, k, c }) => {
        const data = clustered(seed, n, d, 3);
        const random = new Random(seed);
        const rows = random.sampleWithoutReplacement(n, k);
        const means = Array.from(rows, (i) => Array.from(data.values.subarray(i * d, (i + 1) * d)));
        const soft = await fit(softKmeansPlugin, data, { k, c, init: { means } }, { maxIter: 30 });
        const weights = Array(k).fill(1 / k);
        const gmm = await fit(gmmPlugin, data, { k, covariance: 'spherical', regCovar: 0, init: { weights, means, covariances: Array(k).fill(c) }, freeze: ['weights', 'covariances'] }, { maxIter: 30, tol: 1e-6 });
        expect(Array.from(soft.params.means)).toEqual(Array.from(gmm.params.means));
        expect(soft.history).toEqual(gmm.history);
        expect(Array.from(soft.params.weights)).toEqual(weights);
        expect(Array.from(soft.params.covariances)).toEqual(Array(k).fill(c));
      }),
      { numRuns: 30 },
    );
  });

  it('the log-likelihood never decreases; weights and variances stay fixed', async () => {
    await fc.assert(
      fc.asyncProperty(fitCase, async ({ seed, n, d, k, c, initMethod }) => {
        const data = clustered(seed, n, d, 3);
        const r = await fit(softKmeansPlugin, data, { k, c, initMethod }, { seed, maxIter: 100, tol: 1e-9 });
        expect(r.monotonicityViolations).toEqual([]);
        for (let i = 1; i < r.history.length; i++) expect(r.history[i]).toBeGreaterThanOrEqual(r.history[i - 1] - 1e-9 * Math.abs(r.history[i - 1]));
        expect(new Set(r.params.weights).size).toBe(1);
        expect(Array.from(r.params.covariances)).toEqual(Array(k).fill(c));
        expect(r.parameterCount).toBe(k * d);
      }),
      { numRuns: 50 },
    );
  });

  it('statistics of shards add up to the statistics of the whole data', () => {
    fc.assert(
      fc.property(fitCase, fc.integer({ min: 1, max: 17 }), ({ seed, n, d, k, c, initMethod }, shardRows) => {
        const data = clustered(seed, n, d, 3);
        const params = softKmeansPlugin.init(data, softKmeansPlugin.parseOptions({ k, c, initMethod }), new Random(seed));
        const whole = runShardsInProcess(softKmeansPlugin, params, data, planShards(n, n));
        const sharded = runShardsInProcess(softKmeansPlugin, params, data, planShards(n, shardRows));
        expect(Math.abs(whole.logLikelihood - sharded.logLikelihood)).toBeLessThan(1e-9 * Math.abs(whole.logLikelihood));
        for (let i = 0; i < whole.stats.length; i++) expect(Math.abs(whole.stats[i] - sharded.stats[i])).toBeLessThan(1e-9 * (1 + Math.abs(whole.stats[i])));
      }),
      { numRuns: 40 },
    );
  });
});

describe('the plugin contract', () => {
  it('passes core\'s conformance kit (shards, determinism, purity, monotone, serialisation, parameter count)', async () => {
    for (const c of [0.3, 4]) {
      const report = await assertConformance(softKmeansPlugin, { data: clustered(2, 200, 2, 3), options: { k: 3, c } });
      expect(report.checks.map((check) => check.name)).toContain('parameter-count');
    }
  });
});

describe('as c → 0 soft k-means becomes k-means', () => {
  it('at fixed means, the largest entropy of a responsibility row falls as c falls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.double({ min: 1e-3, max: 100, noNaN: true }), { minLength: 2, maxLength: 8 }),
        (seed, d, k, cs) => {
          const data = clustered(seed, 60, d, 3);
          const random = new Random(seed + 1);
          const means = Array.from({ length: k }, () => Array.from({ length: d }, () => 4 * random.nextNormal()));
          const decreasing = [...new Set(cs)].sort((a, b) => b - a);
          const entropies = decreasing.map((c) => {
            const { params } = softKmeansPlugin.fromJSON({ k, c, means });
            return maxRowEntropy(softKmeansPlugin.responsibilities(params, data), k);
          });
          // A row's responsibilities are a Gibbs distribution at temperature 2c: its entropy grows with c.
          for (let s = 1; s < entropies.length; s++) expect(entropies[s]).toBeLessThanOrEqual(entropies[s - 1] + 1e-12);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('blobs: fitted from the same start at decreasing c, the largest row entropy falls monotonically to 0', async () => {
    const { data, k, centers } = blobsWithStart();
    const cs = [8, 4, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 1e-3];
    const entropies: number[] = [];
    for (const c of cs) {
      const r = await fit(softKmeansPlugin, data, { k, c, init: { centers } });
      entropies.push(maxRowEntropy(softKmeansPlugin.responsibilities(r.params, data), k));
    }
    for (let s = 1; s < cs.length; s++) {
      if (entropies[s - 1] > 0) expect(entropies[s], `c = ${cs[s]} after ${cs[s - 1]}`).toBeLessThan(entropies[s - 1]);
      else expect(entropies[s]).toBe(0);
    }
    expect(entropies[0]).toBeGreaterThan(0.5);
    expect(entropies.at(-1)).toBeLessThan(1e-12);
  });

  it('blobs: at small c every row\'s largest responsibility exceeds 1 − 1e-9', async () => {
    const { data, k, centers } = blobsWithStart();
    for (const c of [0.01, 1e-3, 1e-5]) {
      const r = await fit(softKmeansPlugin, data, { k, c, init: { centers } });
      expect(minRowMax(softKmeansPlugin.responsibilities(r.params, data), k), `c = ${c}`).toBeGreaterThan(1 - 1e-9);
    }
  });

  it('blobs: with small c it reaches Lloyd\'s centres from the same start within 1e-6, with the same labels', async () => {
    const { data, k, centers } = blobsWithStart();
    const reference = lloyd(data, Float64Array.from(centers.flat()), k, { tol: 0, maxIter: 1000 });
    for (const c of [0.01, 1e-3, 1e-6]) {
      const r = await fit(softKmeansPlugin, data, { k, c, init: { centers } });
      expect(r.converged).toBe(true);
      let worst = 0;
      for (let i = 0; i < reference.centers.length; i++) worst = Math.max(worst, Math.abs(r.params.means[i] - reference.centers[i]));
      expect(worst, `c = ${c}`).toBeLessThanOrEqual(1e-6);
      expect(Array.from(softKmeansPlugin.predict(r.params, data))).toEqual(Array.from(reference.labels));
    }
  });

  it('with a large c the means are pulled together (the opposite limit)', async () => {
    const { data, k, centers } = blobsWithStart();
    const r = await fit(softKmeansPlugin, data, { k, c: 100, init: { centers } }, { tol: 1e-12, maxIter: 2000 });
    for (let j = 1; j < k; j++) for (let c = 0; c < 2; c++) expect(Math.abs(r.params.means[j * 2 + c] - r.params.means[c])).toBeLessThan(1e-3);
  });
});

describe('soft k-means options and model files', () => {
  it('validates options, naming the field', () => {
    expect(softKmeansPlugin.parseOptions({ k: 2, c: 0.5 })).toEqual({ k: 2, c: 0.5, init: null, initMethod: 'kmeans++' });
    expect(() => softKmeansPlugin.parseOptions({ k: 2 })).toThrow(/^c: required/);
    expect(() => softKmeansPlugin.parseOptions({ k: 2, c: 0 })).toThrow(/^c: expected a number > 0, got 0$/);
    expect(() => softKmeansPlugin.parseOptions({ k: 0, c: 1 })).toThrow(/^k:/);
    expect(() => softKmeansPlugin.parseOptions({ k: 2, c: 1, initMethod: 'best' })).toThrow(/^initMethod:/);
    expect(() => softKmeansPlugin.parseOptions({ k: 2, c: 1, stiffness: 2 })).toThrow(OptionError);
    expect(() => softKmeansPlugin.parseOptions({ k: 2, c: 1, init: {} })).toThrow(/^init: give exactly one/);
    expect(() => softKmeansPlugin.parseOptions({ k: 2, c: 1, init: { means: [[0]], centers: [[0]] } })).toThrow(/^init: give exactly one/);
    expect(() => softKmeansPlugin.parseOptions({ k: 2, c: 1, init: { centers: [[0, 0], [1]] } })).toThrow(/^init\.centers\[1\]/);
    // A k-means fixture's init object as it is (centerIndices ignored).
    expect(softKmeansPlugin.parseOptions({ k: 2, c: 1, init: { centers: [[0, 0], [1, 1]], centerIndices: [3, 4] } }).init).toEqual({ means: [[0, 0], [1, 1]] });
    expect(softKmeansPlugin.optionSpecs.map((s) => s.name)).toEqual(['k', 'c', 'init', 'initMethod']);
  });

  it('starting means of the wrong width are an option error', async () => {
    const data = clustered(1, 30, 2, 2);
    await expect(fit(softKmeansPlugin, data, { k: 2, c: 1, init: { means: [[0, 0, 0], [1, 1, 1]] } })).rejects.toThrow(/^init\.means/);
  });

  it('toJSON/fromJSON round-trip gives the same scores and responsibilities', async () => {
    const data = clustered(4, 90, 3, 3);
    const r = await fit(softKmeansPlugin, data, { k: 3, c: 0.7 }, { seed: 5 });
    const json = JSON.parse(JSON.stringify(softKmeansPlugin.toJSON(r.params, r.options))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['k', 'c', 'initMethod', 'means']);
    expect(json.c).toBe(0.7);
    const back = softKmeansPlugin.fromJSON(json);
    expect(Array.from(softKmeansPlugin.scoreSamples(back.params, data))).toEqual(Array.from(softKmeansPlugin.scoreSamples(r.params, data)));
    expect(Array.from(softKmeansPlugin.responsibilities(back.params, data))).toEqual(Array.from(softKmeansPlugin.responsibilities(r.params, data)));
    expect(back.options.c).toBe(0.7);
    expect(() => softKmeansPlugin.fromJSON({ ...json, c: -1 })).toThrow(ModelFileError);
    expect(() => softKmeansPlugin.fromJSON({ ...json, c: -1 })).toThrow(/c/);
    expect(() => softKmeansPlugin.fromJSON({ ...json, means: [[0, 0, 0]] })).toThrow(/means/);
    expect(() => softKmeansPlugin.fromJSON({ ...json, initMethod: 'best' })).toThrow(/initMethod/);
  });

  it('the log-likelihood is that of the equal-weight mixture with variance c', () => {
    const { params } = softKmeansPlugin.fromJSON({ k: 2, c: 0.5, means: [[0], [3]] });
    const data = createDataset(Float64Array.of(1), 1, 1);
    const normal = (x: number, m: number) => Math.exp(-((x - m) ** 2) / (2 * 0.5)) / Math.sqrt(2 * Math.PI * 0.5);
    expect(softKmeansPlugin.scoreSamples(params, data)[0]).toBeCloseTo(Math.log(0.5 * normal(1, 0) + 0.5 * normal(1, 3)), 14);
    const r = softKmeansPlugin.responsibilities(params, data);
    // r_0 = 1 / (1 + exp((‖x − μ_0‖² − ‖x − μ_1‖²) / 2c)) = 1 / (1 + e^(−3))
    expect(r[0]).toBeCloseTo(1 / (1 + Math.exp(-3)), 14);
  });
});
