import { hasErrorCode, FitError, createDataset, datasetFromRows, fit, modelFileFromFit, readModelFile, sliceRows } from '@emkit/core';
import { inertia, kmeansPlugin, lloyd } from '@emkit/kmeans';
import { Random } from '@emkit/linalg';
import { describe, expect, it } from 'vitest';
import { readFixtureCsv } from './fixtures.test-helpers.js';
import { minibatchKmeans, onlineKmeans } from './fit.js';
import { passOrder, runPass } from './pass.js';
import { minibatchKmeansPlugin, onlineKmeansPlugin } from './plugin.js';

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (hasErrorCode(error, 'option') || hasErrorCode(error, 'model-file')) return error.field;
    throw error;
  }
  throw new Error('expected an error');
}

const blobs = readFixtureCsv('blobs');
const line = datasetFromRows([[1], [2], [4], [7], [11], [16]]);

describe('the updates', () => {
  it('online 1/n: one centre becomes the running mean, i.e. the mean of the rows, in any order', () => {
    const result = onlineKmeans(line, 1, { init: [[100]], maxPasses: 1 });
    expect(result.centers[0]).toBeCloseTo(41 / 6, 13);
    expect(Array.from(result.counts)).toEqual([6]);
    // Weighted: a row of weight w counts as w rows; weight 0 is no row.
    const weighted = createDataset(Float64Array.of(1, 2, 4, 1000), 4, 1, { weights: [2, 1, 3, 0] });
    const w = onlineKmeans(weighted, 1, { init: [[-5]], maxPasses: 1 });
    expect(w.centers[0]).toBeCloseTo((2 + 2 + 12) / 6, 13);
    expect(Array.from(w.counts)).toEqual([6]);
  });

  it('online (t0 + n)^−κ: the step of a single row is (t0 + 1)^−κ, capped at 1', () => {
    const one = datasetFromRows([[10]]);
    const step = (t0: number, kappa: number) => onlineKmeans(one, 1, { init: [[0]], maxPasses: 1, learningRate: 'power', t0, kappa }).centers[0];
    expect(step(1, 0.75)).toBeCloseTo(10 * 2 ** -0.75, 13);
    expect(step(3, 1)).toBeCloseTo(10 / 4, 13);
    expect(step(0, 0.6)).toBe(10); // (0 + 1)^−κ = 1: the centre jumps onto the row
  });

  it('online rows move the centre as they arrive: follows passOrder row by row', () => {
    const data = datasetFromRows([[0], [10], [1], [11], [2], [12]]);
    const start = { centers: [[0], [10]] };
    const params = onlineKmeansPlugin.init(data, onlineKmeansPlugin.parseOptions({ k: 2, init: start, learningRate: 'power', t0: 1, kappa: 0.8 }), new Random(3));
    const order = passOrder(params, 0);
    const c = [0, 10];
    const n = [0, 0];
    for (const i of order) {
      const x = data.values[i];
      const j = Math.abs(x - c[0]) <= Math.abs(x - c[1]) ? 0 : 1;
      n[j] += 1;
      c[j] += Math.min(1, (1 + n[j]) ** -0.8) * (x - c[j]);
    }
    const next = runPass(params, data);
    expect(next.centers[0]).toBeCloseTo(c[0], 13);
    expect(next.centers[1]).toBeCloseTo(c[1], 13);
    expect(Array.from(next.counts)).toEqual(n);
  });

  it('mini-batch with one batch per pass is one Lloyd iteration (fresh counts), then running means', () => {
    const init = [[0, 0], [5, 5], [-5, 5]];
    const step = minibatchKmeans(blobs, 3, { init, batchSize: blobs.rows, maxPasses: 1 });
    const once = lloyd(blobs, Float64Array.from(init.flat()), 3, { maxIter: 1 });
    step.centers.forEach((x, i) => expect(x).toBeCloseTo(once.centers[i], 12));
    expect(step.counts.reduce((s, x) => s + x, 0)).toBe(blobs.rows);
  });

  it('mini-batch assigns a whole batch before moving any centre (unlike online)', () => {
    // Centre 0 at 0, centre 1 at 100; rows 40 and 60. Together in one batch both go to centre 0
    // (40 < 60 < 100 − 60? no: 60 is nearer 100 − 60 = 40 vs 60): 40 → 0, 60 → 1.
    const data = datasetFromRows([[40], [60]]);
    const batch = minibatchKmeans(data, 2, { init: [[0], [100]], batchSize: 2, maxPasses: 1 });
    expect(Array.from(batch.centers)).toEqual([40, 60]);
    // Row by row, whichever comes first moves its centre onto itself; then the other row is
    // nearer that moved centre in one order (40 then 60 → both to centre 0).
    const orders = new Set<string>();
    for (let seed = 0; seed < 8; seed++) orders.add(Array.from(onlineKmeans(data, 2, { init: [[0], [100]], maxPasses: 1, seed }).centers).join());
    expect(orders).toContain('50,100');
  });

  it('mini-batch is Sculley’s algorithm 1: cache the batch’s nearest centres, then per-row steps with η = 1/v[c]', () => {
    // All three centres start inside one blob, so assignments change within the first pass.
    const options = minibatchKmeansPlugin.parseOptions({ k: 3, batchSize: 7, init: { centers: [[0, 0], [0.5, 0.5], [1, 0]] } });
    let params = minibatchKmeansPlugin.init(blobs, options, new Random(9));
    const d = 2;
    const c = Array.from(params.centers);
    const v = [0, 0, 0];
    for (let pass = 0; pass < 3; pass++) {
      const order = passOrder(params, pass);
      for (let start = 0; start < order.length; start += 7) {
        const batch = Array.from(order.subarray(start, start + 7));
        const cached = batch.map((i) => {
          const dist = [0, 1, 2].map((j) => (blobs.values[i * d] - c[j * d]) ** 2 + (blobs.values[i * d + 1] - c[j * d + 1]) ** 2);
          return dist.indexOf(Math.min(...dist));
        });
        batch.forEach((i, t) => {
          const j = cached[t];
          v[j] += 1;
          const eta = 1 / v[j];
          for (let col = 0; col < d; col++) c[j * d + col] = (1 - eta) * c[j * d + col] + eta * blobs.values[i * d + col];
        });
      }
      params = { ...params, ...runPass(params, blobs), passes: pass + 1 };
      params.centers.forEach((x, i) => expect(x).toBeCloseTo(c[i], 10));
      expect(Array.from(params.counts)).toEqual(v);
    }
  });

  it('a centre no row goes to does not move', () => {
    const result = minibatchKmeans(line, 2, { init: [[5], [1e6]], batchSize: 2, maxPasses: 3 });
    expect(result.centers[1]).toBe(1e6);
    expect(result.counts[1]).toBe(0);
  });
});

