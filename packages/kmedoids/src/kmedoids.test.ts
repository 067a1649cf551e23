import { hasErrorCode, FitError, ModelFileError, createDataset, datasetFromRows, fit, modelFileFromFit, readModelFile, sliceRows } from '@emkit/core';
import { kmeansPlugin } from '@emkit/kmeans';
import { Random } from '@emkit/linalg';
import { describe, expect, it } from 'vitest';
import { alternateLayout } from './alternate.js';
import { agreement, gaussianBlobs, readFixtureCsv, readFixtureJson, samePartition } from './fixtures.test-helpers.js';
import { kmedoids, pam, totalCost } from './fit.js';
import { buildMedoids, kmedoidsPlusPlus } from './init.js';
import { kmedoidsPlugin } from './plugin.js';

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (hasErrorCode(error, 'option') || hasErrorCode(error, 'model-file')) return error.field;
    throw error;
  }
  throw new Error('expected an error');
}

const three = datasetFromRows([
  [0, 0],
  [10, 10],
  [0.5, 0.2],
  [20, 0],
  [10.4, 9.8],
  [0.1, 0.6],
  [9.7, 10.3],
  [20.5, 0.4],
  [19.8, -0.3],
]);
const threeTruth = [0, 1, 0, 2, 1, 0, 1, 2, 2];

describe('recovers obvious clusters', () => {
  for (const method of ['alternate', 'pam'] as const) {
    for (const metric of ['euclidean', 'sqeuclidean', 'manhattan'] as const) {
      it(`${method}, ${metric}: three separated groups`, async () => {
        const result = await fit(kmedoidsPlugin, three, { k: 3, method, metric }, { seed: 3, restarts: 2 });
        expect(samePartition(kmedoidsPlugin.predict(result.params, three), threeTruth)).toBe(true);
        // Each medoid is its group's row of least total distance to the others (worked out by hand).
        expect(Array.from(result.params.medoidIndices).sort((a, b) => a - b)).toEqual(metric === 'manhattan' ? [0, 1, 3] : [1, 2, 3]);
      });
    }
  }

  it('generated blobs: both methods find the generating partition; PAM from BUILD, alternate from k-medoids++', () => {
    const { data, truth } = gaussianBlobs([[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8]], 150, 1, 11);
    const a = kmedoids(data, 4, { seed: 5 });
    const p = pam(data, 4);
    expect(samePartition(a.labels, truth)).toBe(true);
    expect(samePartition(p.labels, truth)).toBe(true);
    expect(p.cost).toBeLessThanOrEqual(a.cost * (1 + 1e-12));
  });

  it('blobs.csv: the same clusters as scikit-learn’s k-means (≥ 99 % of rows), PAM cost ≤ alternate cost', () => {
    const data = readFixtureCsv('blobs');
    const reference = readFixtureJson<{ sklearn: { labels: number[]; inertia: number } }>('kmeans-blobs');
    const alternate = kmedoids(data, 3, { seed: 0 });
    const fromBuild = pam(data, 3);
    const sq = pam(data, 3, { metric: 'sqeuclidean' });
    expect(agreement(alternate.labels, reference.sklearn.labels, 3)).toBeGreaterThanOrEqual(0.99);
    expect(agreement(fromBuild.labels, reference.sklearn.labels, 3)).toBeGreaterThanOrEqual(0.99);
    expect(fromBuild.cost).toBeLessThanOrEqual(alternate.cost * (1 + 1e-12));
    // With squared distances k-medoids is k-means restricted to rows: a little above its inertia.
    expect(sq.cost).toBeGreaterThanOrEqual(reference.sklearn.inertia);
    expect(sq.cost / reference.sklearn.inertia).toBeLessThan(1.02);
  });
});

