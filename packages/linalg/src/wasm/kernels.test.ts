import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '../random.js';
import { axpy, nearestRow } from '../vector.js';
import { padded, SCATTER, wasmKernels, type WasmKernels } from './kernels.js';

const kernels = wasmKernels() as WasmKernels;

const bits = new BigInt64Array(1);
const float = new Float64Array(bits.buffer);
/** Distance in units in the last place (through the ordered integer representation). */
function ulps(a: number, b: number): number {
  const ord = (x: number): bigint => {
    float[0] = x;
    const v = bits[0];
    return v < 0n ? -(v & 0x7fffffffffffffffn) : v;
  };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}

function close(actual: number, expected: number, tolerance = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

describe('wasm exp and log', () => {
  it('loads in Node', () => expect(kernels).not.toBeNull());

  it('exp is within 2 ulp of Math.exp from −745 to 709.7, through the array kernel too', () => {
    const random = new Random(1);
    const n = 200_000;
    const [x] = kernels.layout([n]);
    const f = kernels.f64;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = -745 + random.next() * (709.7 + 745);
    f.set(xs, x / 8);
    kernels.exports.expArray(x, n, x);
    const out = kernels.f64;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, ulps(out[x / 8 + i], Math.exp(xs[i])));
      if (i % 97 === 0) expect(kernels.exp(xs[i])).toBe(out[x / 8 + i]);
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('log is within 2 ulp of Math.log from subnormals to the largest double', () => {
    const random = new Random(2);
    const n = 200_000;
    const [x] = kernels.layout([n]);
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = i % 10 === 0 ? random.next() * 1e-310 : Math.exp(-708 + random.next() * 1417);
    kernels.f64.set(xs, x / 8);
    kernels.exports.logArray(x, n, x);
    const out = kernels.f64;
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, ulps(out[x / 8 + i], Math.log(xs[i])));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('special values as Math.exp and Math.log', () => {
    for (const v of [0, -0, Infinity, -Infinity, NaN, 710, 709.78, -745.13, -745.2, -800, 1, -1, 5e-324, 1e-300])
      for (const [mine, reference] of [
        [kernels.exp(v), Math.exp(v)],
        [kernels.log(v), Math.log(v)],
      ]) {
        if (Number.isNaN(reference)) expect(mine).toBeNaN();
        else expect(ulps(mine, reference)).toBeLessThanOrEqual(1);
      }
  });
});

/** rows×cols values from a fast-check seed. */
function values(seed: number, n: number, scale = 3): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: n }, () => scale * random.nextNormal());
}

const shape = fc.record({ rows: fc.integer({ min: 1, max: 9 }), d: fc.integer({ min: 1, max: 11 }), k: fc.integer({ min: 1, max: 11 }), seed: fc.integer({ min: 0, max: 1e6 }) });