describe('fit through core', () => {
  for (const plugin of [onlineKmeansPlugin, minibatchKmeansPlugin]) {
    it(`${plugin.name}: the final log-likelihood is −inertia of the returned centres; iterations are passes`, async () => {
      const result = await fit(plugin as typeof onlineKmeansPlugin, blobs, { k: 3, ...(plugin === minibatchKmeansPlugin ? { batchSize: 64 } : {}) }, { seed: 4 });
      expect(-result.logLikelihood).toBe(inertia(result.params, blobs));
      expect(result.params.passes).toBe(result.iterations);
      expect(result.converged).toBe(true);
      expect(result.parameterCount).toBeNull();
      expect(result.history).toHaveLength(result.iterations + 1);
      expect(Array.from(plugin.predict(result.params, blobs))).toEqual(Array.from(kmeansPlugin.predict(result.params, blobs)));
      const r = plugin.responsibilities(result.params, blobs);
      expect(r.reduce((s, x) => s + x, 0)).toBe(blobs.rows);
    });
  }

  it('the standalone functions give exactly what fit gives', async () => {
    const a = await fit(onlineKmeansPlugin, blobs, { k: 3, learningRate: 'power', kappa: 0.9 }, { seed: 11, maxIter: 7 });
    const b = onlineKmeans(blobs, 3, { learningRate: 'power', kappa: 0.9, seed: 11, maxPasses: 7 });
    expect(b.centers).toEqual(a.params.centers);
    expect(b.counts).toEqual(a.params.counts);
    expect(b.passes).toBe(a.iterations);
    expect(b.inertia).toBe(-a.logLikelihood);
    const c = await fit(minibatchKmeansPlugin, blobs, { k: 3, batchSize: 37, initMethod: 'random' }, { seed: 2 });
    const d = minibatchKmeans(blobs, 3, { batchSize: 37, initMethod: 'random', seed: 2 });
    expect(d.centers).toEqual(c.params.centers);
    expect(d.converged).toBe(c.converged);
    expect(d.inertia).toBe(-c.logLikelihood);
  });

  it('the seed drives the row orders: another seed, other centres from the same start', async () => {
    const init = { centers: [[0, 0], [5, 5], [-5, 5]] };
    const a = await fit(minibatchKmeansPlugin, blobs, { k: 3, init, batchSize: 40 }, { seed: 1, maxIter: 3 });
    const b = await fit(minibatchKmeansPlugin, blobs, { k: 3, init, batchSize: 40 }, { seed: 2, maxIter: 3 });
    const again = await fit(minibatchKmeansPlugin, blobs, { k: 3, init, batchSize: 40 }, { seed: 1, maxIter: 3 });
    expect(b.params.centers).not.toEqual(a.params.centers);
    expect(again.params.centers).toEqual(a.params.centers);
  });

  it('the result does not depend on the shard size', async () => {
    const a = await fit(minibatchKmeansPlugin, blobs, { k: 3, batchSize: 30 }, { seed: 5 });
    const b = await fit(minibatchKmeansPlugin, blobs, { k: 3, batchSize: 30 }, { seed: 5, shardRows: 77 });
    expect(b.params.centers).toEqual(a.params.centers);
    expect(b.iterations).toBe(a.iterations);
    expect(b.logLikelihood).toBeCloseTo(a.logLikelihood, 9);
  });

  it('a larger tol stops earlier; maxIter caps the passes without claiming convergence', async () => {
    // (With 1/n steps these blobs reach an exact fixed point in 2 passes; the power rule keeps moving.)
    const strict = await fit(onlineKmeansPlugin, blobs, { k: 3, learningRate: 'power' }, { seed: 1, tol: 1e-7 });
    const loose = await fit(onlineKmeansPlugin, blobs, { k: 3, learningRate: 'power' }, { seed: 1, tol: 1e-3 });
    expect(loose.iterations).toBeLessThan(strict.iterations);
    const capped = await fit(onlineKmeansPlugin, blobs, { k: 3 }, { seed: 1, tol: 0, maxIter: 3 });
    expect(capped.iterations).toBe(3);
    expect(capped.converged).toBe(false);
  });

  it('restarts pick the least inertia', async () => {
    const result = await fit(minibatchKmeansPlugin, blobs, { k: 3, initMethod: 'random', batchSize: 100 }, { seed: 0, restarts: 4 });
    const best = Math.min(...result.restarts.map((r) => -r.logLikelihood));
    expect(-result.logLikelihood).toBe(best);
  });

  it('refuses a copy of one shard (the pass needs every row)', () => {
    const params = onlineKmeansPlugin.init(blobs, onlineKmeansPlugin.parseOptions({ k: 3 }), new Random(0));
    const shard = sliceRows(blobs, { start: 100, end: 200 });
    expect(() => onlineKmeansPlugin.eStep(params, shard, { start: 0, end: 100 }, onlineKmeansPlugin.createStats(params, 2))).toThrow(FitError);
    // And an M-step whose statistics hold the pass of two shards.
    const stats = onlineKmeansPlugin.createStats(params, 2);
    stats[stats.length - 1] = 2;
    expect(() => onlineKmeansPlugin.mStep(params, stats, { rows: 600, cols: 2, totalWeight: 600 }, onlineKmeansPlugin.parseOptions({ k: 3 }))).toThrow(FitError);
  });

  it('both plugins load from their moduleUrl (as worker threads do)', async () => {
    for (const plugin of [onlineKmeansPlugin, minibatchKmeansPlugin]) {
      const module = (await import(plugin.moduleUrl!)) as Record<string, unknown>;
      expect(Object.values(module).some((v) => (v as { name?: string })?.name === plugin.name)).toBe(true);
    }
  });
});

