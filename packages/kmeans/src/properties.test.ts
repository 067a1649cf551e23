import { type Dataset, createDataset, fit } from '@emkit/core';
import { Random } from '@emkit/linalg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlusCenters, randomRowCenters } from './init.js';
import { type KMeansParams, kmeansPlugin } from './plugin.js';
import { statsLayout } from './stats.js';

const RUNS = 60;

/** Real-valued rows: n×d with n ≥ minRows. */
const realData = (minRows = 1, maxRows = 40, maxCols = 3) =>
  fc.integer({ min: 1, max: maxCols }).chain((d) =>
    fc
      // Tiny magnitudes are flushed to 0 so that distinct rows keep a squared distance above underflow.
      .array(fc.array(fc.double({ min: -100, max: 100, noNaN: true }).map((x) => (Math.abs(x) < 1e-100 ? 0 : x)), { minLength: d, maxLength: d }), {
        minLength: minRows,
        maxLength: maxRows,
      })
      .map((rows) => ({ d, rows })),
  );

/** Small-integer rows (sums and squared distances are exact, and ties and duplicates are common). */
const integerData = (minRows = 1, maxRows = 30, maxValue = 4) =>
  fc.integer({ min: 1, max: 3 }).chain((d) =>
    fc
      .array(fc.array(fc.integer({ min: 0, max: maxValue }), { minLength: d, maxLength: d }), { minLength: minRows, maxLength: maxRows })
      .map((rows) => ({ d, rows })),
  );