describe('wasm row kernels against their definitions', () => {
  it('mahalanobisFull: offsets[j] − ½‖(x − μ_j)·U_j‖²', () => {
    fc.assert(
      fc.property(shape, ({ rows, d, k, seed }) => {
        const dp = padded(d);
        const x = values(seed, rows * d);
        const means = values(seed + 1, k * d);
        const u = values(seed + 2, k * d * d, 1);
        const offsets = values(seed + 3, k);
        const [px, pm, pu, po, pout, pz, py] = kernels.layout([rows * d, k * d, k * d * dp, padded(k), rows * k, rows * dp, rows * dp]);
        const f = kernels.f64;
        f.set(x, px / 8);
        f.set(means, pm / 8);
        f.set(offsets, po / 8);
        for (let j = 0; j < k; j++) for (let r = 0; r < d; r++) for (let c = r; c < d; c++) f[pu / 8 + j * d * dp + r * dp + c] = u[j * d * d + r * d + c];
        kernels.exports.mahalanobisFull(px, rows, d, dp, pm, pu, k, po, pout, pz, py);
        const out = kernels.f64;
        for (let q = 0; q < rows; q++)
          for (let j = 0; j < k; j++) {
            let s = 0;
            for (let c = 0; c < d; c++) {
              let y = 0;
              for (let r = 0; r <= c; r++) y += (x[q * d + r] - means[j * d + r]) * u[j * d * d + r * d + c];
              s += y * y;
            }
            close(out[pout / 8 + q * k + j], offsets[j] - 0.5 * s);
          }
      }),
    );
  });

  it('scaledDistances: offsets[j] − ½Σ((x_c − m_cj)·s_cj)²', () => {
    fc.assert(
      fc.property(shape, ({ rows, d, k, seed }) => {
        const kp = padded(k);
        const x = values(seed, rows * d);
        const m = values(seed + 1, d * kp);
        const s = values(seed + 2, d * kp, 1);
        const offsets = values(seed + 3, kp);
        const [px, pm, ps, po, pout] = kernels.layout([rows * d, d * kp, d * kp, kp, rows * k]);
        const f = kernels.f64;
        f.set(x, px / 8);
        f.set(m, pm / 8);
        f.set(s, ps / 8);
        f.set(offsets, po / 8);
        kernels.exports.scaledDistances(px, rows, d, d, pm, ps, kp, k, po, pout);
        const out = kernels.f64;
        for (let q = 0; q < rows; q++)
          for (let j = 0; j < k; j++) {
            let sum = 0;
            for (let c = 0; c < d; c++) sum += ((x[q * d + c] - m[c * kp + j]) * s[c * kp + j]) ** 2;
            close(out[pout / 8 + q * k + j], offsets[j] - 0.5 * sum);
          }
      }),
    );
  });

  it('gemmRows: bias + x·W', () => {
    fc.assert(
      fc.property(shape, ({ rows, d, k, seed }) => {
        const kp = padded(k);
        const x = values(seed, rows * d);
        const centres = values(seed + 1, k * d);
        const [px, pw, pb, pout] = kernels.layout([rows * d, d * kp, kp, rows * k]);
        const f = kernels.f64;
        f.set(x, px / 8);
        for (let j = 0; j < kp; j++) {
          let n = 0;
          for (let c = 0; c < d; c++) {
            const v = j < k ? centres[j * d + c] : 0;
            f[pw / 8 + c * kp + j] = -2 * v;
            n += v * v;
          }
          f[pb / 8 + j] = j < k ? n : Infinity;
        }
        kernels.exports.gemmRows(px, rows, d, pw, kp, k, pb, pout, k);
        const out = kernels.f64;
        for (let q = 0; q < rows; q++)
          for (let j = 0; j < k; j++) {
            let dot = 0;
            for (let c = 0; c < d; c++) dot += x[q * d + c] * centres[j * d + c];
            let n = 0;
            for (let c = 0; c < d; c++) n += centres[j * d + c] ** 2;
            close(out[pout / 8 + q * k + j], n - 2 * dot, 1e-12 * (1 + n));
          }
      }),
    );
  });

  it('gemmRowsStrided and crossAccumulate: strided rows against a matrix, and Σ_q w_q·a_q·b_qᵀ', () => {
    fc.assert(
      fc.property(shape, fc.integer({ min: 0, max: 3 }), ({ rows, d, k, seed }, extra) => {
        const xs = d + extra;
        const kp = padded(k);
        const np = padded(d);
        const x = values(seed, rows * xs);
        const w = values(seed + 1, d * kp, 1);
        const a = values(seed + 2, rows * k);
        const weights = values(seed + 3, rows, 1);
        const [px, pw, pb, pout, pa, pbb, pwt, pacc] = kernels.layout([rows * xs, d * kp, kp, rows * k, rows * k, rows * np, rows, k * np]);
        const f = kernels.f64;
        f.set(x, px / 8);
        f.set(w, pw / 8);
        f.set(a, pa / 8);
        f.set(weights, pwt / 8);
        for (let q = 0; q < rows; q++) for (let c = 0; c < d; c++) f[pbb / 8 + q * np + c] = x[q * xs + c];
        kernels.exports.gemmRowsStrided(px, xs, rows, d, pw, kp, k, pb, pout, k);
        kernels.exports.crossAccumulate(pa, k, k, pbb, np, np, pwt, rows, pacc);
        kernels.exports.crossAccumulate(pa, k, k, pbb, np, np, pwt, rows, pacc);
        const out = kernels.f64;
        for (let q = 0; q < rows; q++)
          for (let j = 0; j < k; j++) {
            let s = 0;
            for (let c = 0; c < d; c++) s += x[q * xs + c] * w[c * kp + j];
            close(out[pout / 8 + q * k + j], s);
          }
        for (let i = 0; i < k; i++)
          for (let c = 0; c < np; c++) {
            let s = 0;
            for (let q = 0; q < rows; q++) s += weights[q] * a[q * k + i] * (c < d ? x[q * xs + c] : 0);
            close(out[pacc / 8 + i * np + c], 2 * s);
          }
      }),
    );
  });

  it('softmaxRows: responsibilities and log-sum-exp, non-finite rows counted and left', () => {
    fc.assert(
      fc.property(shape, ({ rows, k, seed }) => {
        const logp = values(seed, rows * k, 300);
        // Row 0 all −∞ (every fifth seed); the last row with a NaN or a +∞ entry (every third
        // and seventh, where there are two rows): counted and left, their lse not finite.
        const left = new Set<number>();
        if (seed % 5 === 0) {
          logp.fill(-Infinity, 0, k);
          left.add(0);
        }
        if (rows > 1 && (seed % 3 === 0 || seed % 7 === 0)) {
          logp[(rows - 1) * k + (seed % k)] = seed % 3 === 0 ? NaN : Infinity;
          left.add(rows - 1);
        }
        const [pl, pr, ps] = kernels.layout([rows * k, rows * k, rows]);
        kernels.f64.set(logp, pl / 8);
        const bad = kernels.exports.softmaxRows(pl, rows, k, pr, ps);
        expect(bad).toBe(left.size);
        const f = kernels.f64;
        for (const q of left) expect(Number.isFinite(f[ps / 8 + q])).toBe(false);
        for (let q = 0; q < rows; q++) {
          if (left.has(q)) continue;
          let max = -Infinity;
          for (let j = 0; j < k; j++) max = Math.max(max, logp[q * k + j]);
          let sum = 0;
          for (let j = 0; j < k; j++) sum += Math.exp(logp[q * k + j] - max);
          close(f[ps / 8 + q], max + Math.log(sum));
          for (let j = 0; j < k; j++) close(f[pr / 8 + q * k + j], Math.exp(logp[q * k + j] - max) / sum);
        }
      }),
    );
  });

  it('componentStats (none, full, diag, spherical) and pooledScatter: weighted moments around reference points, zero weights included', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(SCATTER.none, SCATTER.full, SCATTER.diag, SCATTER.spherical), ({ rows, d, k, seed }, mode) => {
        const dp = padded(d);
        const x = values(seed, rows * d);
        const means = values(seed + 1, k * d);
        // Every third weight exactly 0: those rows are left out of that component's sums.
        const wr = values(seed + 2, rows * k, 1).map((v, i) => (i % 3 === 1 ? 0 : Math.abs(v)));
        const centre = values(seed + 3, d);
        const blockLength = mode === SCATTER.full ? k * d * d : mode === SCATTER.diag ? k * d : k;
        const [px, pm, pw, pn, pf, pb, pz, pa, pt, pc, pp] = kernels.layout([rows * d, k * d, rows * k, k, k * d, blockLength, rows * dp, rows * dp, d * dp, d, d * d]);
        const f = kernels.f64;
        f.set(x, px / 8);
        f.set(means, pm / 8);
        f.set(wr, pw / 8);
        f.set(centre, pc / 8);
        kernels.exports.componentStats(px, rows, d, dp, pw, k, pm, pn, pf, pb, mode, pz, pa, pt);
        kernels.exports.pooledScatter(px, rows, d, dp, pw, k, pc, pp, pz, pa, pt);
        const out = kernels.f64;
        for (let j = 0; j < k; j++) {
          let n = 0;
          const first = new Float64Array(d);
          const second = new Float64Array(d * d);
          for (let q = 0; q < rows; q++) {
            const w = wr[q * k + j];
            n += w;
            for (let r = 0; r < d; r++) {
              first[r] += w * (x[q * d + r] - means[j * d + r]);
              for (let c = 0; c < d; c++) second[r * d + c] += w * (x[q * d + r] - means[j * d + r]) * (x[q * d + c] - means[j * d + c]);
            }
          }
          close(out[pn / 8 + j], n);
          for (let r = 0; r < d; r++) close(out[pf / 8 + j * d + r], first[r]);
          if (mode === SCATTER.full)
            for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) expect(out[pb / 8 + j * d * d + r * d + c]).toBeCloseTo(c <= r ? second[r * d + c] : 0, 10);
          if (mode === SCATTER.diag) for (let c = 0; c < d; c++) close(out[pb / 8 + j * d + c], second[c * d + c]);
          if (mode === SCATTER.spherical) {
            let trace = 0;
            for (let c = 0; c < d; c++) trace += second[c * d + c];
            close(out[pb / 8 + j], trace);
          }
        }
        for (let r = 0; r < d; r++)
          for (let c = 0; c < d; c++) {
            let s = 0;
            for (let q = 0; q < rows; q++) {
              let t = 0;
              for (let j = 0; j < k; j++) t += wr[q * k + j];
              s += t * (x[q * d + r] - centre[r]) * (x[q * d + c] - centre[c]);
            }
            expect(out[pp / 8 + r * d + c]).toBeCloseTo(c <= r ? s : 0, 10);
          }
      }),
    );
  });

  it('componentStats over more rows than one call lists (5000, split inside) still sums every row', () => {
    const rows = 5000;
    const d = 3;
    const k = 2;
    const dp = padded(d);
    const x = values(7, rows * d);
    const wr = values(8, rows * k, 1).map(Math.abs);
    for (const mode of [SCATTER.diag, SCATTER.full]) {
      const blockLength = mode === SCATTER.full ? k * d * d : k * d;
      const [px, pm, pw, pn, pf, pb, pz, pa, pt] = kernels.layout([rows * d, k * d, rows * k, k, k * d, blockLength, rows * dp, rows * dp, d * dp]);
      const f = kernels.f64;
      f.set(x, px / 8);
      f.set(wr, pw / 8);
      kernels.exports.componentStats(px, rows, d, dp, pw, k, pm, pn, pf, pb, mode, pz, pa, pt);
      const out = kernels.f64;
      for (let j = 0; j < k; j++) {
        let n = 0;
        const first = new Float64Array(d);
        const second = new Float64Array(d);
        for (let q = 0; q < rows; q++) {
          const w = wr[q * k + j];
          n += w;
          for (let c = 0; c < d; c++) {
            first[c] += w * x[q * d + c];
            second[c] += w * x[q * d + c] * x[q * d + c];
          }
        }
        close(out[pn / 8 + j], n);
        for (let c = 0; c < d; c++) {
          close(out[pf / 8 + j * d + c], first[c]);
          close(out[pb / 8 + (mode === SCATTER.full ? j * d * d + c * d + c : j * d + c)], second[c]);
        }
      }
    }
  });

  it("nearestCentresExact and lloydStats: Lloyd's labels, distances, inertia, counts and centre sums bit for bit (scalar nearestRow, axpy)", () => {
    fc.assert(
      fc.property(shape, fc.boolean(), fc.boolean(), ({ rows, d, k, seed }, duplicate, weighted) => {
        const kp = padded(k);
        const x = values(seed, rows * d);
        const centres = values(seed + 1, k * d);
        // Equal centres: the first of equal distances wins, as in nearestRow.
        if (duplicate && k > 1) centres.copyWithin((k - 1) * d, 0, d);
        const w = weighted ? values(seed + 2, rows, 1).map((v, i) => (i % 4 === 3 ? 0 : Math.abs(v))) : null;
        const [px, pc, pl, pd, pw, pacc, pn, pws, ps] = kernels.layout([rows * d, d * kp, rows, rows, rows, 2, k, k, k * d]);
        let f = kernels.f64;
        f.set(x, px / 8);
        for (let c = 0; c < d; c++) for (let j = 0; j < kp; j++) f[pc / 8 + c * kp + j] = j < k ? centres[j * d + c] : NaN;
        if (w) f.set(w, pw / 8);
        expect(kernels.exports.nearestCentresExact(px, rows, d, pc, kp, k, pl, pd)).toBe(0);
        // A floor the distances reach: the kernel stops after each row at or above it.
        const floor = 5 * d;
        f[pacc / 8 + 1] = floor;
        const stops: number[] = [];
        for (let q = 0; q < rows; ) {
          q = kernels.exports.lloydStats(px, q, rows, d, pl, pd, w ? pw : 0, pacc, pn, pws, ps);
          stops.push(q);
        }
        f = kernels.f64;
        const labels = kernels.i32;
        const best = new Float64Array(1);
        const sums = new Float64Array(k * d);
        const counts = new Float64Array(k);
        const wsum = new Float64Array(k);
        const expectedStops: number[] = [];
        let inertia = 0;
        for (let q = 0; q < rows; q++) {
          const label = nearestRow(x, q * d, centres, 0, k, d, best, 0);
          expect(labels[pl / 4 + q]).toBe(label);
          expect(Object.is(f[pd / 8 + q], best[0])).toBe(true);
          const wq = w ? w[q] : 1;
          if (wq === 0) continue;
          inertia += wq * best[0];
          counts[label] += 1;
          wsum[label] += wq;
          axpy(wq, x, q * d, sums, label * d, d);
          if (best[0] >= floor) expectedStops.push(q + 1);
        }
        if (expectedStops.at(-1) !== rows) expectedStops.push(rows);
        expect(stops).toEqual(expectedStops);
        expect(Object.is(f[pacc / 8], inertia)).toBe(true);
        for (let j = 0; j < k; j++) expect([f[pn / 8 + j], f[pws / 8 + j]]).toEqual([counts[j], wsum[j]]);
        for (let i = 0; i < k * d; i++) expect(Object.is(f[ps / 8 + i], sums[i])).toBe(true);
      }),
    );
  });

  it('nearestCentresExact leaves rows without a finite distance to the caller (label −1)', () => {
    const d = 3;
    const k = 3;
    const [px, pc, pl, pd] = kernels.layout([2 * d, d * 4, 2, 2]);
    const f = kernels.f64;
    f.set([NaN, 0, 0, 1, 2, 3], px / 8);
    f.set([0, 1, 2, NaN, 0, 1, 2, NaN, 0, 1, 2, NaN], pc / 8);
    expect(kernels.exports.nearestCentresExact(px, 2, d, pc, 4, k, pl, pd)).toBe(1);
    expect(kernels.i32[pl / 4]).toBe(-1);
    expect(kernels.i32[pl / 4 + 1]).toBe(2);
  });

  it('softmaxRows flushes weights below e^−100 of the row\'s largest to 0 and keeps the rest; the log-sum keeps its bits', () => {
    // Shifted by 7: the flush is relative to the row's maximum.
    const row = [0, -99.5, -100.5, -709, -745.5, -800, -1e300, -5].map((t) => t + 7);
    const k = row.length;
    const [pl, pr, ps] = kernels.layout([k, k, 1]);
    kernels.f64.set(row, pl / 8);
    expect(kernels.exports.softmaxRows(pl, 1, k, pr, ps)).toBe(0);
    const f = kernels.f64;
    const sum = 1 + Math.exp(-99.5) + Math.exp(-5);
    close(f[pr / 8], 1 / sum);
    close(f[pr / 8 + 1] / Math.exp(-99.5), 1 / sum);
    for (const j of [2, 3, 4, 5, 6]) expect(f[pr / 8 + j]).toBe(0);
    close(f[pr / 8 + 7], Math.exp(-5) / sum);
    // The flushed terms (e^−100.5 and below) are far under half an ulp of the sum.
    expect(1 + Math.exp(-100.5) + Math.exp(-5)).toBe(sum);
    close(f[ps / 8], 7 + Math.log(sum));
  });
});

