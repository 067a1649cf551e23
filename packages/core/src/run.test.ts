import { Random } from '@emkit/linalg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDataset, type Dataset } from './dataset.js';
import { createRun, fit, runRestart, type FitProgress } from './driver.js';
import { FitError } from './errors.js';
import { univariateGaussianMixture as ugm } from './testing/univariate-gaussian-mixture.js';

/** n rows from a two-cluster 1-D mixture. */
function mixtureData(n: number, seed: number): Dataset {
  const r = new Random(seed);
  const v = Float64Array.from({ length: n }, () => (r.next() < 0.4 ? -2 + 0.5 * r.nextNormal() : 3 + r.nextNormal()));
  return createDataset(v, n, 1);
}

/** The exact bits of every number (−0 ≠ 0). */
function bits(values: ArrayLike<number>): string {
  const f = Float64Array.from(values as ArrayLike<number>);
  return Array.from(new Uint32Array(f.buffer), (x) => x.toString(16)).join(',');
}

describe('createRun: EM a half-step at a time', () => {
  it('stepped E, M, … until done, plus the final E-step, is restart r of fit bit for bit', async () => {
    const data = mixtureData(300, 1);
    const options = ugm.parseOptions({ k: 2 });
    const driver = { seed: 7, tol: 1e-8, shardRows: 64 };
    const expected = await runRestart(ugm, data, options, 1, driver);
    const run = createRun(ugm, data, options, { ...driver, restart: 1 });
    expect(run.state).toMatchObject({ iteration: 0, next: 'e', history: [], converged: false, done: false });
    while (!run.done) {
      const afterE = await run.eStep();
      expect(afterE.next).toBe('m');
      const afterM = run.mStep();
      expect(afterM.next).toBe('e');
    }
    const last = await run.eStep();
    expect(last.iteration).toBe(expected.iterations);
    expect(bits(last.history)).toBe(bits(expected.history));
    expect(bits(last.params.means)).toBe(bits(expected.params.means));
    expect(bits(last.params.variances)).toBe(bits(expected.params.variances));
    const finished = await run.finish();
    expect(bits([finished.logLikelihood, finished.meanLogLikelihood])).toBe(bits([expected.logLikelihood, expected.meanLogLikelihood]));
    expect(finished.converged).toBe(true);
  });

  it('any interleaving of single steps and finish() gives the same result (fast-check)', async () => {
    const data = mixtureData(120, 4);
    const options = ugm.parseOptions({ k: 3, minVariance: 1e-4 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('e', 'm', 'ee'), { maxLength: 12 }), fc.integer({ min: 0, max: 50 }), async (steps, seed) => {
        const expected = await runRestart(ugm, data, options, 0, { seed, tol: 1e-6 });
        const run = createRun(ugm, data, options, { seed, tol: 1e-6 });
        for (const step of steps) {
          if (run.done) break;
          if (step === 'm') {
            if (run.state.next === 'm') run.mStep();
          } else {
            await run.eStep();
            if (step === 'ee') await run.eStep();
          }
        }
        const result = await run.finish();
        expect(bits(result.history)).toBe(bits(expected.history));
        expect(result.iterations).toBe(expected.iterations);
      }),
      { numRuns: 40 },
    );
  });

  it('an E-step taken twice records once; an M-step without an E-step is refused', async () => {
    const data = mixtureData(50, 2);
    const run = createRun(ugm, data, ugm.parseOptions({}), {});
    expect(() => run.mStep()).toThrow(/E-step first/);
    await run.eStep();
    await run.eStep();
    expect(run.state.history).toHaveLength(1);
    run.mStep();
    expect(() => run.mStep()).toThrow(/E-step first/);
  });

  it('stops at maxIter (done, not converged) and reports progress once per M-step', async () => {
    const data = mixtureData(200, 3);
    const progress: FitProgress[] = [];
    const run = createRun(ugm, data, ugm.parseOptions({}), { tol: 0, maxIter: 4, onProgress: (p) => progress.push(p) });
    const result = await run.finish();
    expect(result).toMatchObject({ iterations: 4, converged: false });
    expect(result.history).toHaveLength(5);
    expect(progress.map((p) => p.iteration)).toEqual([1, 2, 3, 4]);
    expect(run.state.done).toBe(true);
  });

  it('resumes from a fit: the next E-step is not recorded again, and stepping on continues EM', async () => {
    const data = mixtureData(200, 5);
    const fitted = await fit(ugm, data, { k: 2 }, { tol: 1e-3 });
    const run = createRun(ugm, data, fitted.options, { resume: fitted });
    expect(run.state).toMatchObject({ iteration: fitted.iterations, next: 'm', converged: true, done: true });
    await run.eStep();
    expect(bits(run.state.history)).toBe(bits(fitted.history));
    run.mStep();
    const next = await run.eStep();
    expect(next.history).toHaveLength(fitted.history.length + 1);
    expect(next.history[next.history.length - 1]).toBeGreaterThanOrEqual(fitted.meanLogLikelihood - 1e-12);
  });

  it('a non-finite log-likelihood is a FitError naming plugin and iteration', async () => {
    const data = mixtureData(20, 6);
    const broken = { ...ugm, eStep: () => Number.NaN };
    const run = createRun(broken, data, ugm.parseOptions({}), {});
    await expect(run.eStep()).rejects.toMatchObject({ name: 'FitError', plugin: ugm.name, iteration: 1 });
    await expect(createRun(broken, data, ugm.parseOptions({}), {}).finish()).rejects.toBeInstanceOf(FitError);
  });
});