describe('PAM versus the alternating method from the same start', () => {
  it('is not a theorem: on 9 integers PAM stops on a plateau at cost 13, the alternating method reaches 11', () => {
    // Rows 8 (x = 4) and 4 (x = 5) as the start, Manhattan (= absolute) distance.
    const data = datasetFromRows([[0], [6], [3], [9], [5], [1], [7], [3], [4]]);
    const alternate = kmedoids(data, 2, { init: [8, 4], metric: 'manhattan' });
    const swaps = pam(data, 2, { init: [8, 4], metric: 'manhattan' });
    expect(alternate.cost).toBe(11);
    expect(Array.from(alternate.medoids)).toEqual([3, 6]);
    expect(swaps.cost).toBe(13);
    expect(Array.from(swaps.medoids).sort()).toEqual([0, 5]);
    // Every single swap from {0, 5} costs ≥ 13 (two of them exactly 13): PAM cannot move; the
    // alternating method moved both medoids at once. From BUILD, PAM finds 11.
    expect(pam(data, 2, { metric: 'manhattan' }).cost).toBe(11);
  });
});

describe('BUILD and seeding', () => {
  it('BUILD starts from the 1-median and adds the row that lowers the cost most', () => {
    const data = datasetFromRows([[0], [1], [2], [10], [11], [30]]);
    // Σ|x − c| is least at c = 2 (row 2, cost 50); adding 30 gives cost 20 (10: 24, 11: 23);
    // then 10 and 11 both give 4, and the lower row wins.
    expect(Array.from(buildMedoids(data, 1, 'manhattan'))).toEqual([2]);
    expect(Array.from(buildMedoids(data, 2, 'manhattan'))).toEqual([2, 5]);
    expect(Array.from(buildMedoids(data, 3, 'manhattan'))).toEqual([2, 5, 3]);
  });

  it('never picks a row of weight 0', () => {
    const data = createDataset(Float64Array.of(0, 1, 2, 100, 101), 5, 1, { weights: [1, 0, 1, 0, 1] });
    expect(Array.from(buildMedoids(data, 3, 'euclidean')).sort()).toEqual([0, 2, 4]);
    for (let seed = 0; seed < 20; seed++) expect(Array.from(kmedoidsPlusPlus(data, 3, new Random(seed))).sort()).toEqual([0, 2, 4]);
  });

  it('k-medoids++ maps duplicate rows to distinct indices', () => {
    const data = datasetFromRows([[1], [1], [1], [2]]);
    for (let seed = 0; seed < 20; seed++) expect(new Set(kmedoidsPlusPlus(data, 4, new Random(seed))).size).toBe(4);
  });
});

