import { Random, deriveSeed } from '@emkit/linalg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dataset, type RowRange, createDataset, datasetFromRows, rowWeight } from './dataset.js';
import { type FitProgress, type RestartResult, drawInitialParams, firstNonFinite, fit, resolveDriverOptions, runRestart, selectBestRestart } from './driver.js';
import { FitAbortedError, FitError, OptionError, isEmkitError } from './errors.js';
import { type InitRunContext, createInProcessExecutor, runShardsInProcess } from './executor.js';
import { type ModelPlugin, PLUGIN_API_VERSION } from './plugin.js';
import { planShards } from './shard-plan.js';
import { type UnivariateGaussianMixtureParams, univariateGaussianMixture as ugm } from './testing/univariate-gaussian-mixture.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

/** Parameters of the scripted plugin: how many M-steps ran, and the first draw of its init. */
interface Step {
  readonly step: number;
  readonly u: number;
}

interface Calls {
  init: number;
  eStep: number;
  mStep: number;
  ranges: RowRange[];
}

/**
 * A plugin whose mean log-likelihood is whatever `meanLogLikelihood(params)` says: lets a test
 * script exactly what the driver sees. Each M-step advances `step` by one.
 */
function scripted(meanLogLikelihood: (p: Step) => number, overrides: Partial<ModelPlugin<Step, null>> = {}): { plugin: ModelPlugin<Step, null>; calls: Calls } {
  const calls: Calls = { init: 0, eStep: 0, mStep: 0, ranges: [] };
  const plugin: ModelPlugin<Step, null> = {
    name: 'scripted',
    apiVersion: PLUGIN_API_VERSION,
    description: 'scripted log-likelihoods',
    optionSpecs: [],
    defaults: { tol: 1e-6, maxIter: 100 },
    parseOptions: () => null,
    init: (_data, _options, random) => {
      calls.init++;
      return { step: 0, u: random.next() };
    },
    createStats: () => new Float64Array(1),
    eStep: (p, data, range, stats) => {
      calls.eStep++;
      calls.ranges.push(range);
      let w = 0;
      for (let i = range.start; i < range.end; i++) w += rowWeight(data, i);
      stats[0] += w;
      return w * meanLogLikelihood(p);
    },
    mStep: (p) => {
      calls.mStep++;
      return { step: p.step + 1, u: p.u };
    },
    scoreSamples: (p, data) => new Float64Array(data.rows).fill(meanLogLikelihood(p)),
    components: () => 1,
    responsibilities: (_p, data) => new Float64Array(data.rows).fill(1),
    predict: (_p, data) => new Int32Array(data.rows),
    parameterCount: () => 3,
    toJSON: (p) => ({ step: p.step }),
    fromJSON: (json) => ({ params: { step: json.step as number, u: 0 }, options: null }),
    ...overrides,
  };
  return { plugin, calls };
}

/** Mean log-likelihood script[step], the last value repeating. */
const script =
  (values: readonly number[]) =>
  (p: Step): number =>
    values[Math.min(p.step, values.length - 1)];

/** Four unweighted rows: total weight 4, so w·ℓ/w is exact and scripted values come back bit for bit. */
const fourRows = datasetFromRows([[0], [1], [2], [3]]);

/** n rows from a two-cluster 1-D mixture. */
function mixtureData(n: number, seed: number, weights?: readonly number[]): Dataset {
  const r = new Random(seed);
  const v = Float64Array.from({ length: n }, () => (r.next() < 0.4 ? -2 + 0.5 * r.nextNormal() : 3 + r.nextNormal()));
  return createDataset(v, n, 1, { weights });
}

const ugmInit = { weights: [0.5, 0.5], means: [-1, 1], variances: [1, 1] };

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}

function expectParamsClose(a: UnivariateGaussianMixtureParams, b: UnivariateGaussianMixtureParams, tol: number): void {
  for (const key of ['weights', 'means', 'variances'] as const) {
    expect(a[key].length).toBe(b[key].length);
    for (let i = 0; i < a[key].length; i++) expect(relDiff(a[key][i], b[key][i]), `${key}[${i}]: ${a[key][i]} vs ${b[key][i]}`).toBeLessThanOrEqual(tol);
  }
}

/** The exact bits of every number, for bit-identity checks (−0 ≠ 0, NaN payloads count). */
function bits(values: ArrayLike<number>): string {
  const f = Float64Array.from(values as ArrayLike<number>);
  return Array.from(new Uint32Array(f.buffer), (x) => x.toString(16)).join(',');
}