describe('options', () => {
  it('fill defaults (k-means’ k, init, initMethod and their own)', () => {
    expect(onlineKmeansPlugin.parseOptions({ k: 2 })).toEqual({ k: 2, init: null, initMethod: 'kmeans++', learningRate: 'count', t0: 1, kappa: 0.75 });
    expect(minibatchKmeansPlugin.parseOptions({ k: 2, initMethod: 'random' })).toEqual({ k: 2, init: null, initMethod: 'random', batchSize: 1024 });
    expect(onlineKmeansPlugin.parseOptions({ k: 1, learningRate: 'power', t0: 0, kappa: 1 })).toMatchObject({ t0: 0, kappa: 1 });
  });

  it('name the offending field', () => {
    const online = (raw: unknown) => () => onlineKmeansPlugin.parseOptions(raw);
    const mini = (raw: unknown) => () => minibatchKmeansPlugin.parseOptions(raw);
    expect(fieldOf(online({}))).toBe('k');
    expect(fieldOf(online(undefined))).toBe('k');
    expect(fieldOf(online({ k: 2, learningRate: 'adagrad' }))).toBe('learningRate');
    expect(fieldOf(online({ k: 2, learningRate: 'power', kappa: 0.5 }))).toBe('kappa');
    expect(fieldOf(online({ k: 2, learningRate: 'power', kappa: 1.5 }))).toBe('kappa');
    expect(fieldOf(online({ k: 2, learningRate: 'power', t0: -1 }))).toBe('t0');
    expect(fieldOf(online({ k: 2, kappa: 0.7 }))).toBe('kappa');
    expect(fieldOf(online({ k: 2, t0: 2 }))).toBe('t0');
    expect(fieldOf(online({ k: 2, batchSize: 10 }))).toBe('batchSize');
    expect(fieldOf(mini({ k: 2, batchSize: 0 }))).toBe('batchSize');
    expect(fieldOf(mini({ k: 2, batchSize: 2.5 }))).toBe('batchSize');
    expect(fieldOf(mini({ k: 2, init: { centers: [[1, 2]] } }))).toBe('init.centers');
    expect(fieldOf(mini({ k: 2, learningRate: 'count' }))).toBe('learningRate');
    // Batch k-means' assignment step has no meaning for one row at a time.
    expect(fieldOf(online({ k: 2, algorithm: 'elkan' }))).toBe('algorithm');
    expect(fieldOf(mini({ k: 2, algorithm: 'hamerly' }))).toBe('algorithm');
  });

  it('the standalone functions check their own arguments', () => {
    expect(fieldOf(() => onlineKmeans(line, 1, { maxPasses: 0 }))).toBe('maxPasses');
    expect(fieldOf(() => minibatchKmeans(line, 1, { tol: -1 }))).toBe('tol');
    expect(fieldOf(() => minibatchKmeans(line, 7))).toBe('k');
  });

  it('every option has a spec for the CLI, with no clash with the driver’s flags', () => {
    expect(onlineKmeansPlugin.optionSpecs.map((s) => s.name)).toEqual(['k', 'init', 'initMethod', 'learningRate', 't0', 'kappa']);
    expect(minibatchKmeansPlugin.optionSpecs.map((s) => s.name)).toEqual(['k', 'init', 'initMethod', 'batchSize']);
  });
});

