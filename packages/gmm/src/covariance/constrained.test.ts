import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '@emkit/linalg';
import { covarianceModel, COVARIANCE_TYPES } from './index.js';
import { covarianceObjective, type InnerLoop } from './constrained.js';
import { veiEstimate, VEI_LOOP } from './vei.js';
import { veeEstimate, VEE_LOOP } from './vee.js';
import { vevEstimate, VEV_LOOP } from './vev.js';
import { ORIENTATION_ROUNDS, commonOrientationEstimate } from './orientation.js';
import { EVE_LOOP } from './eve.js';
import { VVE_LOOP } from './vve.js';
import type { CovarianceType } from '../params.js';

/** K random scatter matrices W_j = Σ_i (x_i − x̄)(x_i − x̄)ᵀ over n_j rows of correlated data, and the n_j. */
function scatters(seed: number, k: number, d: number): { full: Float64Array; nk: Float64Array } {
  const random = new Random(seed);
  const full = new Float64Array(k * d * d);
  const nk = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const n = d + 2 + Math.floor(random.next() * 20);
    nk[j] = n;
    const mix = Array.from({ length: d * d }, () => random.nextNormal());
    const rows = Array.from({ length: n }, () => {
      const z = Array.from({ length: d }, () => random.nextNormal() * (1 + 3 * random.next()));
      return Array.from({ length: d }, (_, r) => z.reduce((s, v, c) => s + mix[r * d + c] * v, 0));
    });
    const mean = Array.from({ length: d }, (_, c) => rows.reduce((s, x) => s + x[c], 0) / n);
    for (const x of rows) for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) full[j * d * d + r * d + c] += (x[r] - mean[r]) * (x[c] - mean[c]);
  }
  return { full, nk };
}

/** Layout of a structure's covariances, as its base stores them. */
function layoutOf(type: CovarianceType): 'spherical' | 'diag' | 'tied' | 'full' {
  if (['spherical', 'EII'].includes(type)) return 'spherical';
  if (['diag', 'EEI', 'VEI', 'EVI'].includes(type)) return 'diag';
  return type === 'tied' ? 'tied' : 'full';
}

/** W_j in a layout (spherical: tr/D; diag: the diagonal). */
function inLayout(full: Float64Array, layout: string, k: number, d: number): Float64Array {
  if (layout === 'spherical') return Float64Array.from({ length: k }, (_, j) => Array.from({ length: d }, (_, c) => full[j * d * d + c * (d + 1)]).reduce((a, b) => a + b, 0) / d);
  if (layout === 'diag') return Float64Array.from({ length: k * d }, (_, i) => full[Math.floor(i / d) * d * d + (i % d) * (d + 1)]);
  return full;
}

/** Covariances of any layout as K full D×D matrices. */
function asFull(cov: Float64Array, layout: string, k: number, d: number): Float64Array {
  const out = new Float64Array(k * d * d);
  for (let j = 0; j < k; j++)
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        const i = j * d * d + r * d + c;
        if (layout === 'full') out[i] = cov[i];
        else if (layout === 'tied') out[i] = cov[r * d + c];
        else if (r === c) out[i] = layout === 'diag' ? cov[j * d + r] : cov[j];
      }
  return out;
}

const mclustTypes = COVARIANCE_TYPES.filter((t) => !['full', 'diag', 'spherical', 'tied'].includes(t));
const shape = fc.record({ seed: fc.integer({ min: 0, max: 100_000 }), k: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 5 }) });