// ---------------------------------------------------------------------------------------------

describe('driver options', () => {
  it('fills in plugin defaults and validates every option, naming it', () => {
    const { plugin } = scripted(script([-1]));
    expect(resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, {})).toEqual({ tol: 1e-6, maxIter: 100, restarts: undefined, seed: 0, shardRows: 8192, monotoneTolerance: 1e-9 });
    const bad: [string, object][] = [
      ['tol', { tol: -1 }],
      ['tol', { tol: NaN }],
      ['maxIter', { maxIter: 0 }],
      ['maxIter', { maxIter: 2.5 }],
      ['restarts', { restarts: 0 }],
      ['restarts', { restarts: 2.5 }],
      ['restarts', { restarts: 'many' }],
      ['seed', { seed: 0.5 }],
      ['shardRows', { shardRows: 0 }],
      ['monotoneTolerance', { monotoneTolerance: -1 }],
    ];
    for (const [field, options] of bad) {
      const run = () => resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, options);
      expect(run).toThrow(OptionError);
      expect(run).toThrow(new RegExp(`^${field}:`));
    }
  });

  it('refuses data without positive weight with a FitError naming the plugin', async () => {
    const { plugin } = scripted(script([-1]));
    await expect(fit(plugin, datasetFromRows([]), {})).rejects.toThrow(FitError);
    await expect(fit(plugin, datasetFromRows([[1], [2]], { weights: [0, 0] }), {})).rejects.toThrow(/^scripted: no rows/);
  });
});