describe('model files', () => {
  it('round-trip and predict new rows', async () => {
    for (const [plugin, options] of [
      [onlineKmeansPlugin, { k: 3, learningRate: 'power', t0: 2, kappa: 0.9 }],
      [minibatchKmeansPlugin, { k: 3, batchSize: 50 }],
    ] as const) {
      const result = await fit(plugin as typeof onlineKmeansPlugin, blobs, options, { seed: 3 });
      const file = JSON.parse(JSON.stringify(modelFileFromFit(plugin as typeof onlineKmeansPlugin, result)));
      expect(file).toMatchObject({ model: plugin.name, k: 3, passes: result.iterations });
      const { params, options: loaded } = readModelFile(plugin as typeof onlineKmeansPlugin, file);
      expect(params.centers).toEqual(result.params.centers);
      expect(params.counts).toEqual(result.params.counts);
      expect(loaded).toMatchObject(Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'k')));
      const fresh = datasetFromRows([[0, 0], [5, 5], [-4, 6]]);
      expect(Array.from(plugin.predict(params, fresh))).toEqual(Array.from(plugin.predict(result.params, fresh)));
      expect(fieldOf(() => plugin.fromJSON({ ...file, counts: [1, -1, 2] }))).toBe('counts[1]');
      expect(fieldOf(() => plugin.fromJSON({ ...file, centers: [[1, 2]] }))).toBe('centers');
    }
    expect(fieldOf(() => minibatchKmeansPlugin.fromJSON({ k: 1, centers: [[0]], batchSize: 0 }))).toBe('batchSize');
    expect(fieldOf(() => onlineKmeansPlugin.fromJSON({ k: 1, centers: [[0]], learningRate: 'fast' }))).toBe('learningRate');
  });
});
