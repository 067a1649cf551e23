import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, deriveSeed } from '@emkit/linalg';
import { createDataset, type Dataset } from './dataset.js';
import { fit, runRestart } from './driver.js';
import { FitError, OptionError } from './errors.js';
import type { ModelPlugin } from './plugin.js';
import { AUTO_RESTARTS, autoRestarts, checkRestartCount, restartsToRun } from './restarts.js';
import { univariateGaussianMixture as ugm, type UnivariateGaussianMixtureParams } from './testing/univariate-gaussian-mixture.js';

type Params = UnivariateGaussianMixtureParams & { readonly failure?: Failure };
type Failure = 'throws' | 'nan' | 'singular';

/** Two clusters on the line. */
function data(seed: number): Dataset {
  const r = new Random(seed);
  const v = Float64Array.from({ length: 120 }, () => (r.next() < 0.4 ? -2 + 0.5 * r.nextNormal() : 3 + r.nextNormal()));
  return createDataset(v, v.length, 1);
}

/**
 * The univariate mixture with restart r failing as failures[r] says, at its second M-step:
 * an exception inside the plugin, a non-finite parameter, or a FitError as a singular
 * component gives. Restarts run in order, so the init count is the restart.
 */
function failing(failures: readonly (Failure | null)[]): ModelPlugin<Params, ReturnType<typeof ugm.parseOptions>> {
  let inits = 0;
  return {
    ...ugm,
    name: 'failing',
    init(d, options, random) {
      const failure = failures[inits++ % failures.length];
      return { ...ugm.init(d, options, random), ...(failure ? { failure } : {}) };
    },
    mStep(params, stats, summary, options) {
      const next = ugm.mStep(params, stats, summary, options);
      if (params.failure === 'throws') throw new RangeError('index out of range in the plugin');
      if (params.failure === 'nan') return { ...next, means: next.means.map(() => Number.NaN) };
      if (params.failure === 'singular') throw new FitError({ plugin: 'failing', iteration: 2, detail: 'component 2 is singular' });
      return { ...next, failure: params.failure };
    },
  };
}

const options = { k: 2 };

describe('restarts that fail do not fail the fit', () => {
  it('keeps the best successful restart and lists each failed one with its reason and seed', async () => {
    const x = data(1);
    const r = await fit(failing([null, 'throws', 'nan', null, 'singular']), x, options, { restarts: 5, seed: 7, maxIter: 50 });
    expect(r.failedRestarts.map((f) => f.restart)).toEqual([1, 2, 4]);
    expect(r.failedRestarts.map((f) => f.seed)).toEqual([1, 2, 4].map((i) => deriveSeed(7, i)));
    expect(r.failedRestarts[0].reason).toMatch(/^failing \(iteration 1\): index out of range in the plugin/);
    expect(r.failedRestarts[1].reason).toMatch(/^failing \(iteration 2\): the log-likelihood became -Infinity/);
    expect(r.failedRestarts[2].reason).toBe('failing (iteration 2): component 2 is singular');
    expect(r.restarts.map((s) => s.restart)).toEqual([0, 3]);
    // The winner is the better of the successful restarts, as run alone.
    const alone = await Promise.all([0, 3].map((i) => runRestart(failing([null]), x, ugm.parseOptions(options), i, { seed: 7, maxIter: 50 })));
    const best = alone[0].meanLogLikelihood >= alone[1].meanLogLikelihood ? alone[0] : alone[1];
    expect(r.restart).toBe(best.restart);
    expect(r.meanLogLikelihood).toBe(best.meanLogLikelihood);
  });

  it('fails only when every restart fails, naming each reason', async () => {
    const run = fit(failing(['throws', 'singular', 'nan']), data(2), options, { restarts: 3, seed: 0, maxIter: 50 });
    await expect(run).rejects.toThrow(FitError);
    await expect(fit(failing(['throws', 'singular', 'nan']), data(2), options, { restarts: 3, seed: 0, maxIter: 50 })).rejects.toThrow(
      /all 3 restarts failed — restart 1 \(seed \d+\): failing \(iteration 1\): index out of range.*; restart 2 \(seed \d+\): failing \(iteration 2\): component 2 is singular; restart 3 \(seed \d+\): failing \(iteration 2\): the log-likelihood became -Infinity/,
    );
  });

  it('a single failing restart is its own error, as it was', async () => {
    await expect(fit(failing(['singular']), data(3), options, { maxIter: 50 })).rejects.toThrow(/^failing \(iteration 2\): component 2 is singular$/);
  });

  it('errors every restart would meet (options) stop the fit at once', async () => {
    const plugin: ModelPlugin<Params, ReturnType<typeof ugm.parseOptions>> = {
      ...failing([null]),
      init: () => {
        throw new OptionError({ field: 'k', detail: 'too many components' });
      },
    };
    await expect(fit(plugin, data(4), options, { restarts: 4 })).rejects.toThrow(OptionError);
  });

  it('for any pattern of failures: the winner is the best success, the failures are exactly the failed restarts (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<Failure | null>(null, null, 'throws', 'nan', 'singular'), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1000 }), async (pattern, seed) => {
        const x = data(seed);
        const failed = pattern.flatMap((f, i) => (f ? [i] : []));
        const run = fit(failing(pattern), x, options, { restarts: pattern.length, seed, maxIter: 30 });
        if (failed.length === pattern.length) return void (await expect(run).rejects.toThrow(FitError));
        const r = await run;
        expect(r.failedRestarts.map((f) => f.restart)).toEqual(failed);
        const successes = await Promise.all(pattern.flatMap((f, i) => (f ? [] : [runRestart(failing([null]), x, ugm.parseOptions(options), i, { seed, maxIter: 30 })])));
        const best = Math.max(...successes.map((s) => s.meanLogLikelihood));
        expect(r.meanLogLikelihood).toBe(best);
      }),
      { numRuns: 40 },
    );
  });
});