describe('fit behaviour', () => {
  it('reports −cost as the log-likelihood, no BIC, one-hot responsibilities; totalCost agrees', async () => {
    const result = await fit(kmedoidsPlugin, three, { k: 3 }, { seed: 1 });
    expect(result.parameterCount).toBeNull();
    expect(result.bic).toBeNull();
    expect(totalCost(result.params, three)).toBeCloseTo(-result.logLikelihood, 12);
    const labels = kmedoidsPlugin.predict(result.params, three);
    const r = kmedoidsPlugin.responsibilities(result.params, three);
    expect(kmedoidsPlugin.components(result.params)).toBe(3);
    for (let i = 0; i < three.rows; i++) for (let j = 0; j < 3; j++) expect(r[i * 3 + j]).toBe(j === labels[i] ? 1 : 0);
  });

  it('weights count rows: a row of weight 4 pulls the medoid like four copies', () => {
    // Costs of the medoid 0, 1, 2, 3: 15, 10, 7, 6 (unweighted the medoid would be 1 or 2).
    const data = createDataset(Float64Array.of(0, 1, 2, 3), 4, 1, { weights: [1, 1, 1, 4] });
    const result = kmedoids(data, 1, { init: [0], metric: 'manhattan' });
    expect(Array.from(result.medoidIndices)).toEqual([3]);
    expect(result.cost).toBe(3 + 2 + 1);
  });

  it('a given start: indices, or a k-means fixture’s centerIndices', async () => {
    const data = readFixtureCsv('blobs');
    const init = readFixtureJson<{ init: { centers: number[][]; centerIndices: number[] } }>('kmeans-blobs').init;
    const result = await fit(kmedoidsPlugin, data, { k: 3, init, method: 'pam' }, { maxIter: 1 });
    expect(Array.from(result.params.medoidIndices)).not.toEqual(init.centerIndices); // one swap made
    const start = kmedoidsPlugin.init(data, kmedoidsPlugin.parseOptions({ k: 3, init }), new Random(0));
    expect(Array.from(start.medoidIndices)).toEqual(init.centerIndices);
    expect(Array.from(start.medoids)).toEqual(init.centers.flat());
  });

  it('predicts new rows by their nearest medoid', async () => {
    const result = await fit(kmedoidsPlugin, three, { k: 3, method: 'pam' });
    const labels = kmedoidsPlugin.predict(result.params, three);
    const fresh = datasetFromRows([[1, 1], [9, 9], [21, 1]]);
    expect(Array.from(kmedoidsPlugin.predict(result.params, fresh))).toEqual([labels[0], labels[1], labels[3]]);
    expect(Array.from(kmedoidsPlugin.scoreSamples(result.params, datasetFromRows([[0.5, 0.2]])))).toEqual([-0]);
  });

  it('refuses a copy of one shard (the E-step needs every row)', () => {
    const params = kmedoidsPlugin.init(three, kmedoidsPlugin.parseOptions({ k: 2 }), new Random(0));
    const shard = sliceRows(three, { start: 4, end: 9 });
    expect(() => kmedoidsPlugin.eStep(params, shard, { start: 0, end: 5 }, kmedoidsPlugin.createStats(params, 2))).toThrow(FitError);
  });

  it('maxCandidates bounds the statistics and still reaches a good cost', async () => {
    const { data } = gaussianBlobs([[0, 0], [6, 0], [0, 6]], 200, 1, 2);
    const exact = kmedoids(data, 3, { seed: 4 });
    const sampled = await fit(kmedoidsPlugin, data, { k: 3, maxCandidates: 40 }, { seed: 4 });
    expect(kmedoidsPlugin.createStats(sampled.params, 2).length).toBeLessThanOrEqual(alternateLayout(43, 2).length);
    expect(kmedoidsPlugin.createStats(kmedoidsPlugin.init(data, kmedoidsPlugin.parseOptions({ k: 3 }), new Random(0)), 2).length).toBe(alternateLayout(600, 2).length);
    expect(-sampled.logLikelihood / exact.cost).toBeLessThan(1.01);
    expect(sampled.monotonicityViolations).toEqual([]);
  });

  it('with tol > 0 stops once an iteration lowers the mean cost by less than tol', async () => {
    const { data } = gaussianBlobs([[0, 0], [3, 0], [0, 3], [3, 3]], 100, 1.2, 9);
    const exact = await fit(kmedoidsPlugin, data, { k: 4, initMethod: 'random', method: 'pam' }, { seed: 2 });
    const loose = await fit(kmedoidsPlugin, data, { k: 4, initMethod: 'random', method: 'pam' }, { seed: 2, tol: 0.05 });
    expect(loose.iterations).toBeLessThan(exact.iterations);
    expect(loose.converged).toBe(true);
  });

  it('the plugin can be loaded from its moduleUrl (as worker threads do)', async () => {
    const module = (await import(kmedoidsPlugin.moduleUrl!)) as Record<string, unknown>;
    expect(Object.values(module).some((v) => (v as { name?: string })?.name === 'kmedoids')).toBe(true);
  });
});

