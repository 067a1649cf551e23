import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fit, planShards, runShardsInProcess, createDataset } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { Random, logSumExp } from '@emkit/linalg';
import { ForwardBackward } from './inference.js';
import { emissionModel } from './model.js';
import { hmmPlugin } from './plugin.js';
import type { HmmParams } from './params.js';
import { categoricalTruth, gaussianTruth, sequenceData } from './test-support/data.js';

const lengthsArb = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 });

/** log p(x) by the textbook log-space backward recursion, independent of the scaled passes. */
function logSpaceBackward(params: HmmParams, logB: Float64Array, t: number): { logLikelihood: number; logBeta: Float64Array } {
  const { k } = params;
  const logBeta = new Float64Array(t * k);
  const terms = new Float64Array(k);
  for (let s = t - 2; s >= 0; s--)
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) terms[j] = Math.log(params.transitions[i * k + j]) + logB[(s + 1) * k + j] + logBeta[(s + 1) * k + j];
      logBeta[s * k + i] = logSumExp(terms, 0, k);
    }
  for (let j = 0; j < k; j++) terms[j] = Math.log(params.startProbabilities[j]) + logB[j] + logBeta[j];
  return { logLikelihood: logSumExp(terms, 0, k), logBeta };
}

function logDensitiesOf(params: HmmParams, values: Float64Array, t: number): Float64Array {
  const out = new Float64Array(t * params.k);
  emissionModel(params.emission.kind).evaluator(params).logDensities(values, 0, t, out, 0);
  return out;
}