describe('reserved wasm memory', () => {
  it('keeps its contents across layouts, which never overlap it; a released block is reused', () => {
    const a = {};
    const b = {};
    const [ra] = kernels.reserve(a, [100]);
    const [rb, rb2] = kernels.reserve(b, [50, 3]);
    kernels.f64.fill(7, ra / 8, ra / 8 + 100);
    kernels.f64.fill(9, rb / 8, rb2 / 8 + 3);
    // Regions do not overlap, and a layout starts after every reserved block.
    expect(rb).toBeGreaterThanOrEqual(ra + 800);
    const [scratch] = kernels.layout([1000]);
    expect(scratch).toBeGreaterThanOrEqual(rb2 + 24);
    kernels.f64.fill(1, scratch / 8, scratch / 8 + 1000);
    expect(kernels.f64.subarray(ra / 8, ra / 8 + 100).every((v) => v === 7)).toBe(true);
    expect(kernels.f64.subarray(rb / 8, rb2 / 8 + 3).every((v) => v === 9)).toBe(true);
    // Released: the next block of that size takes its place (zeroed); reserving again for an owner replaces its block.
    kernels.release(a);
    const c = {};
    const [rc] = kernels.reserve(c, [100]);
    expect(rc).toBe(ra);
    expect(kernels.f64.subarray(rc / 8, rc / 8 + 100).every((v) => v === 0)).toBe(true);
    kernels.release(b);
    kernels.release(c);
    expect(kernels.layout([1])[0]).toBe(ra);
  });
});