describe('options', () => {
  const parse = (raw: unknown) => () => kmedoidsPlugin.parseOptions(raw);

  it('fills defaults: alternate from k-medoids++, PAM from BUILD', () => {
    expect(kmedoidsPlugin.parseOptions({ k: 2 })).toEqual({ k: 2, method: 'alternate', metric: 'euclidean', initMethod: 'k-medoids++', init: null, maxCandidates: null });
    expect(kmedoidsPlugin.parseOptions({ k: 2, method: 'pam' }).initMethod).toBe('build');
    expect(kmedoidsPlugin.parseOptions({ k: 2, init: { medoidIndices: [3, 1] } }).init).toEqual(Int32Array.of(3, 1));
  });

  it('names the offending field', () => {
    expect(fieldOf(parse({}))).toBe('k');
    expect(fieldOf(parse({ k: 0 }))).toBe('k');
    expect(fieldOf(parse({ k: 2, method: 'clara' }))).toBe('method');
    expect(fieldOf(parse({ k: 2, metric: 'cosine' }))).toBe('metric');
    expect(fieldOf(parse({ k: 2, initMethod: 'forgy' }))).toBe('initMethod');
    expect(fieldOf(parse({ k: 2, init: { medoidIndices: [1] } }))).toBe('init.medoidIndices');
    expect(fieldOf(parse({ k: 2, init: { medoidIndices: [1, 1] } }))).toBe('init.medoidIndices[1]');
    expect(fieldOf(parse({ k: 2, init: { medoidIndices: [1, -1] } }))).toBe('init.medoidIndices[1]');
    expect(fieldOf(parse({ k: 2, init: {} }))).toBe('init.medoidIndices');
    expect(fieldOf(parse({ k: 2, maxCandidates: 0 }))).toBe('maxCandidates');
    expect(fieldOf(parse({ k: 2, method: 'pam', maxCandidates: 10 }))).toBe('maxCandidates');
    expect(fieldOf(parse({ k: 2, metrik: 'manhattan' }))).toBe('metrik');
  });

  it('checks k and the given rows against the data when a fit starts', async () => {
    await expect(fit(kmedoidsPlugin, three, { k: 10 })).rejects.toMatchObject({ field: 'k' });
    await expect(fit(kmedoidsPlugin, three, { k: 2, init: { medoidIndices: [0, 9] } })).rejects.toMatchObject({ field: 'init.medoidIndices[1]' });
    const weighted = createDataset(Float64Array.of(1, 2, 3), 3, 1, { weights: [1, 0, 1] });
    await expect(fit(kmedoidsPlugin, weighted, { k: 2, init: { medoidIndices: [0, 1] } })).rejects.toMatchObject({ field: 'init.medoidIndices[1]' });
    await expect(fit(kmedoidsPlugin, weighted, { k: 3, method: 'pam' })).rejects.toMatchObject({ field: 'k' });
  });

  it('every option has a spec for the CLI', () => {
    expect(kmedoidsPlugin.optionSpecs.map((s) => s.name)).toEqual(['k', 'method', 'metric', 'initMethod', 'init', 'maxCandidates']);
  });
});

describe('model files', () => {
  it('round-trip: the loaded model predicts the same labels and names its fields', async () => {
    const result = await fit(kmedoidsPlugin, three, { k: 3, method: 'pam', metric: 'manhattan' });
    const file = JSON.parse(JSON.stringify(modelFileFromFit(kmedoidsPlugin, result)));
    expect(file).toMatchObject({ model: 'kmedoids', k: 3, method: 'pam', metric: 'manhattan', initMethod: 'build', trainingRows: 9 });
    expect(file.medoidIndices).toEqual(Array.from(result.params.medoidIndices));
    const { params } = readModelFile(kmedoidsPlugin, file);
    expect(Array.from(kmedoidsPlugin.predict(params, three))).toEqual(Array.from(kmedoidsPlugin.predict(result.params, three)));
    expect(fieldOf(() => kmedoidsPlugin.fromJSON({ ...file, medoids: [[0, 0]] }))).toBe('medoids');
    expect(fieldOf(() => kmedoidsPlugin.fromJSON({ ...file, medoidIndices: [0, 1.5, 2] }))).toBe('medoidIndices[1]');
    expect(fieldOf(() => kmedoidsPlugin.fromJSON({ ...file, metric: 'cosine' }))).toBe('metric');
  });

  it('a k-medoids model is not a k-means model', async () => {
    const result = await fit(kmedoidsPlugin, three, { k: 2 });
    expect(() => readModelFile(kmeansPlugin, modelFileFromFit(kmedoidsPlugin, result))).toThrow(ModelFileError);
  });
});
