import { type Dataset, type EStepExecutor, ShardStates, createDataset, fit, planShards, runShardsInProcess } from '@emkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureNames, readFixture, readFixtureTable } from '../../../tools/test-support/fixtures.js';
import { type BoundedAlgorithm, assignRowsBounded } from './bounds.js';
import { assignRowsBoundedWasm } from './bounds-wasm.js';
import { lloyd } from './lloyd.js';
import { type KMeansParams, kmeansPlugin, resolveAlgorithm } from './plugin.js';
import { wasmKernels, type WasmKernels } from '@emkit/linalg';
import { assignRows, assignRowsWasm, createKMeansStats } from './stats.js';

const BOUNDED: readonly BoundedAlgorithm[] = ['hamerly', 'elkan'];

interface KMeansFixture {
  dataset: string;
  k: number;
  init: { centers: number[][] };
  sklearn: { labels: number[]; inertia: number };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** An in-process executor that forgets every shard's state when `forget(call)` says so (a replaced worker, a new pool). */
function forgetfulExecutor(forget: (call: number) => boolean): EStepExecutor {
  const states = new ShardStates();
  let call = 0;
  return {
    eStep(plugin, params, data, shards, signal) {
      if (forget(call++)) states.clear();
      return Promise.resolve(runShardsInProcess(plugin, params, data, shards, signal, states));
    },
  };
}

describe('k-means with bounds on the scikit-learn fixtures', () => {
  const names = fixtureNames('kmeans-');
  it('finds the fixtures', () => expect(names.length).toBeGreaterThanOrEqual(3));

  for (const name of names) {
    const ref = readFixture<KMeansFixture>(name);
    const table = readFixtureTable(ref.dataset);
    const data = createDataset(table.values, table.rows, table.cols);

    for (const algorithm of BOUNDED) {
      it(`${name}: ${algorithm} gives Lloyd's labels, centres, inertia and history bit for bit, with and without the cache`, async () => {
        const plain = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm: 'lloyd' });
        const cached = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm });
        // The cache dropped at every other E-step, then never kept at all.
        const dropped = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm }, { executor: forgetfulExecutor((c) => c % 2 === 1) });
        const never = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm }, { executor: forgetfulExecutor(() => true) });
        // Small shards: several states per run.
        const sharded = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm }, { shardRows: 17 });
        const shardedPlain = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm: 'lloyd' }, { shardRows: 17 });
        expect(Array.from(kmeansPlugin.predict(plain.params, data))).toEqual(ref.sklearn.labels);
        for (const r of [cached, dropped, never]) {
          expect(r.iterations).toBe(plain.iterations);
          expect(sameBits(r.params.centers, plain.params.centers)).toBe(true);
          expect(Object.is(r.logLikelihood, plain.logLikelihood)).toBe(true);
          expect(sameBits(r.history, plain.history)).toBe(true);
        }
        expect(sameBits(sharded.params.centers, shardedPlain.params.centers)).toBe(true);
        expect(sameBits(sharded.history, shardedPlain.history)).toBe(true);
      });
    }

    it(`${name}: Lloyd on the wasm kernels gives the scalar kernels' labels, centres, inertia and history bit for bit (1 and several shards)`, async () => {
      for (const shardRows of [undefined, 17]) {
        const js = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm: 'lloyd', kernels: 'js' }, { shardRows });
        const wasm = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm: 'lloyd', kernels: 'wasm' }, { shardRows });
        expect(wasm.iterations).toBe(js.iterations);
        expect(sameBits(wasm.params.centers, js.params.centers)).toBe(true);
        expect(sameBits(wasm.history, js.history)).toBe(true);
        expect(Array.from(kmeansPlugin.predict(wasm.params, data))).toEqual(ref.sklearn.labels);
      }
    });

    it(`${name}: lloyd() with bounds (auto) equals fit() with Lloyd`, async () => {
      const plain = await fit(kmeansPlugin, data, { k: ref.k, init: ref.init, algorithm: 'lloyd' });
      const direct = lloyd(data, Float64Array.from(ref.init.centers.flat()), ref.k);
      expect(sameBits(direct.centers, plain.params.centers)).toBe(true);
      expect(Array.from(direct.labels)).toEqual(ref.sklearn.labels);
      expect(direct.inertia).toBe(-plain.logLikelihood);
    });
  }
});