describe("the restart count: given, the plugin's default, or 'auto' by the rows", () => {
  it("'auto' runs ⌊AUTO_RESTARTS.rows / N⌋ restarts, between 1 and AUTO_RESTARTS.max", () => {
    expect(AUTO_RESTARTS).toEqual({ max: 10, rows: 50_000 });
    expect([1, 150, 5000, 5001, 10_000, 16_667, 25_000, 25_001, 1_000_000].map(autoRestarts)).toEqual([10, 10, 10, 9, 5, 2, 2, 1, 1]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e8 }), fc.integer({ min: 1, max: 1e8 }), (a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        const r = autoRestarts(large);
        // Never more restarts on more rows; never more than about AUTO_RESTARTS.rows rows' worth of them, bar the one.
        return r >= 1 && r <= AUTO_RESTARTS.max && autoRestarts(small) >= r && (r === 1 || r * large <= AUTO_RESTARTS.rows);
      }),
    );
  });

  it('takes the caller\'s count first, then the plugin\'s rule for the parsed options, then 1', () => {
    const seen: unknown[] = [];
    const byOptions: ModelPlugin<unknown, { k: number; start: string }> = {
      ...(ugm as unknown as ModelPlugin<unknown, { k: number; start: string }>),
      defaults: { ...ugm.defaults, restarts: (o) => (seen.push(o), o.start === 'fixed' ? 1 : 'auto') },
    };
    expect(restartsToRun(byOptions, { k: 2, start: 'random' }, undefined, 120)).toBe(10);
    expect(restartsToRun(byOptions, { k: 2, start: 'random' }, undefined, 20_000)).toBe(2);
    expect(restartsToRun(byOptions, { k: 2, start: 'fixed' }, undefined, 120)).toBe(1);
    expect(seen).toEqual([{ k: 2, start: 'random' }, { k: 2, start: 'random' }, { k: 2, start: 'fixed' }]);
    expect(restartsToRun(byOptions, { k: 2, start: 'fixed' }, 3, 120)).toBe(3);
    expect(restartsToRun(byOptions, { k: 2, start: 'fixed' }, 'auto', 120)).toBe(10);
    expect(restartsToRun(ugm as unknown as ModelPlugin<unknown, { k: number }>, { k: 2 }, undefined, 120)).toBe(1);
    const broken = { ...byOptions, defaults: { ...ugm.defaults, restarts: () => 0 } } as ModelPlugin<unknown, { k: number; start: string }>;
    expect(() => restartsToRun(broken, { k: 2, start: 'random' }, undefined, 120)).toThrow(/^restarts: must be an integer ≥ 1 or 'auto', got 0/);
    expect(checkRestartCount('auto')).toBe('auto');
    expect(() => checkRestartCount('10')).toThrow(OptionError);
  });

  it("fit runs the plugin's default count, the same restarts as that count given, and the best wins", async () => {
    const x = data(3);
    const plugin: typeof ugm = { ...ugm, defaults: { ...ugm.defaults, restarts: () => 'auto' } };
    const auto = await fit(plugin, x, options, { seed: 5, maxIter: 50 });
    expect(auto.restarts.map((r) => r.restart)).toEqual([...Array(10).keys()]);
    expect(new Set(auto.restarts.map((r) => r.seed)).size).toBe(10);
    const explicit = await fit(ugm, x, options, { seed: 5, maxIter: 50, restarts: 10 });
    expect(auto.restarts.map((r) => r.logLikelihood)).toEqual(explicit.restarts.map((r) => r.logLikelihood));
    expect(auto.logLikelihood).toBe(Math.max(...explicit.restarts.map((r) => r.logLikelihood)));
    expect((await fit(plugin, x, options, { seed: 5, maxIter: 50, restarts: 1 })).restarts).toHaveLength(1);
  });
});