function dataset(rows: readonly (readonly number[])[], d: number, weights: readonly number[] | null = null): Dataset {
  return createDataset(Float64Array.from(rows.flat()), rows.length, d, { weights });
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

function distinctRowCount(rows: readonly (readonly number[])[]): number {
  return new Set(rows.map((r) => r.join(','))).size;
}

function isDataRow(centers: Float64Array, j: number, data: Dataset): boolean {
  const d = data.cols;
  for (let i = 0; i < data.rows; i++) {
    if (data.weights !== null && !(data.weights[i] > 0)) continue;
    let same = true;
    for (let c = 0; c < d && same; c++) same = centers[j * d + c] === data.values[i * d + c];
    if (same) return true;
  }
  return false;
}

describe('k-means properties', () => {
  it('the same seed gives bit-identical centres (fits with restarts, both init methods)', async () => {
    await fc.assert(
      fc.asyncProperty(realData(4), fc.integer({ min: 1, max: 4 }), fc.constantFrom('kmeans++', 'random'), fc.integer(), async ({ d, rows }, k, initMethod, seed) => {
        fc.pre(k <= rows.length);
        const data = dataset(rows, d);
        const a = await fit(kmeansPlugin, data, { k, initMethod }, { seed, restarts: 2 });
        const b = await fit(kmeansPlugin, data, { k, initMethod }, { seed, restarts: 2 });
        expect(sameBits(a.params.centers, b.params.centers)).toBe(true);
        expect(a.iterations).toBe(b.iterations);
        expect(a.restart).toBe(b.restart);
      }),
      { numRuns: RUNS },
    );
  });

  it('inertia never increases across iterations (history of −inertia is non-decreasing)', async () => {
    await fc.assert(
      fc.asyncProperty(
        realData(2),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('kmeans++', 'random'),
        fc.integer(),
        fc.integer({ min: 1, max: 16 }),
        async ({ d, rows }, k, initMethod, seed, shardRows) => {
          fc.pre(k <= rows.length);
          const result = await fit(kmeansPlugin, dataset(rows, d), { k, initMethod }, { seed, shardRows, tol: 0 });
          const h = result.history;
          for (let i = 1; i < h.length; i++) expect(h[i]).toBeGreaterThanOrEqual(h[i - 1] - 1e-12 * Math.max(1, Math.abs(h[i - 1])));
          expect(result.monotonicityViolations).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('also with given far-away centres that force empty-cluster relocation', async () => {
    await fc.assert(
      fc.asyncProperty(integerData(2), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 8 }), async ({ d, rows }, k, shardRows) => {
        fc.pre(k <= rows.length);
        // Centre 0 on the first row, the others far outside the data [0, 4]^d: all but cluster 0 start empty.
        const far = Array.from({ length: k }, (_, j) => Array.from({ length: d }, (_, c) => (j === 0 ? rows[0][c] : 1000 * j + c)));
        const data = dataset(rows, d);
        const result = await fit(kmeansPlugin, data, { k, init: { centers: far } }, { shardRows, tol: 0 });
        const h = result.history;
        for (let i = 1; i < h.length; i++) expect(h[i]).toBeGreaterThanOrEqual(h[i - 1] - 1e-12 * Math.max(1, Math.abs(h[i - 1])));
        expect(result.monotonicityViolations).toEqual([]);
        // Relocation moved every far centre onto the data.
        for (const x of result.params.centers) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(4);
        }
        // With at least K distinct rows, a converged fit has no empty cluster.
        if (result.converged && distinctRowCount(rows) >= k) expect(new Set(kmeansPlugin.predict(result.params, data)).size).toBe(k);
      }),
      { numRuns: RUNS },
    );
  });

  it('a row of integer weight w gives the same fit as that row repeated w times (weight 0: no row)', async () => {
    await fc.assert(
      fc.asyncProperty(
        integerData(2).chain(({ d, rows }) =>
          fc.record({ d: fc.constant(d), rows: fc.constant(rows), weights: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: rows.length, maxLength: rows.length }) }),
        ),
        fc.integer({ min: 1, max: 2 }),
        fc.nat(),
        async ({ d, rows, weights }, k, pick) => {
          const positive = rows.filter((_, i) => weights[i] > 0);
          fc.pre(positive.length > 0);
          // k = 2 from two distinct rows can never empty a cluster (each centre is the mean of
          // its side of a bisecting hyperplane), so relocation — where weighted and repeated rows
          // legitimately differ — stays out of this comparison.
          const first = positive[pick % positive.length];
          const second = positive.find((r) => r.join() !== first.join());
          fc.pre(k === 1 || second !== undefined);
          const init = { centers: k === 1 ? [first] : [first, second!] };

          const weighted = dataset(rows, d, weights);
          const repeatedRows = rows.flatMap((r, i) => Array.from({ length: weights[i] }, () => r));
          const repeated = dataset(repeatedRows, d);
          const a = await fit(kmeansPlugin, weighted, { k, init }, { tol: 0 });
          const b = await fit(kmeansPlugin, repeated, { k, init }, { tol: 0 });

          // The tolerance scale (mean column variance) counts weighted rows as repeated rows too.
          expect(a.params.dataVariance).toBeCloseTo(b.params.dataVariance, 12);
          expect(a.iterations).toBe(b.iterations);
          // Integer data and weights: every sum is exact, so the centres agree to the bit.
          expect(sameBits(a.params.centers, b.params.centers)).toBe(true);
          expect(Math.abs(a.logLikelihood - b.logLikelihood)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b.logLikelihood)));
          const labelsA = kmeansPlugin.predict(a.params, weighted);
          const expanded = rows.flatMap((_, i) => Array.from({ length: weights[i] }, () => labelsA[i]));
          expect(Array.from(kmeansPlugin.predict(b.params, repeated))).toEqual(expanded);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('statistics of shards merged equal the statistics of the whole, with empty clusters forced', () => {
    fc.assert(
      fc.property(
        integerData(1, 25, 2).chain(({ d, rows }) =>
          fc.record({
            d: fc.constant(d),
            rows: fc.constant(rows),
            weights: fc.option(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: rows.length, maxLength: rows.length }), { nil: null }),
            // K up to 8 on at most 2^d·... few distinct points, plus centres outside the data.
            centers: fc.array(fc.array(fc.integer({ min: -3, max: 6 }), { minLength: d, maxLength: d }), { minLength: 1, maxLength: 8 }),
            cuts: fc.array(fc.nat({ max: rows.length }), { maxLength: 4 }),
          }),
        ),
        ({ d, rows, weights, centers, cuts }) => {
          const k = centers.length;
          const data = dataset(rows, d, weights);
          const params: KMeansParams = { k, cols: d, centers: Float64Array.from(centers.flat()), dataVariance: 1 };
          const statsOf = (start: number, end: number): { stats: Float64Array; ll: number } => {
            const stats = kmeansPlugin.createStats(params, d);
            const ll = kmeansPlugin.eStep(params, data, { start, end }, stats);
            return { stats, ll };
          };
          const whole = statsOf(0, rows.length);

          const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), rows.length];
          const parts = bounds.slice(1).map((end, i) => statsOf(bounds[i], end));
          const merged = kmeansPlugin.createStats(params, d);
          let ll = 0;
          for (const p of parts) {
            kmeansPlugin.mergeStats!(merged, p.stats, params);
            ll += p.ll;
          }
          expect(sameBits(merged, whole.stats)).toBe(true);
          expect(ll === whole.ll).toBe(true); // == : −0 (no rows) and +0 are the same log-likelihood

          // Associativity: merging right-to-left (a ⊕ (b ⊕ c)) gives the same.
          const right = kmeansPlugin.createStats(params, d);
          for (const p of [...parts].reverse()) {
            const acc = p.stats.slice();
            kmeansPlugin.mergeStats!(acc, right, params);
            right.set(acc);
          }
          expect(sameBits(right, whole.stats)).toBe(true);

          // createStats is the identity on both sides.
          const left = kmeansPlugin.createStats(params, d);
          kmeansPlugin.mergeStats!(left, whole.stats, params);
          expect(sameBits(left, whole.stats)).toBe(true);
          const withIdentity = whole.stats.slice();
          kmeansPlugin.mergeStats!(withIdentity, kmeansPlugin.createStats(params, d), params);
          expect(sameBits(withIdentity, whole.stats)).toBe(true);

          // The M-step on merged statistics relocates every empty cluster onto a data row.
          const L = statsLayout(k, d);
          const summary = { rows: rows.length, cols: d, totalWeight: weights === null ? rows.length : weights.reduce((s, w) => s + w, 0) };
          const next = kmeansPlugin.mStep(params, merged, summary, { k, init: null, initMethod: 'kmeans++' });
          const positiveRows = weights === null ? rows.length : weights.filter((w) => w > 0).length;
          let empties = 0;
          for (let j = 0; j < k; j++) if (whole.stats[L.count + j] === 0) empties++;
          if (empties > 0 && empties < positiveRows) {
            for (let j = 0; j < k; j++) if (whole.stats[L.count + j] === 0) expect(isDataRow(next.centers, j, data)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a fit does not depend on the shard size', async () => {
    await fc.assert(
      fc.asyncProperty(integerData(2, 40), fc.integer({ min: 1, max: 6 }), fc.integer(), fc.integer({ min: 1, max: 7 }), async ({ d, rows }, k, seed, shardRows) => {
        fc.pre(k <= rows.length);
        const data = dataset(rows, d);
        const a = await fit(kmeansPlugin, data, { k }, { seed });
        const b = await fit(kmeansPlugin, data, { k }, { seed, shardRows });
        expect(sameBits(a.params.centers, b.params.centers)).toBe(true);
        expect(a.iterations).toBe(b.iterations);
      }),
      { numRuns: RUNS },
    );
  });

  it('k-means++ and random init choose data rows (random: k distinct rows; never a weight-0 row)', () => {
    fc.assert(
      fc.property(
        realData(1, 30).chain(({ d, rows }) =>
          fc.record({
            d: fc.constant(d),
            rows: fc.constant(rows),
            weights: fc.option(fc.array(fc.constantFrom(0, 0.5, 1, 3), { minLength: rows.length, maxLength: rows.length }), { nil: null }),
            k: fc.integer({ min: 1, max: 8 }),
          }),
        ),
        fc.integer(),
        ({ d, rows, weights, k }, seed) => {
          const data = dataset(rows, d, weights);
          const positive = weights === null ? rows.length : weights.filter((w) => w > 0).length;
          fc.pre(k <= positive);
          const pp = kmeansPlusPlusCenters(data, k, new Random(seed));
          const rnd = randomRowCenters(data, k, new Random(seed));
          expect(pp.length).toBe(k * d);
          expect(rnd.length).toBe(k * d);
          for (let j = 0; j < k; j++) {
            expect(isDataRow(pp, j, data)).toBe(true);
            expect(isDataRow(rnd, j, data)).toBe(true);
          }
          const positiveRows = rows.filter((_, i) => weights === null || weights[i] > 0);
          if (distinctRowCount(positiveRows) === positiveRows.length) {
            // Distinct rows: distinct indices show as distinct centres; k-means++ never redraws a chosen row.
            const centresOf = (c: Float64Array) => new Set(Array.from({ length: k }, (_, j) => Array.from(c.subarray(j * d, (j + 1) * d)).join()));
            expect(centresOf(rnd).size).toBe(k);
            expect(centresOf(pp).size).toBe(k);
          }
          expect(sameBits(kmeansPlusPlusCenters(data, k, new Random(seed)), pp)).toBe(true);
          expect(sameBits(randomRowCenters(data, k, new Random(seed)), rnd)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