/** Rows of d columns: small integers (exact ties are common) or reals. */
const rowsArb = (d: number, integers: boolean) =>
  fc.array(
    fc.array(integers ? fc.integer({ min: -3, max: 3 }) : fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), { minLength: d, maxLength: d }),
    { minLength: 1, maxLength: 60 },
  );

const problem = fc
  .record({ d: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 6 }), integers: fc.boolean(), weighted: fc.boolean() })
  .chain(({ d, k, integers, weighted }) =>
    fc.record({
      d: fc.constant(d),
      k: fc.constant(k),
      rows: rowsArb(d, integers),
      // A sequence of centre sets, as an EM run (or anything else) would present them.
      centres: fc.array(fc.array(integers ? fc.integer({ min: -3, max: 3 }) : fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), { minLength: k * d, maxLength: k * d }), {
        minLength: 1,
        maxLength: 6,
      }),
      weights: weighted ? fc.array(fc.constantFrom(0, 0.5, 1, 2, 3.25), { minLength: 60, maxLength: 60 }) : fc.constant(null),
      shardRows: fc.integer({ min: 1, max: 25 }),
      keep: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    }),
  );

describe('k-means with bounds: properties', () => {
  const wasm = wasmKernels() as WasmKernels;
  /** The bounded E-step on the scalar or the wasm kernels. */
  const bounded = {
    js: assignRowsBounded,
    wasm: (...args: Parameters<typeof assignRowsBounded>) => assignRowsBoundedWasm(wasm, ...args),
  };

  it('each E-step equals Lloyd’s bit for bit, whatever states are kept or dropped between E-steps (scalar and wasm kernels)', () => {
    expect(wasm).not.toBeNull();
    fc.assert(
      fc.property(problem, fc.constantFrom<BoundedAlgorithm>('hamerly', 'elkan'), fc.constantFrom('js' as const, 'wasm' as const), ({ d, k, rows, centres, weights, shardRows, keep }, algorithm, kernels) => {
        const n = rows.length;
        const data: Dataset = createDataset(Float64Array.from(rows.flat()), n, d, { weights: weights === null ? null : weights.slice(0, n) });
        const shards = planShards(n, shardRows);
        const states: unknown[] = shards.map(() => undefined);
        centres.forEach((c, step) => {
          const C = Float64Array.from(c);
          shards.forEach((shard, s) => {
            const expected = createKMeansStats(k, d);
            const expectedValue = assignRows(k, d, C, data, shard.start, shard.end, expected);
            const got = createKMeansStats(k, d);
            const out = bounded[kernels](algorithm, k, d, C, data, shard.start, shard.end, got, keep[step] ? states[s] : undefined);
            states[s] = out.state;
            expect(Object.is(out.logLikelihood, expectedValue)).toBe(true);
            expect(sameBits(got, expected)).toBe(true);
          });
        });
      }),
    );
  });

  it('the wasm Lloyd E-step equals the scalar one bit for bit (statistics continuing across shards, weights, ties)', () => {
    const wasm = wasmKernels() as WasmKernels;
    expect(wasm).not.toBeNull();
    fc.assert(
      fc.property(problem, ({ d, k, rows, centres, weights, shardRows }) => {
        const n = rows.length;
        const data: Dataset = createDataset(Float64Array.from(rows.flat()), n, d, { weights: weights === null ? null : weights.slice(0, n) });
        for (const c of centres) {
          const C = Float64Array.from(c);
          const expected = createKMeansStats(k, d);
          const got = createKMeansStats(k, d);
          for (const shard of planShards(n, shardRows)) {
            const expectedValue = assignRows(k, d, C, data, shard.start, shard.end, expected);
            expect(Object.is(assignRowsWasm(wasm, k, d, C, data, shard.start, shard.end, got), expectedValue)).toBe(true);
            expect(sameBits(got, expected)).toBe(true);
          }
        }
      }),
    );
  });

  it('a fit with bounds equals Lloyd’s fit bit for bit, with the cache kept, dropped at random, or never kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((d) => fc.record({ d: fc.constant(d), rows: rowsArb(d, false), integers: rowsArb(d, true) })),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('hamerly', 'elkan', 'auto', 'lloyd'),
        fc.integer(),
        fc.integer({ min: 1, max: 30 }),
        async ({ d, rows, integers }, k, algorithm, seed, shardRows) => {
          for (const r of [rows, integers]) {
            const distinct = new Set(r.map((x) => x.join(','))).size;
            if (k > r.length || distinct < 1) continue;
            const data = createDataset(Float64Array.from(r.flat()), r.length, d);
            const driver = { seed, shardRows, tol: 0, maxIter: 30 };
            const plain = await fit(kmeansPlugin, data, { k, initMethod: 'random', algorithm: 'lloyd', kernels: 'js' }, driver);
            for (const executor of [undefined, forgetfulExecutor((c) => (seed + c) % 3 === 0), forgetfulExecutor(() => true)]) {
              const fast = await fit(kmeansPlugin, data, { k, initMethod: 'random', algorithm }, { ...driver, executor });
              expect(fast.iterations).toBe(plain.iterations);
              expect(sameBits(fast.params.centers, plain.params.centers)).toBe(true);
              expect(sameBits(fast.history, plain.history)).toBe(true);
              expect(Array.from(kmeansPlugin.predict(fast.params, data))).toEqual(Array.from(kmeansPlugin.predict(plain.params, data)));
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each(['js', 'wasm'] as const)('a state made for other rows, K or algorithm is not used (%s kernels)', (kernels) => {
    const data = createDataset(Float64Array.from([0, 1, 2, 10, 11, 12]), 6, 1);
    const C = Float64Array.from([0, 11]);
    const first = bounded[kernels]('elkan', 2, 1, C, data, 0, 3, createKMeansStats(2, 1), undefined).state;
    for (const [algorithm, k, start, end] of [['hamerly', 2, 0, 3], ['elkan', 2, 3, 6], ['elkan', 2, 0, 2]] as const) {
      const got = createKMeansStats(k, 1);
      const expected = createKMeansStats(k, 1);
      const value = bounded[kernels](algorithm, k, 1, C, data, start, end, got, first).logLikelihood;
      expect(value).toBe(assignRows(k, 1, C, data, start, end, expected));
      expect(sameBits(got, expected)).toBe(true);
    }
  });

  it("'auto' resolves to a bounded method for K ≥ 2 on the scalar kernels, to Lloyd on the wasm ones, and keeps it through the M-step", async () => {
    expect(resolveAlgorithm('auto', 1, 4, 'js')).toBe('lloyd');
    expect(['hamerly', 'elkan']).toContain(resolveAlgorithm('auto', 8, 8, 'js'));
    expect(['hamerly', 'elkan']).toContain(resolveAlgorithm('auto', 16, 32, 'js'));
    expect(resolveAlgorithm('auto', 16, 32, 'wasm')).toBe('lloyd');
    expect(resolveAlgorithm('hamerly', 16, 32, 'wasm')).toBe('hamerly');
    const data = createDataset(Float64Array.from([0, 1, 2, 10, 11, 12]), 6, 1);
    for (const kernels of ['js', 'wasm'] as const) {
      const r = await fit(kmeansPlugin, data, { k: 2, initMethod: 'random', kernels });
      expect((r.params as KMeansParams).algorithm).toBe(resolveAlgorithm('auto', 2, 1, kernels));
    }
  });

  it('rejects an unknown algorithm naming the option', () => {
    expect(() => kmeansPlugin.parseOptions({ k: 2, algorithm: 'yinyang' })).toThrow(/algorithm/);
  });
});