describe('forward–backward', () => {
  it('the scaled forward pass and a log-space backward pass agree on the likelihood, and the posteriors are α·β/p (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 1e6 }), (k, d, t, seed) => {
        const truth = gaussianTruth(k, d, seed);
        const data = sequenceData(truth, [t], seed + 1);
        const logB = logDensitiesOf(truth, data.values, t);
        const fb = new ForwardBackward(k);
        fb.reserve(t);
        fb.logDensities.set(logB);
        const forward = fb.forward(truth.startProbabilities, truth.transitions, t);
        const { logLikelihood, logBeta } = logSpaceBackward(truth, logB, t);
        expect(Math.abs(forward - logLikelihood)).toBeLessThan(1e-9 * Math.max(1, Math.abs(logLikelihood)));
        fb.backward(truth.transitions, t, null);
        // γ_0(j) = π_j b_0(j) β_0(j) / p(x)
        for (let j = 0; j < k; j++) {
          const expected = Math.exp(Math.log(truth.startProbabilities[j]) + logB[j] + logBeta[j] - logLikelihood);
          expect(Math.abs(fb.posteriors[j] - expected)).toBeLessThan(1e-9);
        }
        for (let s = 0; s < t; s++) {
          let sum = 0;
          for (let j = 0; j < k; j++) sum += fb.posteriors[s * k + j];
          expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('does not underflow on a 50 000-step sequence: finite, and equal to the sum of the per-row conditional log-likelihoods', () => {
    const truth = gaussianTruth(4, 3, 7);
    const data = sequenceData(truth, [50_000], 8);
    const stats = hmmPlugin.createStats(truth, 3);
    const ll = hmmPlugin.eStep(truth, data, { start: 0, end: data.rows }, stats);
    expect(Number.isFinite(ll)).toBe(true);
    expect(ll).toBeLessThan(-1e4);
    const rows = hmmPlugin.scoreSamples(truth, data);
    expect(Math.abs(rows.reduce((a, b) => a + b, 0) - ll)).toBeLessThan(1e-9 * Math.abs(ll));
    // Expected state occupancy adds up to the number of rows.
    let occupancy = 0;
    for (let i = 0; i < 16; i++) occupancy += stats[4 + i];
    expect(Math.abs(occupancy - (data.rows - 1))).toBeLessThan(1e-6);
  });
});

describe('Baum–Welch', () => {
  it('the log-likelihood never decreases: Gaussian (full, diag), categorical, left-to-right, MAP priors (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        lengthsArb,
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom<Record<string, unknown>>(
          { k: 3, covariance: 'full' },
          { k: 2, covariance: 'diag' },
          { k: 3, covariance: 'spherical', startPrior: 2, transitionPrior: 3 },
          { k: 3, topology: 'left-to-right', maxJump: 1 },
          { k: 3, emission: 'categorical', symbols: 4 },
          { k: 2, emission: 'categorical', symbols: 4, transitionPrior: 2, freeze: ['start'] },
        ),
        async (lengths, seed, options) => {
          const categorical = options.emission === 'categorical';
          const truth = categorical ? categoricalTruth(3, 4, seed) : gaussianTruth(3, 2, seed);
          const data = sequenceData(truth, lengths.map((n) => n + 15), seed + 1);
          // A tiny regCovar: EM is monotone for the likelihood itself, and regCovar biases each
          // M-step by its size (1e-3 gives decreases of 1e-8); 1e-9 still keeps states non-singular.
          const result = await fit(hmmPlugin, data, { regCovar: categorical ? undefined : 1e-9, ...options }, { tol: 0, maxIter: 25, seed });
          expect(result.monotonicityViolations).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('statistics add up across shard plans cut at sequence boundaries (fast-check)', () => {
    fc.assert(
      fc.property(lengthsArb, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(), (lengths, shardRows, seed, categorical) => {
        const truth = categorical ? categoricalTruth(3, 5, seed) : gaussianTruth(3, 2, seed);
        const data = sequenceData(truth, lengths, seed + 1);
        const whole = runShardsInProcess(hmmPlugin, truth, data, planShards(data.rows, data.rows, data.groups!));
        const sharded = runShardsInProcess(hmmPlugin, truth, data, planShards(data.rows, shardRows, data.groups!));
        expect(Math.abs(whole.logLikelihood - sharded.logLikelihood)).toBeLessThan(1e-10 * Math.abs(whole.logLikelihood));
        for (let i = 0; i < whole.stats.length; i++) expect(Math.abs(whole.stats[i] - sharded.stats[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(whole.stats[i])));
      }),
    );
  });

  it('a singular Gaussian emission is reported as that state, with what to do', async () => {
    // Two runs of one repeated value: with regCovar 0 each state's variance is 0.
    const values = Float64Array.from({ length: 20 }, (_, i) => (i < 10 ? 1 : 5));
    const data = createDataset(values, 20, 1, { groups: [0, 20] });
    await expect(fit(hmmPlugin, data, { k: 2, regCovar: 0, init: { means: [[1], [5]] } })).rejects.toThrow(
      /^hmm: the Gaussian emission of state 1 is singular at the start \(.*\); raise regCovar \(--reg-covar\), use fewer states/,
    );
  });

  it('refuses a range that cuts a sequence, naming the rows', () => {
    const truth = gaussianTruth(2, 2, 1);
    const data = sequenceData(truth, [5, 5], 2);
    expect(() => hmmPlugin.eStep(truth, data, { start: 0, end: 7 }, hmmPlugin.createStats(truth, 2))).toThrow(/rows 1–7 do not start and end at sequence boundaries/);
  });

  it('recovers the generating parameters from long sequences', async () => {
    const truth = gaussianTruth(3, 2, 11);
    const data = sequenceData(truth, Array.from({ length: 20 }, () => 300), 12);
    const result = await fit(hmmPlugin, data, { k: 3 }, { seed: 0, restarts: 3, tol: 1e-8 });
    // Match states by their means.
    const means = (result.params.emission as { gaussian: { means: Float64Array } }).gaussian.means;
    const trueMeans = (truth.emission as { gaussian: { means: Float64Array } }).gaussian.means;
    const order = [0, 1, 2].map((j) => [0, 1, 2].reduce((best, i) => ((means[i * 2] - trueMeans[j * 2]) ** 2 < (means[best * 2] - trueMeans[j * 2]) ** 2 ? i : best), 0));
    expect(new Set(order).size).toBe(3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(Math.abs(result.params.transitions[order[i] * 3 + order[j]] - truth.transitions[i * 3 + j])).toBeLessThan(0.03);
  });

  it('keeps left-to-right structure, frozen parameters and counts only free parameters', async () => {
    const truth = gaussianTruth(3, 2, 3);
    const data = sequenceData(truth, [60, 80, 70], 4);
    const result = await fit(hmmPlugin, data, { k: 3, topology: 'left-to-right', covariance: 'diag' }, { maxIter: 30 });
    const a = result.params.transitions;
    expect([a[3], a[6], a[7], a[2]]).toEqual([0, 0, 0, 0]);
    expect(Array.from(result.params.startProbabilities)).toEqual([1, 0, 0]);
    // start: 0; transitions: 1 + 1 + 0; means 6; diag covariances 6
    expect(result.parameterCount).toBe(14);
    const frozen = await fit(hmmPlugin, data, { k: 3, freeze: ['transitions', 'means'], init: { transitions: [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]] } }, { maxIter: 10 });
    expect(Array.from(frozen.params.transitions)).toEqual([0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8].map((x) => x / 1));
    // start 2, covariances 3·3
    expect(frozen.parameterCount).toBe(2 + 9);
  });

  it('MAP-EM: a Dirichlet prior on the transitions pulls rare transitions away from zero', async () => {
    const truth = categoricalTruth(2, 3, 5);
    const data = sequenceData(truth, [30, 30], 6);
    const ml = await fit(hmmPlugin, data, { k: 2, emission: 'categorical' }, { maxIter: 50, seed: 1 });
    const map = await fit(hmmPlugin, data, { k: 2, emission: 'categorical', transitionPrior: 5 }, { maxIter: 50, seed: 1 });
    expect(Math.min(...map.params.transitions)).toBeGreaterThan(Math.min(...ml.params.transitions));
    expect(map.monotonicityViolations).toEqual([]);
  });
});

describe('conformance kit', () => {
  it('Gaussian (full) emissions pass every check', async () => {
    const truth = gaussianTruth(2, 2, 21);
    await assertConformance(hmmPlugin, { data: sequenceData(truth, [40, 25, 35, 30], 22), options: { k: 2 } });
  });
  it('categorical emissions pass every check', async () => {
    const truth = categoricalTruth(2, 3, 23);
    await assertConformance(hmmPlugin, { data: sequenceData(truth, [40, 25, 35, 30, 30], 24), options: { k: 2, emission: 'categorical' } });
  });
  it('data without groups is one sequence', async () => {
    const truth = gaussianTruth(2, 1, 25);
    const data = sequenceData(truth, [120], 26);
    const plain = createDataset(data.values, data.rows, 1);
    const a = await fit(hmmPlugin, plain, { k: 2 }, { shardRows: 7, maxIter: 5 });
    const b = await fit(hmmPlugin, data, { k: 2 }, { maxIter: 5 });
    expect(a.history).toEqual(b.history);
  });
});

describe('view', () => {
  it('Gaussian states as components with their means and covariances; categorical ones as labels', () => {
    const truth = gaussianTruth(3, 2, 1);
    const view = hmmPlugin.describeView!(truth);
    expect(view.components).toMatchObject({ count: 3, dims: 2, locationName: 'state mean', weights: null, hard: false });
    const g = (truth.emission as { gaussian: { means: Float64Array; covariances: Float64Array } }).gaussian;
    expect(Array.from(view.components!.locations)).toEqual(Array.from(g.means));
    view.components!.covariances!.forEach((c, i) => expect(Math.abs(c - g.covariances[i])).toBeLessThan(1e-9));
    expect(hmmPlugin.describeView!(categoricalTruth(2, 3, 1))).toMatchObject({ components: null, rowOutput: { kind: 'labels' } });
  });
});

describe('sampling', () => {
  it('draws sequences whose transition frequencies approach the matrix', () => {
    const truth = categoricalTruth(3, 4, 9);
    const drawn = hmmPlugin.sample!(truth, 30_000, new Random(1));
    expect(drawn).toHaveLength(30_000);
    expect(drawn.every((x) => Number.isInteger(x) && x >= 0 && x < 4)).toBe(true);
  });
});
