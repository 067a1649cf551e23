import { describe, expect, it } from 'vitest';
import { fit } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { hmmPlugin } from './plugin.js';
import type { GaussianEmission, CategoricalEmission, HmmParams } from './params.js';
import { HMM_FIXTURE_CASES, fixtureOptions, readFixtureCase } from './test-support/fixtures.js';

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** Largest absolute difference between a flat array and a nested reference. */
function maxAbsDiff(actual: ArrayLike<number>, expected: unknown): number {
  const flat = (expected as unknown[]).flat(2) as number[];
  expect(actual.length).toBe(flat.length);
  let worst = 0;
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(actual[i] - flat[i]));
  return worst;
}

function startParams(name: (typeof HMM_FIXTURE_CASES)[number], which: 'init' | 'final' = 'init') {
  const { fx, data } = readFixtureCase(name);
  const options = hmmPlugin.parseOptions(fixtureOptions(fx, fx[which]));
  return { fx, data, options, params: hmmPlugin.init(data, options, new Random(0)) };
}

function totalLogLikelihood(params: HmmParams, data: ReturnType<typeof readFixtureCase>['data']): number {
  const stats = hmmPlugin.createStats(params, data.cols);
  return hmmPlugin.eStep(params, data, { start: 0, end: data.rows }, stats);
}

describe.each(HMM_FIXTURE_CASES)('reference fixture %s (NumPy Baum–Welch, checked against pomegranate 0.14)', (name) => {
  it('the log-likelihood of the given parameters matches to 1e-9 relative (init and final)', () => {
    const init = startParams(name, 'init');
    expect(relative(totalLogLikelihood(init.params, init.data), init.fx.initLogLikelihood)).toBeLessThan(1e-9);
    expect(relative(totalLogLikelihood(init.params, init.data), init.fx.pomegranate.initLogLikelihood)).toBeLessThan(1e-9);
    const final = startParams(name, 'final');
    expect(relative(totalLogLikelihood(final.params, final.data), final.fx.logLikelihoods[final.fx.iterations])).toBeLessThan(1e-9);
    // scoreSamples' per-row conditional log-likelihoods add up to the same total.
    const rows = hmmPlugin.scoreSamples(final.params, final.data);
    expect(relative(rows.reduce((a, b) => a + b, 0), final.fx.pomegranate.finalLogLikelihood)).toBeLessThan(1e-9);
  });

  it('Baum–Welch from the reference init reproduces its log-likelihood sequence to 1e-8 and its final parameters to 1e-6', async () => {
    const { fx, data } = readFixtureCase(name);
    const result = await fit(hmmPlugin, data, fixtureOptions(fx), { tol: 0, maxIter: fx.iterations });
    expect(result.iterations).toBe(fx.iterations);
    expect(result.history).toHaveLength(fx.logLikelihoods.length);
    fx.logLikelihoods.forEach((ll, i) => expect(relative(result.history[i] * data.rows, ll)).toBeLessThan(1e-8));
    expect(result.monotonicityViolations).toEqual([]);
    const p = result.params;
    expect(maxAbsDiff(p.startProbabilities, fx.final.startProbabilities)).toBeLessThan(1e-6);
    expect(maxAbsDiff(p.transitions, fx.final.transitions)).toBeLessThan(1e-6);
    if (fx.emission === 'gaussian') {
      const g = (p.emission as GaussianEmission).gaussian;
      expect(maxAbsDiff(g.means, fx.final.means)).toBeLessThan(1e-6);
      expect(maxAbsDiff(g.covariances, fx.final.covariances)).toBeLessThan(1e-6);
    } else {
      expect(maxAbsDiff((p.emission as CategoricalEmission).probabilities, fx.final.emissionProbabilities)).toBeLessThan(1e-6);
    }
  });

  it('Viterbi paths are identical to the reference (and pomegranate) at init and at the final parameters', () => {
    for (const which of ['init', 'final'] as const) {
      const { fx, data, params } = startParams(name, which);
      const path = hmmPlugin.predict(params, data);
      const expected = (which === 'init' ? fx.viterbiInit : fx.viterbiFinal).flat();
      expect(Array.from(path)).toEqual(expected);
      if (which === 'final') expect(Array.from(path)).toEqual(fx.pomegranate.viterbiFinal.flat());
    }
  });
});
