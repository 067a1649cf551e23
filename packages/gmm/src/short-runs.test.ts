import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDataset, fit, totalWeight, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { initialParams } from './init.js';
import { createStats, eStepRows, estimateParameters } from './estimate.js';
import { CONTINUE_MAX_ITER, CONTINUE_TOL, degenerateScatter, sampleRows, shortRunsStart, thinRows } from './short-runs.js';
import type { GmmParams } from './params.js';
import { readMclustFixture } from './test-support/fixtures.js';

const fx = readMclustFixture('diabetes');
const diabetes = createDataset(Float64Array.from(fx.data), fx.n, fx.d);

function meanLogLikelihood(params: GmmParams, data: Dataset): number {
  return eStepRows(params, data, 0, data.rows, createStats(params)) / totalWeight(data);
}

function blobs(seed: number, n: number, d: number, groups: number): Dataset {
  const random = new Random(seed);
  const centres = Array.from({ length: groups }, () => Array.from({ length: d }, () => 5 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % groups][c] + random.nextNormal();
  return createDataset(values, n, d);
}

describe("initMethod 'emEM': many short EM runs, the best few continued", () => {
  it('reports each short run, then each continued run, and reporting does not change the start', () => {
    const data = blobs(4, 90, 2, 3);
    const options = gmmPlugin.parseOptions({ k: 3, initMethod: 'emEM', shortRuns: 5, shortRunIterations: 3, shortRunsKept: 2 });
    const steps: string[] = [];
    const reported = gmmPlugin.init(data, options, new Random(2), { onProgress: (p) => steps.push(`${p.method} ${p.done}/${p.total} ${p.unit}`) });
    const silent = gmmPlugin.init(data, options, new Random(2));
    expect(steps).toEqual([1, 2, 3, 4, 5].map((r) => `emEM short runs ${r}/5 runs`).concat(['emEM best runs continued 1/2 runs', 'emEM best runs continued 2/2 runs']));
    expect(Array.from(reported.means)).toEqual(Array.from(silent.means));
    expect(Array.from(reported.covariances)).toEqual(Array.from(silent.covariances));
  });

  it('is a pure function of data, options and seed: the same seed gives the same bits (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom('full', 'VEI', 'EII', 'tied'), (seed, k, covariance) => {
        const data = blobs(seed, 60, 2, 3);
        const options = gmmPlugin.parseOptions({ k, covariance, initMethod: 'emEM', shortRuns: 6, shortRunIterations: 3, shortRunsKept: 2 });
        const a = initialParams(data, options, new Random(seed));
        const b = initialParams(data, options, new Random(seed));
        expect(Array.from(b.means)).toEqual(Array.from(a.means));
        expect(Array.from(b.covariances)).toEqual(Array.from(a.covariances));
        expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
        expect(a.iteration).toBe(0);
      }),
      { numRuns: 20 },
    );
  });

  it('one run, kept: the hc start continued until the mean log-likelihood moves by at most CONTINUE_TOL', () => {
    const options = gmmPlugin.parseOptions({ k: 3, covariance: 'VVV', initMethod: 'emEM', shortRuns: 1, shortRunIterations: 0, shortRunsKept: 1 });
    const start = initialParams(diabetes, options, new Random(5));
    // by hand: the hc start, then EM until the change is at most CONTINUE_TOL
    let params = initialParams(diabetes, { ...options, initMethod: 'hc' }, new Random(0));
    let previous = -Infinity;
    for (let it = 0; it <= CONTINUE_MAX_ITER; it++) {
      const stats = createStats(params);
      const mean = eStepRows(params, diabetes, 0, diabetes.rows, stats) / totalWeight(diabetes);
      if (it === CONTINUE_MAX_ITER || Math.abs(mean - previous) <= CONTINUE_TOL) break;
      previous = mean;
      params = estimateParameters(params, stats, { ...options, totalWeight: totalWeight(diabetes) });
    }
    expect(Array.from(start.means)).toEqual(Array.from(params.means));
    expect(Array.from(start.covariances)).toEqual(Array.from(params.covariances));
  });

  it('with every run continued, starts at least as high as the hc run alone, on diabetes for every K ≤ 5', () => {
    for (let k = 1; k <= 5; k++) {
      const options = gmmPlugin.parseOptions({ k, covariance: 'VVV', initMethod: 'emEM', shortRuns: 4, shortRunsKept: 4 });
      const start = meanLogLikelihood(initialParams(diabetes, options, new Random(0)), diabetes);
      const single = meanLogLikelihood(initialParams(diabetes, { ...options, shortRuns: 1, shortRunsKept: 1 }, new Random(0)), diabetes);
      expect(start, `K=${k}`).toBeGreaterThanOrEqual(single - 1e-12);
    }
  });

  it('runs that fail are dropped; when every run fails the fit reports it as a failed restart', async () => {
    // Two distinct rows, three components, regCovar 0: every start has a component on one row.
    const tiny = createDataset(Float64Array.of(0, 0, 0, 0, 1, 1), 3, 2);
    await expect(fit(gmmPlugin, tiny, { k: 3, regCovar: 0, initMethod: 'emEM', shortRuns: 4 }, { restarts: 2 })).rejects.toThrow(/all 2 restarts failed — restart 1 .*singular/);
    // diabetes, K = 6, regCovar 0: whichever short runs collapse are dropped; the fit succeeds.
    const r = await fit(gmmPlugin, diabetes, { k: 6, regCovar: 0, initMethod: 'emEM' }, { seed: 1 });
    expect(r.failedRestarts).toEqual([]);
    expect(Number.isFinite(r.logLikelihood)).toBe(true);
  });

  it('sampleRows: m distinct rows in data order, each with its weight and missing cells (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e6 }), (n, mRaw, seed) => {
        const m = Math.min(n, mRaw);
        const d = 2;
        // Row i holds (i, −i), weight i + 1, and its second cell missing when i is odd.
        const values = Float64Array.from({ length: n * d }, (_, c) => (c % 2 === 0 ? c / 2 : (c - 1) % 4 === 0 ? -(c - 1) / 2 : Number.NaN));
        const missing = Uint8Array.from({ length: n * d }, (_, c) => (c % 2 === 1 && (c - 1) % 4 !== 0 ? 1 : 0));
        const data = createDataset(values, n, d, { weights: Float64Array.from({ length: n }, (_, i) => i + 1), missing });
        const sample = sampleRows(data, m, new Random(seed));
        expect(sample.rows).toBe(m);
        const rows = Array.from({ length: m }, (_, i) => sample.values[i * d]);
        for (let i = 1; i < m; i++) expect(rows[i]).toBeGreaterThan(rows[i - 1]);
        rows.forEach((row, i) => {
          expect(sample.weights![i]).toBe(row + 1);
          expect(sample.missing?.[i * d + 1] ?? 0).toBe(row % 2);
          if (row % 2 === 0) expect(sample.values[i * d + 1]).toBe(-row);
        });
      }),
    );
  });

  it('beyond shortRunRows rows the runs fit a sample: the start is the seed’s, carries all rows’ weight, and EM from it reaches the full-data runs’ optimum (to the tolerance)', async () => {
    const data = blobs(7, 400, 2, 3);
    const settings = { k: 3, initMethod: 'emEM', shortRuns: 6, shortRunsKept: 2 } as const;
    const options = gmmPlugin.parseOptions({ ...settings, shortRunRows: 100 });
    const a = initialParams(data, options, new Random(3));
    const b = initialParams(data, options, new Random(3));
    expect(Array.from(b.means)).toEqual(Array.from(a.means));
    expect(a.totalWeight).toBe(totalWeight(data));
    // Not the full-data start: the sample made a difference.
    const full = initialParams(data, { ...options, shortRunRows: 400 }, new Random(3));
    expect(Array.from(full.means)).not.toEqual(Array.from(a.means));
    const sampled = await fit(gmmPlugin, data, { ...settings, shortRunRows: 100 }, { seed: 3 });
    const unsampled = await fit(gmmPlugin, data, { ...settings, shortRunRows: 400 }, { seed: 3 });
    // Stopped at tol 1e-6 on the mean: the two agree to about N·1e-6, far from another local optimum.
    expect(Math.abs(sampled.logLikelihood - unsampled.logLikelihood)).toBeLessThan(1e-5 * Math.abs(unsampled.logLikelihood));
  });

  it('refuses bad settings with the option named', () => {
    expect(() => gmmPlugin.parseOptions({ k: 2, initMethod: 'emEM', shortRuns: 0 })).toThrow(/shortRuns/);
    expect(() => gmmPlugin.parseOptions({ k: 2, initMethod: 'emEM', shortRunsKept: 1.5 })).toThrow(/shortRunsKept/);
    expect(() => gmmPlugin.parseOptions({ k: 2, hcModel: 'VEV' })).toThrow(/hcModel/);
    expect(() => gmmPlugin.parseOptions({ k: 2, initMethod: 'emEM', shortRunRows: 0 })).toThrow(/shortRunRows/);
  });
  it('ranks a spurious maximiser (a component on fewer rows than its covariance needs) after every other run, though its likelihood is higher', () => {
    // Two blobs of 60 rows in 13 dimensions, K = 3. The spurious start puts a full-covariance
    // component on 5 rows of the first blob: only regCovar keeps it positive definite, and its
    // likelihood beats the honest three-component fits by hundreds of nats.
    const d = 13;
    const data = blobs(11, 120, d, 2);
    const spike = [0, 2, 4, 6, 8];
    const mean = (rows: number[]) => Array.from({ length: d }, (_, c) => rows.reduce((sum, i) => sum + data.values[i * d + c], 0) / rows.length);
    const spikeMean = mean(spike);
    const spikeCovariance = Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b) => spike.reduce((sum, i) => sum + (data.values[i * d + a] - spikeMean[a]) * (data.values[i * d + b] - spikeMean[b]), 0) / spike.length + (a === b ? 1e-6 : 0)),
    );
    const identity = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? 1 : 0)));
    const blobRows = (g: number) => Array.from({ length: 60 }, (_, q) => 2 * q + g);
    const options = gmmPlugin.parseOptions({ k: 3, covariance: 'full' });
    const spurious = gmmPlugin.parseOptions({ k: 3, covariance: 'full', init: { weights: [0.45, 0.5, 0.05], means: [mean(blobRows(0)), mean(blobRows(1)), spikeMean], covariances: [identity, identity, spikeCovariance] } });
    // Run 0 (the hc slot) starts spurious, the others from k-means.
    const start = (sample: Dataset, o: typeof options, random: Random) => (o.initMethod === 'hc' ? initialParams(sample, { ...spurious, initMethod: 'hc' }, random) : initialParams(sample, { ...o, initMethod: 'kmeans' }, random));
    const settings = { runs: 3, iterations: 5, kept: 3, rows: 1e9 };
    const chosen = shortRunsStart(data, options, settings, new Random(1), start);
    const alone = shortRunsStart(data, options, { ...settings, runs: 1, kept: 1 }, new Random(1), start);
    // Alone, the spurious run is taken (there is nothing else), and it is the higher.
    expect(Math.min(...alone.weights) * 120).toBeLessThan(d + 1);
    expect(meanLogLikelihood(alone, data)).toBeGreaterThan(meanLogLikelihood(chosen, data) + 1);
    for (const w of chosen.weights) expect(w * 120).toBeGreaterThanOrEqual(d + 1);
  });

  it('thinRows: D + 1 where shape and orientation are the component’s own, 2 where its volume or shape is, none where all is shared', () => {
    expect(thinRows('full', 13)).toBe(14);
    expect(thinRows('EVV', 4)).toBe(5);
    expect(['diag', 'spherical', 'VEI', 'EVI', 'VEE', 'EVE', 'VVE', 'VEV'].map((t) => thinRows(t as 'diag', 13))).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(['EII', 'EEI', 'tied', 'EEV'].map((t) => thinRows(t as 'EII', 13))).toEqual([0, 0, 0, 0]);
  });
  it("ranks last a run with a component on rows tied in a rounded column (faithful's waiting times), so full K = 4, VEV K = 5 and VVE K = 6 keep every component spread", () => {
    const faithfulFixture = readMclustFixture('faithful');
    const faithful = createDataset(Float64Array.from(faithfulFixture.data), faithfulFixture.n, faithfulFixture.d);
    for (const [k, covariance] of [[4, 'full'], [5, 'VEV'], [6, 'VVE']] as const) {
      const params = initialParams(faithful, gmmPlugin.parseOptions({ k, covariance }), new Random(0));
      const stats = createStats(params);
      eStepRows(params, faithful, 0, faithful.rows, stats);
      expect(degenerateScatter(params, stats, Float64Array.of(1.14, 13.6)), `${covariance} K=${k}`).toBe(false);
    }
  });

  it('degenerateScatter: a component whose rows share one value of a column, or span fewer dimensions than D, is degenerate; spread ones are not', () => {
    // 2-D: component 0 on rows spread in both coordinates, component 1 on rows all at y = 80.
    const rows = [
      [1, 10], [2, 14], [3, 11], [4, 16], [5, 12],
      [4.1, 80], [4.5, 80], [4.3, 80], [4.8, 80], [4.6, 80],
    ];
    const data = createDataset(Float64Array.from(rows.flat()), rows.length, 2);
    const hard = (covariance: 'full' | 'diag' | 'VEV', ys: number[]) => {
      const params = initialParams(data, gmmPlugin.parseOptions({ k: 2, covariance, init: { means: [[3, 12], [4.5, ys[0]]] } }), new Random(0));
      const stats = createStats(params);
      eStepRows(params, data, 0, data.rows, stats);
      return { params, stats };
    };
    for (const covariance of ['full', 'diag', 'VEV'] as const) {
      const { params, stats } = hard(covariance, [80]);
      expect(degenerateScatter(params, stats, Float64Array.of(1.41, 30)), covariance).toBe(true);
    }
    // The same rows with the second component's y spread a little: not degenerate.
    const spread = rows.map(([x, y], i) => [x, i >= 5 ? y + (i % 3) - 1 : y]);
    const spreadData = createDataset(Float64Array.from(spread.flat()), spread.length, 2);
    const params = initialParams(spreadData, gmmPlugin.parseOptions({ k: 2, covariance: 'full', init: { means: [[3, 12], [4.5, 80]] } }), new Random(0));
    const stats = createStats(params);
    eStepRows(params, spreadData, 0, spreadData.rows, stats);
    expect(degenerateScatter(params, stats, Float64Array.of(1.41, 30))).toBe(false);
    // Three rows on a line in 3-D under a full covariance: a rank-1 scatter.
    const line = createDataset(Float64Array.from([0, 0, 0, 1, 2, 3, 2, 4, 6, 10, 10, 10, 11, 12, 10, 10, 11, 13, 12, 10, 11]), 7, 3);
    const lineParams = initialParams(line, gmmPlugin.parseOptions({ k: 2, covariance: 'full', regCovar: 1e-6, init: { means: [[1, 2, 3], [11, 11, 11]] } }), new Random(0));
    const lineStats = createStats(lineParams);
    eStepRows(lineParams, line, 0, line.rows, lineStats);
    expect(degenerateScatter(lineParams, lineStats, Float64Array.of(5, 5, 5))).toBe(true);
  });
});