describe("the constrained M-steps (mclust's ten other models)", () => {
  it('each ends at an expected complete-data log-likelihood no lower than at the current (structured) covariances', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(...mclustTypes), ({ seed, k, d }, type) => {
        const layout = layoutOf(type);
        const spec = covarianceModel(type);
        const estimate = (full: Float64Array, nk: Float64Array, previous: Float64Array): Float64Array =>
          spec.fromStats({
            params: { k, d, covariance: type, assignment: 'soft', weights: new Float64Array(k), means: new Float64Array(k * d), covariances: previous, precisionCholesky: new Float64Array(0), logDetPrecisionCholesky: new Float64Array(k) },
            nk,
            nkEffective: nk,
            firstMoments: new Float64Array(k * d),
            block: secondMoments(full, layout, k, d),
            blockOff: 0,
            means: new Float64Array(k * d),
            ridge: new Float64Array(d),
          });
        const a = scatters(seed, k, d);
        const b = scatters(seed + 1, k, d);
        // A structured starting point: this model's estimate from other data.
        const previous = estimate(b.full, b.nk, new Float64Array(spec.covarianceLength(k, d)));
        const next = estimate(a.full, a.nk, previous);
        const before = covarianceObjective(asFull(previous, layout, k, d), a.full, a.nk, k, d);
        const after = covarianceObjective(asFull(next, layout, k, d), a.full, a.nk, k, d);
        expect(after).toBeGreaterThanOrEqual(before - 1e-9 * Math.abs(before));
      }),
      { numRuns: 300 },
    );
  });

  const iterative: [string, (w: Float64Array, nk: Float64Array, prev: Float64Array, k: number, d: number, loop: InnerLoop) => Float64Array, string, InnerLoop][] = [
    ['VEI', (w, nk, prev, k, d, loop) => veiEstimate(w, nk, prev, k, d, loop), 'diag', VEI_LOOP],
    ['VEE', veeEstimate, 'full', VEE_LOOP],
    ['VEV', vevEstimate, 'full', VEV_LOOP],
    ['EVE', (w, nk, prev, k, d, loop) => commonOrientationEstimate(w, nk, prev, k, d, false, loop), 'full', EVE_LOOP],
    ['VVE', (w, nk, prev, k, d, loop) => commonOrientationEstimate(w, nk, prev, k, d, true, loop), 'full', VVE_LOOP],
  ];
  for (const [name, run, layout, loop] of iterative)
    it(`${name}: no round of the inner loop lowers the expected complete-data log-likelihood`, () => {
      fc.assert(
        fc.property(shape, fc.boolean(), ({ seed, k, d }, warm) => {
          const a = scatters(seed, k, d);
          const b = scatters(seed + 7, k, d);
          const w = inLayout(a.full, layout, k, d);
          const previous = warm ? run(inLayout(b.full, layout, k, d), b.nk, new Float64Array(0), k, d, loop) : new Float64Array(0);
          const values: number[] = warm ? [covarianceObjective(asFull(previous, layout, k, d), a.full, a.nk, k, d)] : [];
          run(w, a.nk, previous, k, d, { ...loop, onRound: (cov) => values.push(covarianceObjective(asFull(cov, layout, k, d), a.full, a.nk, k, d)) });
          expect(values.length).toBeGreaterThan(0);
          for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] - 1e-10 * Math.abs(values[i - 1]));
        }),
        { numRuns: 150 },
      );
    });

  it('EVE, VVE: an M-step takes at most ORIENTATION_ROUNDS rounds, and M-steps in a row, each from the last, never lower the objective (a generalised EM step)', () => {
    fc.assert(
      fc.property(shape, ({ seed, k, d }) => {
        const a = scatters(seed, k, d);
        for (const [variable, loop] of [
          [false, EVE_LOOP],
          [true, VVE_LOOP],
        ] as const) {
          expect(loop.maxIter).toBe(ORIENTATION_ROUNDS);
          let rounds = 0;
          let covariances = commonOrientationEstimate(a.full, a.nk, new Float64Array(0), k, d, variable, { ...loop, onRound: () => rounds++ });
          expect(rounds).toBeLessThanOrEqual(ORIENTATION_ROUNDS);
          let objective = covarianceObjective(covariances, a.full, a.nk, k, d);
          for (let step = 0; step < 5; step++) {
            covariances = commonOrientationEstimate(a.full, a.nk, covariances, k, d, variable, loop);
            const next = covarianceObjective(covariances, a.full, a.nk, k, d);
            expect(next).toBeGreaterThanOrEqual(objective - 1e-10 * Math.abs(objective));
            objective = next;
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** The base structure's second-moment block for scatters around the means (zero first moments, means 0). */
function secondMoments(full: Float64Array, layout: string, k: number, d: number): Float64Array {
  if (layout === 'spherical') return Float64Array.from({ length: k }, (_, j) => Array.from({ length: d }, (_, c) => full[j * d * d + c * (d + 1)]).reduce((a, b) => a + b, 0));
  if (layout === 'diag') return inLayout(full, 'diag', k, d);
  return full; // full: the base reads the lower triangle
}
