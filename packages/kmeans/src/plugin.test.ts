import { hasErrorCode, createDataset, datasetFromRows, fit, modelFileFromFit, readModelFile } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { describe, expect, it } from 'vitest';
import { inertia, lloyd } from './lloyd.js';
import { kmeansPlugin, resolveAlgorithm } from './plugin.js';

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (hasErrorCode(error, 'option') || hasErrorCode(error, 'model-file')) return error.field;
    throw error;
  }
  throw new Error('expected an error');
}

const blobs = datasetFromRows([
  [0, 0],
  [0.5, 0.2],
  [0.1, 0.6],
  [10, 10],
  [10.4, 9.8],
  [9.7, 10.3],
  [20, 0],
  [20.5, 0.4],
]);

describe('empty clusters', () => {
  it('an init centre far from all data ends with no empty cluster', async () => {
    const init = { centers: [[0, 0], [10, 10], [1e6, -1e6]] };
    const result = await fit(kmeansPlugin, blobs, { k: 3, init });
    const labels = kmeansPlugin.predict(result.params, blobs);
    expect(new Set(labels).size).toBe(3);
    // The far centre took the row farthest from its centre (the [20, 0] group) and settled there.
    expect(Array.from(labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
    expect(Array.from(result.params.centers.subarray(4))).toEqual([20.25, 0.2]);
  });

  it("scikit-learn's relocation test: weighted rows, centre outside the data", async () => {
    // sklearn test_kmeans_empty_cluster_relocated: X = [[-1], [1]], weights [1.9, 0.1], init [[-1], [10]].
    const data = createDataset(Float64Array.of(-1, 1), 2, 1, { weights: [1.9, 0.1] });
    const result = await fit(kmeansPlugin, data, { k: 2, init: { centers: [[-1], [10]] } });
    expect(new Set(kmeansPlugin.predict(result.params, data)).size).toBe(2);
    expect(Array.from(result.params.centers)).toEqual([-1, 1]);
  });

  it('breaks distance ties by the lower row index, whatever the shards', async () => {
    // Rows 0 (at 1) and 2 (at −1) are equally far from centre 0 (at 0); row 0 goes to the empty cluster.
    const data = datasetFromRows([[1], [0], [-1]]);
    for (const shardRows of [1, 2, 3]) {
      const result = await fit(kmeansPlugin, data, { k: 2, init: { centers: [[0], [1000]] } }, { maxIter: 1, shardRows });
      expect(Array.from(result.params.centers)).toEqual([-0.5, 1]);
    }
  });

  it('relocates several empty clusters onto distinct rows, the farthest first', async () => {
    const data = datasetFromRows([[0], [1], [2], [3], [10], [30]]);
    // Clusters 1 and 2 start empty; the rows farthest from centre 0 (at 0) are 30 then 10.
    const lloydResult = lloyd(data, Float64Array.of(0, 1000, 2000), 3, { maxIter: 1 });
    expect(Array.from(lloydResult.centers)).toEqual([1.5, 30, 10]);
  });
});

describe('fit behaviour', () => {
  it('reports −inertia as the log-likelihood, has no BIC, and inertia() agrees', async () => {
    const result = await fit(kmeansPlugin, blobs, { k: 3 }, { seed: 7, restarts: 3 });
    expect(result.parameterCount).toBeNull();
    expect(result.bic).toBeNull();
    expect(result.aic).toBeNull();
    expect(inertia(result.params, blobs)).toBe(-result.logLikelihood);
    const scores = kmeansPlugin.scoreSamples(result.params, blobs);
    expect(scores.reduce((s, x) => s + x, 0)).toBeCloseTo(result.logLikelihood, 12);
    expect(new Set(kmeansPlugin.predict(result.params, blobs)).size).toBe(3);
  });

  it('responsibilities are one-hot rows at the predicted cluster', async () => {
    const result = await fit(kmeansPlugin, blobs, { k: 3, initMethod: 'random' }, { seed: 1 });
    const labels = kmeansPlugin.predict(result.params, blobs);
    const r = kmeansPlugin.responsibilities(result.params, blobs);
    expect(kmeansPlugin.components(result.params)).toBe(3);
    expect(r.length).toBe(blobs.rows * 3);
    for (let i = 0; i < blobs.rows; i++) for (let j = 0; j < 3; j++) expect(r[i * 3 + j]).toBe(j === labels[i] ? 1 : 0);
  });

  it('stops on the relative centre shift: a larger tol stops earlier', async () => {
    const rows: number[][] = [];
    const random = new Random(3);
    for (let i = 0; i < 300; i++) rows.push([random.nextNormal() * 3 + (i % 3) * 4, random.nextNormal()]);
    const data = datasetFromRows(rows);
    const init = { centers: [rows[0], rows[1], rows[2]] };
    const strict = await fit(kmeansPlugin, data, { k: 3, init }, { tol: 0 });
    const loose = await fit(kmeansPlugin, data, { k: 3, init }, { tol: 1e-1 });
    expect(strict.converged).toBe(true);
    expect(loose.iterations).toBeLessThan(strict.iterations);
    // The same data scaled by 1000 takes the same path: the tolerance is relative to the data variance.
    const scaled = datasetFromRows(rows.map((r) => r.map((x) => x * 1024)));
    const scaledInit = { centers: init.centers.map((r) => r.map((x) => x * 1024)) };
    const looseScaled = await fit(kmeansPlugin, scaled, { k: 3, init: scaledInit }, { tol: 1e-1 });
    expect(looseScaled.iterations).toBe(loose.iterations);
  });

  it('stops at maxIter without claiming convergence', async () => {
    const result = await fit(kmeansPlugin, blobs, { k: 3, init: { centers: [[0, 0], [0.5, 0.2], [0.1, 0.6]] } }, { maxIter: 1 });
    expect(result.iterations).toBe(1);
    expect(result.converged).toBe(false);
  });
});

describe('tolerance scale', () => {
  it('is the mean over columns of the (weighted, population) column variances', () => {
    const random = new Random(0);
    expect(kmeansPlugin.init(datasetFromRows([[0, 0], [2, 4]]), kmeansPlugin.parseOptions({ k: 1 }), random).dataVariance).toBe(2.5);
    const weighted = createDataset(Float64Array.of(0, 0, 2, 4, 7, 7), 3, 2, { weights: [3, 1, 0] });
    // Rows (0,0)×3 and (2,4)×1: variances 0.75 and 3.
    expect(kmeansPlugin.init(weighted, kmeansPlugin.parseOptions({ k: 1 }), random).dataVariance).toBeCloseTo(1.875, 14);
  });
});

describe('options', () => {
  const parse = (raw: unknown) => () => kmeansPlugin.parseOptions(raw);

  it('fills in defaults and ignores extra init fields', () => {
    expect(kmeansPlugin.parseOptions({ k: 2 })).toEqual({ k: 2, init: null, initMethod: 'kmeans++', algorithm: 'auto' });
    const o = kmeansPlugin.parseOptions({ k: 2, init: { centers: [[1, 2], [3, 4]], centerIndices: [5, 6] }, initMethod: 'random' });
    expect(o.init).toEqual({ centers: Float64Array.of(1, 2, 3, 4), cols: 2 });
    expect(o.initMethod).toBe('random');
  });

  it('names the offending field', () => {
    expect(fieldOf(parse({}))).toBe('k');
    expect(fieldOf(parse(undefined))).toBe('k');
    expect(fieldOf(parse({ k: 0 }))).toBe('k');
    expect(fieldOf(parse({ k: 1.5 }))).toBe('k');
    expect(fieldOf(parse({ k: '3' }))).toBe('k');
    expect(fieldOf(parse({ k: 2, initMethod: 'forgy' }))).toBe('initMethod');
    expect(fieldOf(parse({ k: 2, init: [[1], [2]] }))).toBe('init');
    expect(fieldOf(parse({ k: 2, init: { centers: [[1, 2]] } }))).toBe('init.centers');
    expect(fieldOf(parse({ k: 2, init: { centers: [[1, 2], [3]] } }))).toBe('init.centers[1]');
    expect(fieldOf(parse({ k: 2, init: { centers: [[1, 2], [3, 'x']] } }))).toBe('init.centers[1][1]');
    expect(fieldOf(parse({ k: 2, init: {} }))).toBe('init.centers');
  });

  it('checks the init centres and k against the data when a fit starts', async () => {
    await expect(fit(kmeansPlugin, blobs, { k: 2, init: { centers: [[1], [2]] } })).rejects.toMatchObject({ field: 'init.centers' });
    await expect(fit(kmeansPlugin, blobs, { k: 9 })).rejects.toMatchObject({ field: 'k' });
    const weighted = createDataset(Float64Array.of(1, 2, 3), 3, 1, { weights: [1, 0, 1] });
    await expect(fit(kmeansPlugin, weighted, { k: 3, initMethod: 'random' })).rejects.toMatchObject({ field: 'k' });
  });

  it('describes k, init, initMethod, algorithm and kernels for user interfaces', () => {
    expect(kmeansPlugin.optionSpecs.map((s) => [s.name, s.type])).toEqual([
      ['k', 'integer'],
      ['init', 'json'],
      ['initMethod', 'string'],
      ['algorithm', 'string'],
      ['kernels', 'string'],
    ]);
  });

  it('rejects an unknown kernels choice naming the option', () => {
    expect(() => kmeansPlugin.parseOptions({ k: 2, kernels: 'gpu' })).toThrow(/kernels/);
  });
});

describe('model files', () => {
  it('round-trips through toJSON / fromJSON', async () => {
    const result = await fit(kmeansPlugin, blobs, { k: 3, initMethod: 'random' }, { seed: 2 });
    const file = JSON.parse(JSON.stringify(modelFileFromFit(kmeansPlugin, result)));
    expect(file).toMatchObject({ model: 'kmeans', k: 3, initMethod: 'random', iterations: result.iterations });
    expect(file.centers).toHaveLength(3);
    const { params, options } = readModelFile(kmeansPlugin, file);
    expect(params).toEqual(result.params);
    expect(options).toEqual({ k: 3, init: null, initMethod: 'random', algorithm: 'auto' });
    expect(kmeansPlugin.predict(params, blobs)).toEqual(kmeansPlugin.predict(result.params, blobs));
  });

  it('reads a hand-written file with only k and centers', () => {
    const { params, options } = kmeansPlugin.fromJSON({ k: 2, centers: [[0, 0], [10, 10]] });
    expect(params).toEqual({ k: 2, cols: 2, centers: Float64Array.of(0, 0, 10, 10), dataVariance: 1, algorithm: resolveAlgorithm('auto', 2, 2) });
    expect(options.initMethod).toBe('kmeans++');
  });

  it('names the offending field', () => {
    const from = (json: Record<string, unknown>) => () => kmeansPlugin.fromJSON(json);
    expect(fieldOf(from({ centers: [[0]] }))).toBe('k');
    expect(fieldOf(from({ k: 0, centers: [[0]] }))).toBe('k');
    expect(fieldOf(from({ k: 1 }))).toBe('centers');
    expect(fieldOf(from({ k: 2, centers: [[0, 1]] }))).toBe('centers');
    expect(fieldOf(from({ k: 2, centers: [[0, 1], [2, null]] }))).toBe('centers[1][1]');
    expect(fieldOf(from({ k: 1, centers: [[0]], initMethod: 'x' }))).toBe('initMethod');
    expect(fieldOf(from({ k: 1, centers: [[0]], dataVariance: -1 }))).toBe('dataVariance');
  });
});

describe('lloyd', () => {
  it('checks its arguments', () => {
    expect(fieldOf(() => lloyd(blobs, Float64Array.of(0, 0, 1), 2))).toBe('init.centers');
    expect(fieldOf(() => lloyd(blobs, Float64Array.of(0, 0), 1, { maxIter: 0 }))).toBe('maxIter');
    expect(fieldOf(() => lloyd(blobs, Float64Array.of(0, 0), 1, { tol: -1 }))).toBe('tol');
  });

  it('does not modify the initial centres', () => {
    const init = Float64Array.of(0, 0, 10, 10, 20, 0);
    const copy = init.slice();
    const result = lloyd(blobs, init, 3);
    expect(init).toEqual(copy);
    expect(Array.from(result.labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
    expect(result.inertia).toBeCloseTo(inertia({ k: 3, cols: 2, centers: result.centers, dataVariance: 0 }, blobs), 12);
  });
});