describe('convergence, iterations and history', () => {
  it('stops at the first iteration whose |Δ mean log-likelihood| < tol and reports converged', async () => {
    const { plugin, calls } = scripted(script([-3, -2, -1.5, -1.5 + 1e-4, -1.5 + 1e-4]));
    const progress: FitProgress[] = [];
    const r = await fit(plugin, fourRows, {}, { tol: 1e-3, onProgress: (p) => progress.push(p) });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBe(4);
    expect(r.history).toEqual([-3, -2, -1.5, -1.5 + 1e-4, -1.5 + 1e-4]);
    expect(r.history.length).toBe(r.iterations + 1);
    expect(r.meanLogLikelihood).toBe(-1.5 + 1e-4);
    expect(r.logLikelihood).toBe(4 * (-1.5 + 1e-4));
    expect(calls.mStep).toBe(4);
    expect(calls.eStep).toBe(5); // one per iteration and the final one
    expect(progress.map((p) => [p.iteration, p.converged])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(progress[0].change).toBe(Infinity);
    expect(progress[1].change).toBe(1);
    expect(progress.every((p) => p.plugin === 'scripted' && p.restart === 0)).toBe(true);
  });

  it('runs maxIter iterations and reports converged = false when tol is never met', async () => {
    const { plugin } = scripted((p) => -10 + p.step);
    const r = await fit(plugin, fourRows, {}, { tol: 0.5, maxIter: 6 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(6);
    expect(r.history).toEqual([-10, -9, -8, -7, -6, -5, -4]);
  });

  it('uses the plugin’s hasConverged instead of the default test when it has one', async () => {
    const { plugin } = scripted((p) => -10 + p.step, { hasConverged: (c) => c.iteration === 3 && c.next.step === 3 && c.previous.step === 2 });
    const r = await fit(plugin, fourRows, {}, { tol: 1e9 });
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(true);
  });

  it('the Gaussian mixture converges, and its final mean log-likelihood is that of the returned parameters', async () => {
    const data = mixtureData(300, 1, Array.from({ length: 300 }, (_, i) => 1 + (i % 3)));
    const r = await fit(ugm, data, { init: ugmInit }, { tol: 1e-8, maxIter: 500 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(500);
    expect(r.history.length).toBe(r.iterations + 1);
    expect(r.history[r.history.length - 1]).toBe(r.meanLogLikelihood);
    // the last iteration's change is below tol, the one before is not
    const h = r.history;
    expect(Math.abs(h[r.iterations - 1] - h[r.iterations - 2])).toBeLessThan(1e-8);
    expect(Math.abs(h[r.iterations - 2] - h[r.iterations - 3])).toBeGreaterThanOrEqual(1e-8);
    const scores = ugm.scoreSamples(r.params, data);
    let s = 0;
    let w = 0;
    for (let i = 0; i < data.rows; i++) {
      s += rowWeight(data, i) * scores[i];
      w += rowWeight(data, i);
    }
    expect(relDiff(s / w, r.meanLogLikelihood)).toBeLessThan(1e-12);
    expect(relDiff(s, r.logLikelihood)).toBeLessThan(1e-12);
    // the clusters at −2 and 3 are found
    const means = Array.from(r.params.means).sort((a, b) => a - b);
    expect(means[0]).toBeCloseTo(-2, 0);
    expect(means[1]).toBeCloseTo(3, 0);
  });
});

describe('monotonicity of the log-likelihood', () => {
  it('never decreases for the Gaussian mixture over random data sets and seeds (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: -3, max: 3 })), { minLength: 3, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        async (values, k, seed) => {
          fc.pre(k <= values.length);
          const data = createDataset(Float64Array.from(values), values.length, 1);
          const r = await fit(ugm, data, { k, minVariance: 1e-4 }, { seed, tol: 1e-10, maxIter: 100 });
          expect(r.monotonicityViolations).toEqual([]);
          for (let i = 1; i < r.history.length; i++)
            expect(r.history[i], `history[${i}]`).toBeGreaterThanOrEqual(r.history[i - 1] - 1e-9 * Math.max(1, Math.abs(r.history[i - 1])));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('records (not throws, not hides) the decreases of a plugin whose M-step lowers the likelihood', async () => {
    let mSteps = 0;
    const broken: ModelPlugin<UnivariateGaussianMixtureParams, ReturnType<typeof ugm.parseOptions>> = {
      ...ugm,
      name: 'broken',
      mStep(params, stats, summary, options) {
        const next = ugm.mStep(params, stats, summary, options);
        // The second M-step throws the means far off: the third E-step must see a lower likelihood.
        if (++mSteps === 2) return { ...next, means: next.means.map((m) => m + 20) };
        return next;
      },
    };
    const r = await fit(broken, mixtureData(200, 2), { init: ugmInit }, { tol: 0, maxIter: 8 });
    expect(r.iterations).toBe(8);
    expect(r.monotonicityViolations.length).toBe(1);
    const [v] = r.monotonicityViolations;
    expect(v.iteration).toBe(3);
    expect(v.previous).toBe(r.history[1]);
    expect(v.current).toBe(r.history[2]);
    expect(v.current).toBeLessThan(v.previous);
  });

  it('tolerates round-off (relative 1e-9) but records any larger decrease, with iteration, previous and current', async () => {
    const { plugin } = scripted(script([-2, -1, -1 - 1e-12, -0.5, -0.7, -0.6]));
    const r = await fit(plugin, fourRows, {}, { tol: 0, maxIter: 5 });
    expect(r.monotonicityViolations).toEqual([{ iteration: 5, previous: -0.5, current: -0.7 }]);
    // a wider tolerance accepts the same drop
    const { plugin: again } = scripted(script([-2, -1, -1 - 1e-12, -0.5, -0.7, -0.6]));
    const loose = await fit(again, fourRows, {}, { tol: 0, maxIter: 5, monotoneTolerance: 0.5 });
    expect(loose.monotonicityViolations).toEqual([]);
    // a zero tolerance records even the round-off-sized drop
    const { plugin: strict } = scripted(script([-2, -1, -1 - 1e-12, -0.5]));
    const exact = await fit(strict, fourRows, {}, { tol: 0, maxIter: 3, monotoneTolerance: 0 });
    expect(exact.monotonicityViolations).toEqual([{ iteration: 3, previous: -1, current: -1 - 1e-12 }]);
  });

  it('scales the tolerance with |log-likelihood| above 1: a 1e-7 drop at −1000 is round-off, at −1 it is not', async () => {
    const { plugin } = scripted(script([-2000, -1000, -1000 - 1e-7, -500]));
    expect((await fit(plugin, fourRows, {}, { tol: 0, maxIter: 3 })).monotonicityViolations).toEqual([]);
    const { plugin: small } = scripted(script([-2, -1, -1 - 1e-7, -0.5]));
    expect((await fit(small, fourRows, {}, { tol: 0, maxIter: 3 })).monotonicityViolations).toEqual([{ iteration: 3, previous: -1, current: -1 - 1e-7 }]);
  });

  it('checks the final E-step too (iteration = iterations + 1)', async () => {
    const { plugin } = scripted(script([-2, -1, -3]));
    const r = await fit(plugin, fourRows, {}, { tol: 0, maxIter: 2 });
    expect(r.monotonicityViolations).toEqual([{ iteration: 3, previous: -1, current: -3 }]);
    expect(r.meanLogLikelihood).toBe(-3);
  });
});

describe('plugin failures become FitErrors naming plugin and iteration', () => {
  it('a NaN log-likelihood', async () => {
    const { plugin } = scripted(script([-2, -1, NaN]));
    const error = await fit(plugin, fourRows, {}, { tol: 0, maxIter: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect((error as FitError).plugin).toBe('scripted');
    expect((error as FitError).iteration).toBe(3);
    expect((error as FitError).message).toMatch(/^scripted \(iteration 3\): .*NaN/);
  });

  it('an infinite log-likelihood (a collapsed component)', async () => {
    const { plugin } = scripted(script([-2, Infinity]));
    await expect(fit(plugin, fourRows, {}, { tol: 0 })).rejects.toMatchObject({ name: 'FitError', plugin: 'scripted', iteration: 2 });
  });

  it('an exception in mStep, with the original error as cause', async () => {
    const boom = new Error('singular covariance in component 1');
    let mSteps = 0;
    const failing = {
      ...ugm,
      name: 'failing-m',
      mStep: (...args: Parameters<typeof ugm.mStep>) => {
        if (++mSteps === 2) throw boom;
        return ugm.mStep(...args);
      },
    };
    const error = await fit(failing, mixtureData(50, 3), { init: ugmInit }, { tol: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect(error).toMatchObject({ plugin: 'failing-m', iteration: 2, cause: boom });
    expect((error as Error).message).toBe('failing-m (iteration 2): singular covariance in component 1');
  });

  it('an exception in eStep', async () => {
    const { plugin } = scripted(script([-1]), {
      eStep: (p) => {
        if (p.step === 1) throw new TypeError('bad shard');
        return -4;
      },
    });
    const error = await fit(plugin, fourRows, {}, { tol: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect(error).toMatchObject({ plugin: 'scripted', iteration: 2 });
    expect((error as Error).message).toMatch(/^scripted \(iteration 2\): bad shard/);
  });

  it('an exception in init (no iteration yet)', async () => {
    const { plugin } = scripted(script([-1]), {
      init: () => {
        throw new Error('cannot start');
      },
    });
    const error = await fit(plugin, fourRows, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect((error as FitError).iteration).toBeUndefined();
    expect((error as Error).message).toBe('scripted: cannot start');
  });

  it('an emkit error from a hook passes through unchanged', async () => {
    const own = new OptionError({ field: 'k', detail: 'too many components' });
    const { plugin } = scripted(script([-1]), {
      mStep: () => {
        throw own;
      },
    });
    await expect(fit(plugin, fourRows, {})).rejects.toBe(own);
  });

  it("an emkit error of another copy of @emkit/core (told by its code) passes through too", async () => {
    const foreign = Object.assign(new Error('k: too many components'), { name: 'OptionError', code: 'option', field: 'k' });
    const { plugin } = scripted(script([-1]), {
      init: () => {
        throw foreign;
      },
    });
    await expect(fit(plugin, fourRows, {})).rejects.toBe(foreign);
  });

  it('non-finite parameters with a finite log-likelihood: a FitError naming the field, never a result', async () => {
    const { plugin } = scripted(script([-3, -2, -1]), { toJSON: (p) => ({ step: p.step, means: [[0, p.step >= 2 ? NaN : 1]] }) });
    const error = await fit(plugin, fourRows, {}, { maxIter: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect((error as Error).message).toMatch(/^scripted \(iteration \d+\): the fitted parameters hold a non-finite value at means\[0\]\[1\] \(NaN\)/);
  });
});

describe('firstNonFinite and isEmkitError', () => {
  it('finds the path of the first NaN or ±Infinity in plain values, arrays, typed arrays and objects', () => {
    expect(firstNonFinite({ a: [1, 2], b: { c: [[0, -Infinity]] } })).toEqual({ path: 'b.c[0][1]', value: -Infinity });
    expect(firstNonFinite({ w: Float64Array.of(1, NaN) })).toMatchObject({ path: 'w[1]' });
    expect(firstNonFinite(Infinity)).toEqual({ path: '(value)', value: Infinity });
    expect(firstNonFinite({ a: [1, null, 'x', true], b: Int32Array.of(3) })).toBeNull();
  });

  it('tells emkit errors by code, whatever their class', () => {
    expect(isEmkitError(new OptionError({ field: 'k', detail: 'x' }))).toBe(true);
    expect(isEmkitError(Object.assign(new Error('x'), { code: 'input' }))).toBe(true);
    expect(isEmkitError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isEmkitError({ code: 'option', message: 'not an Error' })).toBe(false);
    expect(isEmkitError(new TypeError('x'))).toBe(false);
  });
});

describe('cancellation', () => {
  it('aborting from onProgress at iteration 3 rejects with an AbortError and runs no further iteration', async () => {
    const controller = new AbortController();
    const { plugin, calls } = scripted((p) => -100 + p.step);
    const seen: number[] = [];
    const error = await fit(plugin, fourRows, {}, {
      tol: 0,
      maxIter: 50,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.iteration);
        if (p.iteration === 3) controller.abort(new Error('user pressed stop'));
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitAbortedError);
    expect((error as Error).name).toBe('AbortError');
    expect((error as FitAbortedError).code).toBe('aborted');
    expect((error as Error).message).toContain('user pressed stop');
    expect(seen).toEqual([1, 2, 3]);
    expect(calls.eStep).toBe(3);
    expect(calls.mStep).toBe(3);
  });

  it('aborting in the iteration that converges still rejects (no final E-step)', async () => {
    const controller = new AbortController();
    const { plugin, calls } = scripted(script([-3, -2, -2]));
    await expect(
      fit(plugin, fourRows, {}, { tol: 1e-6, signal: controller.signal, onProgress: (p) => p.converged && controller.abort() }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.eStep).toBe(3);
  });

  it('an already-aborted signal rejects before init', async () => {
    const { plugin, calls } = scripted(script([-1]));
    await expect(fit(plugin, fourRows, {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.init).toBe(0);
    expect(calls.eStep).toBe(0);
  });

  it('an abort during an E-step stops before the next shard', async () => {
    const controller = new AbortController();
    const { plugin, calls } = scripted(script([-1]));
    const inner = plugin.eStep;
    plugin.eStep = (p, data, range, stats) => {
      if (calls.eStep === 1) controller.abort();
      return inner(p, data, range, stats);
    };
    const data = createDataset(new Float64Array(10), 10, 1);
    await expect(fit(plugin, data, {}, { shardRows: 2, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.eStep).toBe(2); // shards [0, 2) and [2, 4), then the check before shard 3
  });

  it('a timer-driven abort stops an in-process fit at the next shard: the fit returns to the event loop between shards', async () => {
    const { plugin, calls } = scripted(() => -1);
    const controller = new AbortController();
    const inner = plugin.eStep;
    let shardsAfterAbort = 0;
    plugin.eStep = (p, data, range, stats) => {
      if (controller.signal.aborted) shardsAfterAbort++;
      // CPU-bound work: without a return to the event loop no timer could fire during the fit.
      const until = performance.now() + 0.2;
      while (performance.now() < until);
      return inner(p, data, range, stats);
    };
    const data = createDataset(new Float64Array(10), 10, 1);
    setTimeout(() => controller.abort(new Error('time is up')), 20);
    // 500 iterations × 10 shards would take ≥ 1 s: the abort must land long before the end.
    const outcome = fit(plugin, data, {}, { shardRows: 1, tol: 0, maxIter: 500, signal: controller.signal });
    await expect(outcome).rejects.toMatchObject({ name: 'AbortError', code: 'aborted' });
    expect(calls.eStep).toBeGreaterThan(0);
    expect(calls.eStep).toBeLessThan(500 * 10);
    expect(shardsAfterAbort).toBe(0);
  });
});

describe('restarts', () => {
  it('seeds restart r with deriveSeed(seed, r); the highest mean log-likelihood wins; ties go to the lowest index', async () => {
    const seed = 123;
    // The first draw of each restart's generator identifies the restart inside the plugin.
    const firstDraws = [0, 1, 2, 3].map((r) => new Random(deriveSeed(seed, r)).next());
    const scores = [1, 3, 3, 2];
    const { plugin } = scripted((p) => {
      const r = firstDraws.indexOf(p.u);
      if (r < 0) throw new Error('a restart was not seeded with deriveSeed(seed, r)');
      return -10 + scores[r];
    });
    const result = await fit(plugin, fourRows, {}, { seed, restarts: 4, tol: 1e-6 });
    expect(result.restart).toBe(1);
    expect(result.seed).toBe(deriveSeed(seed, 1));
    expect(result.meanLogLikelihood).toBe(-7);
    expect(result.params.u).toBe(firstDraws[1]);
    expect(result.restarts.map((r) => r.restart)).toEqual([0, 1, 2, 3]);
    expect(result.restarts.map((r) => r.seed)).toEqual([0, 1, 2, 3].map((r) => deriveSeed(seed, r)));
    expect(result.restarts.map((r) => r.meanLogLikelihood)).toEqual([-9, -7, -7, -8]);
    for (const r of result.restarts) expect(r).not.toHaveProperty('params');
  });

  it('selectBestRestart orders restarts and breaks ties by the lowest index whatever the input order', () => {
    const { plugin } = scripted(script([-1]));
    const restart = (r: number, mean: number): RestartResult<Step> => ({
      restart: r,
      seed: deriveSeed(0, r),
      params: { step: r, u: 0 },
      meanLogLikelihood: mean,
      logLikelihood: 4 * mean,
      iterations: 1,
      converged: true,
      history: [mean, mean],
      monotonicityViolations: [],
    });
    const best = selectBestRestart(plugin, fourRows, null, [restart(3, -5), restart(2, -1), restart(0, -4), restart(1, -1)]);
    expect(best.restart).toBe(1);
    expect(best.params.step).toBe(1);
    expect(best.restarts.map((r) => r.restart)).toEqual([0, 1, 2, 3]);
    expect(() => selectBestRestart(plugin, fourRows, null, [])).toThrow(FitError);
  });

  it('runRestart(r) reproduces restart r of a fit', async () => {
    const data = mixtureData(120, 4);
    const options = ugm.parseOptions({});
    const all = await fit(ugm, data, {}, { seed: 9, restarts: 3, tol: 1e-6 });
    const second = await runRestart(ugm, data, options, 2, { seed: 9, tol: 1e-6 });
    expect(bits(second.history)).toBe(bits(all.restarts[2].history));
    expect(second.seed).toBe(deriveSeed(9, 2));
  });
});

describe('reproducibility', () => {
  it('the same seed gives a bit-identical result; another seed gives another start', async () => {
    const data = mixtureData(150, 5);
    const run = (seed: number) => fit(ugm, data, { k: 3 }, { seed, restarts: 3, tol: 1e-6 });
    const [a, b, c] = await Promise.all([run(42), run(42), run(43)]);
    for (const key of ['weights', 'means', 'variances'] as const) expect(bits(a.params[key])).toBe(bits(b.params[key]));
    expect(bits(a.history)).toBe(bits(b.history));
    expect(bits([a.meanLogLikelihood, a.logLikelihood, a.bic!, a.aic!])).toBe(bits([b.meanLogLikelihood, b.logLikelihood, b.bic!, b.aic!]));
    expect(a.restart).toBe(b.restart);
    expect(a.restarts.map((r) => bits(r.history))).toEqual(b.restarts.map((r) => bits(r.history)));
    expect(c.restarts.map((r) => r.history[0])).not.toEqual(a.restarts.map((r) => r.history[0]));
  });
});

describe('shard plans', () => {
  it('the driver hands the plugin the shards of planShards(rows, shardRows), in order', async () => {
    const { plugin, calls } = scripted(script([-1]));
    const data = createDataset(new Float64Array(17), 17, 1);
    await fit(plugin, data, {}, { shardRows: 7, maxIter: 1 });
    expect(calls.ranges.slice(0, 3)).toEqual([
      { start: 0, end: 7 },
      { start: 7, end: 14 },
      { start: 14, end: 17 },
    ]);
    expect(calls.ranges.length).toBe(6); // one E-step and the final one
  });

  it('merged shard statistics equal the statistics of the whole (to 1e-12)', () => {
    const data = mixtureData(500, 6, Array.from({ length: 500 }, (_, i) => (i % 5) / 2));
    const params = ugm.init(data, ugm.parseOptions({}), new Random(1));
    const whole = runShardsInProcess(ugm, params, data, [{ start: 0, end: 500 }]);
    for (const size of [1, 7, 64, 499]) {
      const sharded = runShardsInProcess(ugm, params, data, planShards(500, size));
      expect(relDiff(sharded.logLikelihood, whole.logLikelihood)).toBeLessThan(1e-12);
      expect(sharded.stats.length).toBe(whole.stats.length);
      for (let i = 0; i < whole.stats.length; i++) expect(relDiff(sharded.stats[i], whole.stats[i]), `stats[${i}], ${size} rows a shard`).toBeLessThan(1e-12);
    }
  });

  it('a fit with 7-row shards agrees with one 1000-row shard to 1e-12', async () => {
    const data = mixtureData(500, 7);
    const opts = { init: ugmInit };
    const small = await fit(ugm, data, opts, { shardRows: 7, tol: 0, maxIter: 40 });
    const large = await fit(ugm, data, opts, { shardRows: 1000, tol: 0, maxIter: 40 });
    expectParamsClose(small.params, large.params, 1e-12);
    expect(relDiff(small.meanLogLikelihood, large.meanLogLikelihood)).toBeLessThan(1e-12);
    small.history.forEach((h, i) => expect(relDiff(h, large.history[i])).toBeLessThan(1e-12));
  });

  it('uses the plugin’s mergeStats, merging fresh per-shard buffers in plan order', () => {
    const merged: number[] = [];
    const { plugin } = scripted(script([-1]), {
      createStats: () => Float64Array.of(-Infinity),
      eStep: (_p, data, range, stats) => {
        for (let i = range.start; i < range.end; i++) stats[0] = Math.max(stats[0], data.values[i]);
        return -range.end + range.start;
      },
      mergeStats: (target, source) => {
        merged.push(source[0]);
        target[0] = Math.max(target[0], source[0]);
      },
    });
    const data = createDataset(Float64Array.from([5, 1, 9, 2, 3, 8, 0]), 7, 1);
    const out = runShardsInProcess(plugin, { step: 0, u: 0 }, data, planShards(7, 3));
    expect(out.stats[0]).toBe(9);
    expect(out.logLikelihood).toBe(-7);
    expect(merged).toEqual([9, 8, 0]);
  });
});

describe('sample weights', () => {
  it('a row with weight 2 fits like that row duplicated (1e-10), and weight 0 like the row removed', async () => {
    const base = mixtureData(60, 8);
    const values = Array.from(base.values);
    const weights = values.map((_, i) => (i === 5 || i === 17 ? 2 : i === 30 ? 0 : 1));
    const weighted = createDataset(Float64Array.from(values), values.length, 1, { weights });
    const expanded: number[] = [];
    values.forEach((v, i) => {
      for (let c = 0; c < weights[i]; c++) expanded.push(v);
    });
    const duplicated = createDataset(Float64Array.from(expanded), expanded.length, 1);
    expect(duplicated.rows).toBe(61);
    const options = { init: ugmInit };
    const a = await fit(ugm, weighted, options, { tol: 0, maxIter: 30 });
    const b = await fit(ugm, duplicated, options, { tol: 0, maxIter: 30 });
    expectParamsClose(a.params, b.params, 1e-10);
    expect(relDiff(a.meanLogLikelihood, b.meanLogLikelihood)).toBeLessThan(1e-10);
    expect(relDiff(a.logLikelihood, b.logLikelihood)).toBeLessThan(1e-10);
    expect(relDiff(a.bic!, b.bic!)).toBeLessThan(1e-10);
    a.history.forEach((h, i) => expect(relDiff(h, b.history[i])).toBeLessThan(1e-10));
  });

  it('weight 2 = duplicated row over random data and rows (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 25 }), fc.nat(), async (values, pick) => {
        const i = pick % values.length;
        const weighted = createDataset(Float64Array.from(values), values.length, 1, { weights: values.map((_, j) => (j === i ? 2 : 1)) });
        const duplicated = createDataset(Float64Array.from([...values, values[i]]), values.length + 1, 1);
        const options = { init: ugmInit, minVariance: 1e-3 };
        // Few iterations: on near-symmetric data the symmetric start is a saddle that EM leaves
        // exponentially fast, amplifying round-off (found by fast-check: ×3 per iteration).
        const a = await fit(ugm, weighted, options, { tol: 0, maxIter: 5 });
        const b = await fit(ugm, duplicated, options, { tol: 0, maxIter: 5 });
        expectParamsClose(a.params, b.params, 1e-10);
        expect(relDiff(a.meanLogLikelihood, b.meanLogLikelihood)).toBeLessThan(1e-10);
      }),
      { numRuns: 40 },
    );
  });
});

describe('information criteria of a fit', () => {
  it('BIC = −2 log L + p ln N and AIC = −2 log L + 2p with the total log-likelihood and N = Σ weights', async () => {
    // 3 rows with weights 1, 2, 1: N = 4; mean log-likelihood −2.5, so log L = −10; p = 3.
    const { plugin } = scripted(script([-2.5]));
    const data = datasetFromRows([[0], [1], [2]], { weights: [1, 2, 1] });
    const r = await fit(plugin, data, {});
    expect(r.parameterCount).toBe(3);
    expect(r.logLikelihood).toBe(-10);
    expect(r.bic).toBeCloseTo(20 + 3 * Math.log(4), 12);
    expect(r.bic).toBeCloseTo(24.158883083359672, 12);
    expect(r.aic).toBe(26);
  });

  it('are null for a model without a likelihood (parameterCount null)', async () => {
    const { plugin } = scripted(script([-1]), { parameterCount: () => null });
    const r = await fit(plugin, fourRows, {});
    expect(r.parameterCount).toBeNull();
    expect(r.bic).toBeNull();
    expect(r.aic).toBeNull();
  });

  it('come from the Gaussian mixture’s 3K − 1 parameters', async () => {
    const data = mixtureData(80, 10);
    const r = await fit(ugm, data, { k: 2, init: ugmInit });
    expect(r.parameterCount).toBe(5);
    expect(relDiff(r.bic!, -2 * r.logLikelihood + 5 * Math.log(80))).toBeLessThan(1e-14);
    expect(relDiff(r.aic!, -2 * r.logLikelihood + 10)).toBeLessThan(1e-14);
    expect(r.options).toEqual({ k: 2, minVariance: 1e-6, init: { weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(-1, 1), variances: Float64Array.of(1, 1) } });
  });
});

describe('initialisation: progress and where it runs', () => {
  const random = new Random(4);
  const data = createDataset(Float64Array.from({ length: 300 }, (_, i) => (i % 3) * 4 + random.nextNormal()), 300, 1);
  /** ugm whose init reports two steps of a scan. */
  const reporting: ModelPlugin<UnivariateGaussianMixtureParams, unknown> = {
    ...(ugm as ModelPlugin<UnivariateGaussianMixtureParams, unknown>),
    name: 'reporting',
    init(d, o, r, context) {
      for (const done of [1, 2]) context?.onProgress?.({ method: 'scan', done, total: 2, unit: 'passes' });
      return ugm.init(d, o as never, r);
    },
  };

  it('onInitProgress hears each restart’s steps, naming the plugin and the restart', async () => {
    const steps: string[] = [];
    await fit(reporting, data, { k: 3 }, { restarts: 2, maxIter: 5, onInitProgress: (p) => steps.push(`${p.plugin} r${p.restart} ${p.method} ${p.done}/${p.total} ${p.unit}`) });
    expect(steps).toEqual(['reporting r0 scan 1/2 passes', 'reporting r0 scan 2/2 passes', 'reporting r1 scan 1/2 passes', 'reporting r1 scan 2/2 passes']);
  });

  it('an executor that initialises draws each restart’s start (from its seed) and the run gives the same bits', async () => {
    const seeds: number[] = [];
    const executor = {
      ...createInProcessExecutor(),
      initialize: async <P, O>(plugin: ModelPlugin<P, O>, d: Dataset, options: O, seed: number, { onProgress }: InitRunContext) => {
        seeds.push(seed);
        return drawInitialParams(plugin, d, options, seed, onProgress);
      },
    };
    const driver = { restarts: 3, seed: 8, maxIter: 30 };
    const steps: number[] = [];
    const reference = await fit(reporting, data, { k: 3 }, driver);
    const viaExecutor = await fit(reporting, data, { k: 3 }, { ...driver, executor, onInitProgress: (p) => steps.push(p.restart) });
    expect(seeds).toEqual([0, 1, 2].map((r) => deriveSeed(8, r)));
    expect(steps).toEqual([0, 0, 1, 1, 2, 2]);
    expect(viaExecutor.history).toEqual(reference.history);
    expect(Array.from(viaExecutor.params.means)).toEqual(Array.from(reference.params.means));
    expect(viaExecutor.restarts).toEqual(reference.restarts);
  });

  it('an executor’s init failure is the restart’s FitError, as in-process; data no run can fit is refused before it', async () => {
    let calls = 0;
    const executor = {
      ...createInProcessExecutor(),
      initialize: async () => {
        calls++;
        throw new Error('no start');
      },
    };
    const error = await fit(reporting, data, { k: 3 }, { restarts: 2, executor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FitError);
    expect((error as Error).message).toMatch(/^reporting: all 2 restarts failed — restart 1 \(seed \d+\): reporting: no start; restart 2/);
    expect(calls).toBe(2);
    const empty = createDataset(new Float64Array(0), 0, 1);
    await expect(fit(reporting, empty, { k: 1 }, { executor })).rejects.toThrow(/no rows with positive weight/);
    expect(calls).toBe(2);
  });
});
