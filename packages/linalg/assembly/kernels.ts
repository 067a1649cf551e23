// emkit's WebAssembly SIMD128 kernels (AssemblyScript, compiled by `pnpm build` in @emkit/linalg).
//
// Every pointer is a byte offset into the module's own memory; the JavaScript side
// (src/wasm/kernels.ts) copies rows in, calls a kernel on a chunk of rows, and reads the result.
// Matrices are row-major f64. "Padded" widths (dp, kp) are even, so that each row of a padded
// matrix is a whole number of f64x2 vectors; padding entries are zero unless stated otherwise.
//
// The arithmetic is plain IEEE double (no fused multiply-add, no relaxed SIMD), and exp/log are
// computed here rather than by the host, so every engine gives the same bits.

// ---------------------------------------------------------------------------------------------
// exp and log, two lanes at a time

import { EXP_TABLE, LN2_OVER_N_HI, LN2_OVER_N_LO, N_OVER_LN2 } from '../src/exp-table';

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
/** 1.5·2^52: adding and subtracting it rounds to the nearest integer; its low bits then hold it. */
const SHIFT: f64 = 6755399441055744.0;
const SQRT2: f64 = 1.4142135623730951;
// fdlibm's e_log.c polynomial for log(1 + f) in s = f / (2 + f).
const LG1: f64 = 6.666666666666735130e-1;
const LG2: f64 = 3.999999999940941908e-1;
const LG3: f64 = 2.857142874366239149e-1;
const LG4: f64 = 2.222219843214978396e-1;
const LG5: f64 = 1.818357216161805012e-1;
const LG6: f64 = 1.531383769920937332e-1;
const LG7: f64 = 1.479819860511658591e-1;
const TWO54: f64 = 18014398509481984.0;
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/** Byte address of exp's table of 2^(i/64) as pairs [hi, lo] (src/exp-table.ts). */
const EXP_TABLE_AT: usize = EXP_TABLE.dataStart;

/**
 * e^x per lane (glibc's method, as src/exp.ts): x = (64·e + i)·ln2/64 + r with |r| ≤ ln2/128,
 * e^x = 2^e · 2^(i/64) · e^r, 2^(i/64) from a table in two parts, e^r − 1 by its Taylor
 * polynomial to r⁵ (the remainder is below 4·10⁻¹⁷ relative), then ·2^e in two exact steps so a
 * subnormal result is rounded once. Within 1 ulp over the whole range; +∞ above 709.78, 0 below
 * −745.2, NaN stays NaN.
 */
// @ts-ignore: decorator
@inline
function expV(x: v128): v128 {
  return expReduced(f64x2.pmin(f64x2.pmax(x, f64x2.splat(-746.0)), f64x2.splat(710.0)), true);
}

/**
 * expV for x in [−708, 0] (softmaxRows' shifted log-densities): no clamp, and the result, never
 * subnormal there, scaled by 2^e in one exact step — the same bits as expV.
 */
// @ts-ignore: decorator
@inline
function expNormalV(x: v128): v128 {
  return expReduced(x, false);
}

/** e^xc for a clamped xc; `twoSteps`: scale by 2^e in two exact steps (a subnormal result is rounded once). */
// @ts-ignore: decorator
@inline
function expReduced(xc: v128, twoSteps: bool): v128 {
  const t = f64x2.add(f64x2.mul(xc, f64x2.splat(N_OVER_LN2)), f64x2.splat(SHIFT));
  const kf = f64x2.sub(t, f64x2.splat(SHIFT));
  const r = f64x2.sub(f64x2.sub(xc, f64x2.mul(kf, f64x2.splat(LN2_OVER_N_HI))), f64x2.mul(kf, f64x2.splat(LN2_OVER_N_LO)));
  const k = i64x2.sub(t, f64x2.splat(SHIFT));
  const i0 = <usize>(i64x2.extract_lane(k, 0) & 63) << 4;
  const i1 = <usize>(i64x2.extract_lane(k, 1) & 63) << 4;
  const hi = f64x2.replace_lane(f64x2.splat(load<f64>(EXP_TABLE_AT + i0)), 1, load<f64>(EXP_TABLE_AT + i1));
  const lo = f64x2.replace_lane(f64x2.splat(load<f64>(EXP_TABLE_AT + i0, 8)), 1, load<f64>(EXP_TABLE_AT + i1, 8));
  let q = f64x2.add(f64x2.mul(r, f64x2.splat(1.0 / 120.0)), f64x2.splat(1.0 / 24.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(1.0 / 6.0));
  q = f64x2.add(f64x2.mul(q, r), f64x2.splat(0.5));
  const p = f64x2.add(r, f64x2.mul(f64x2.mul(r, r), q));
  const m = f64x2.add(hi, f64x2.add(f64x2.mul(hi, p), lo));
  const e = i64x2.shr_s(k, 6);
  if (!twoSteps) return f64x2.mul(m, i64x2.shl(i64x2.add(e, i64x2.splat(1023)), 52));
  const e1 = i64x2.shr_s(e, 1);
  const e2 = i64x2.sub(e, e1);
  const s1 = i64x2.shl(i64x2.add(e1, i64x2.splat(1023)), 52);
  const s2 = i64x2.shl(i64x2.add(e2, i64x2.splat(1023)), 52);
  return f64x2.mul(f64x2.mul(m, s1), s2);
}

/**
 * log x per lane (fdlibm's method): x = 2^e·m with m in [√½, √2), f = m − 1, s = f/(2 + f),
 * log(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), e·ln2 in two parts. Within 1 ulp; log 0 = −∞,
 * log of a negative number or NaN = NaN, log ∞ = ∞.
 */
// @ts-ignore: decorator
@inline
function logV(x: v128): v128 {
  const sub = f64x2.lt(x, f64x2.splat(MIN_NORMAL));
  const xs = v128.bitselect(f64x2.mul(x, f64x2.splat(TWO54)), x, sub);
  const ebias = v128.bitselect(i64x2.splat(1023 + 54), i64x2.splat(1023), sub);
  let e = i64x2.sub(i64x2.shr_u(xs, 52), ebias);
  let m = v128.or(v128.and(xs, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, f64x2.splat(SQRT2));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  e = i64x2.sub(e, big); // big lanes are all ones = −1
  const dk = f64x2.sub(i64x2.add(e, f64x2.splat(SHIFT)), f64x2.splat(SHIFT));
  const f = f64x2.sub(m, f64x2.splat(1.0));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(LG2), f64x2.mul(w, f64x2.add(f64x2.splat(LG4), f64x2.mul(w, f64x2.splat(LG6))))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(LG1), f64x2.mul(w, f64x2.add(f64x2.splat(LG3), f64x2.mul(w, f64x2.add(f64x2.splat(LG5), f64x2.mul(w, f64x2.splat(LG7))))))));
  const rr = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const inner = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, rr)), f64x2.mul(dk, f64x2.splat(LN2_LO)));
  let out = f64x2.sub(f64x2.mul(dk, f64x2.splat(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, inner), f));
  // Special values: 0 → −∞, +∞ → +∞, negative or NaN → NaN.
  out = v128.bitselect(f64x2.splat(-Infinity), out, f64x2.eq(x, f64x2.splat(0.0)));
  out = v128.bitselect(x, out, f64x2.eq(x, f64x2.splat(Infinity)));
  out = v128.bitselect(f64x2.splat(NaN), out, v128.not(f64x2.ge(x, f64x2.splat(0.0))));
  return out;
}

/** out[i] = e^x[i] for i < n (out may be x). */
export function expArray(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = x + (<usize>i << 3);
    const o = out + (<usize>i << 3);
    const a = expV(v128.load(p));
    const b = expV(v128.load(p, 16));
    v128.store(o, a);
    v128.store(o, b, 16);
  }
  for (; i < n; i++) store<f64>(out + (<usize>i << 3), f64x2.extract_lane(expV(f64x2.splat(load<f64>(x + (<usize>i << 3)))), 0));
}

/** out[i] = log x[i] for i < n (out may be x). */
export function logArray(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), logV(v128.load(x + (<usize>i << 3))));
  for (; i < n; i++) store<f64>(out + (<usize>i << 3), f64x2.extract_lane(logV(f64x2.splat(load<f64>(x + (<usize>i << 3)))), 0));
}

/** e^x of one number, by the same arithmetic as expArray. */
export function exp1(x: f64): f64 {
  return f64x2.extract_lane(expV(f64x2.splat(x)), 0);
}

/** log x of one number, by the same arithmetic as logArray. */
export function log1(x: f64): f64 {
  return f64x2.extract_lane(logV(f64x2.splat(x)), 0);
}

// ---------------------------------------------------------------------------------------------
// Row blocks against matrices

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * z = x − v: rows×d (stride d) minus a d-vector, into z with stride dp (the pad columns zeroed).
 */
export function subtractRows(x: usize, rows: i32, d: i32, v: usize, z: usize, dp: i32): void {
  for (let q = 0; q < rows; q++) {
    const xr = at(x, q * d);
    const zr = at(z, q * dp);
    let c = 0;
    for (; c + 2 <= d; c += 2) v128.store(at(zr, c), f64x2.sub(v128.load(at(xr, c)), v128.load(at(v, c))));
    if (c < d) {
      store<f64>(at(zr, c), load<f64>(at(xr, c)) - load<f64>(at(v, c)));
      store<f64>(at(zr, c + 1), 0.0);
    }
  }
}

/**
 * y = z·U for rows×d rows z (stride dp) and an upper-triangular d×d U padded to d×dp (zeros
 * below the diagonal and in the pad columns): a triangular GEMM in 2-row × 8-column register
 * blocks, each y[q][c] summed over r = 0, 1, … in order. y has stride dp.
 */
export function triangularRows(z: usize, rows: i32, d: i32, dp: i32, u: usize, y: usize): void {
  triangular(z, rows, d, dp, u, y, false);
}

/**
 * triangularRows' kernel. With `norms`, y is not stored: y[q] receives ‖z_q·U‖² instead (the
 * squares added per vector as the blocks come, then the two lanes).
 */
// @ts-ignore: decorator
@inline
function triangular(z: usize, rows: i32, d: i32, dp: i32, u: usize, y: usize, norms: bool): void {
  let q = 0;
  for (; q + 2 <= rows; q += 2) {
    const z0 = at(z, q * dp);
    const z1 = at(z, (q + 1) * dp);
    const y0 = at(y, norms ? q : q * dp);
    const y1 = at(y, norms ? q + 1 : (q + 1) * dp);
    let n0 = f64x2.splat(0.0), n1 = f64x2.splat(0.0);
    let c = 0;
    for (; c + 8 <= dp; c += 8) {
      let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
      let b0 = f64x2.splat(0.0), b1 = f64x2.splat(0.0), b2 = f64x2.splat(0.0), b3 = f64x2.splat(0.0);
      const rEnd = min(c + 8, d);
      for (let r = 0; r < rEnd; r++) {
        const ur = at(u, r * dp + c);
        const u0 = v128.load(ur), u1 = v128.load(ur, 16), u2 = v128.load(ur, 32), u3 = v128.load(ur, 48);
        const s = v128.load64_splat(at(z0, r));
        const t = v128.load64_splat(at(z1, r));
        a0 = f64x2.add(a0, f64x2.mul(s, u0));
        a1 = f64x2.add(a1, f64x2.mul(s, u1));
        a2 = f64x2.add(a2, f64x2.mul(s, u2));
        a3 = f64x2.add(a3, f64x2.mul(s, u3));
        b0 = f64x2.add(b0, f64x2.mul(t, u0));
        b1 = f64x2.add(b1, f64x2.mul(t, u1));
        b2 = f64x2.add(b2, f64x2.mul(t, u2));
        b3 = f64x2.add(b3, f64x2.mul(t, u3));
      }
      if (norms) {
        n0 = f64x2.add(n0, squares4(a0, a1, a2, a3));
        n1 = f64x2.add(n1, squares4(b0, b1, b2, b3));
      } else {
        const o0 = at(y0, c);
        const o1 = at(y1, c);
        v128.store(o0, a0); v128.store(o0, a1, 16); v128.store(o0, a2, 32); v128.store(o0, a3, 48);
        v128.store(o1, b0); v128.store(o1, b1, 16); v128.store(o1, b2, 32); v128.store(o1, b3, 48);
      }
    }
    for (; c < dp; c += 2) {
      let a = f64x2.splat(0.0), b = f64x2.splat(0.0);
      const rEnd = min(c + 2, d);
      for (let r = 0; r < rEnd; r++) {
        const uv = v128.load(at(u, r * dp + c));
        a = f64x2.add(a, f64x2.mul(v128.load64_splat(at(z0, r)), uv));
        b = f64x2.add(b, f64x2.mul(v128.load64_splat(at(z1, r)), uv));
      }
      if (norms) {
        n0 = f64x2.add(n0, f64x2.mul(a, a));
        n1 = f64x2.add(n1, f64x2.mul(b, b));
      } else {
        v128.store(at(y0, c), a);
        v128.store(at(y1, c), b);
      }
    }
    if (norms) {
      store<f64>(y0, hsum(n0));
      store<f64>(y1, hsum(n1));
    }
  }
  for (; q < rows; q++) {
    const z0 = at(z, q * dp);
    const y0 = at(y, norms ? q : q * dp);
    let n0 = f64x2.splat(0.0);
    for (let c = 0; c < dp; c += 2) {
      let a = f64x2.splat(0.0);
      const rEnd = min(c + 2, d);
      for (let r = 0; r < rEnd; r++) a = f64x2.add(a, f64x2.mul(v128.load64_splat(at(z0, r)), v128.load(at(u, r * dp + c))));
      if (norms) n0 = f64x2.add(n0, f64x2.mul(a, a));
      else v128.store(at(y0, c), a);
    }
    if (norms) store<f64>(y0, hsum(n0));
  }
}

/** a0² + a1² + a2² + a3² per lane. */
// @ts-ignore: decorator
@inline
function squares4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  return f64x2.add(f64x2.add(f64x2.mul(a0, a0), f64x2.mul(a1, a1)), f64x2.add(f64x2.mul(a2, a2), f64x2.mul(a3, a3)));
}

/**
 * The full-covariance E-step term: out[q·k + j] = offsets[j] − ½·‖(x_q − μ_j)·U_j‖² for rows×d
 * rows x, K means (K×d), K upper-triangular factors U_j each padded to d×dp (at u + j·d·dp).
 * z is scratch of rows×dp, y of rows (the squared norms).
 */
export function mahalanobisFull(x: usize, rows: i32, d: i32, dp: i32, means: usize, u: usize, k: i32, offsets: usize, out: usize, z: usize, y: usize): void {
  for (let j = 0; j < k; j++) {
    subtractRows(x, rows, d, at(means, j * d), z, dp);
    triangular(z, rows, d, dp, at(u, j * d * dp), y, true);
    const off = load<f64>(at(offsets, j));
    for (let q = 0; q < rows; q++) store<f64>(at(out, q * k + j), off - 0.5 * load<f64>(at(y, q)));
  }
}

/**
 * Diagonal scaled distances, component-vectorised: out[q·k + j] = offsets[j] − ½·Σ_c
 * ((x_qc − mT[c·kp + j])·sT[c·kp + j])² for rows x (stride xs, d columns), with the means and
 * scales transposed to d×kp (kp even, pads zero). Serves diag (s = 1/σ), spherical (s the same
 * for every c) and tied (x the projected rows, mT the projected means, s = 1).
 */
export function scaledDistances(x: usize, rows: i32, xs: i32, d: i32, mT: usize, sT: usize, kp: i32, k: i32, offsets: usize, out: usize): void {
  let q = 0;
  for (; q + 2 <= rows; q += 2) {
    const x0 = at(x, q * xs);
    const x1 = at(x, (q + 1) * xs);
    for (let j = 0; j < kp; j += 4) {
      if (j + 4 <= kp) {
        let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), b0 = f64x2.splat(0.0), b1 = f64x2.splat(0.0);
        for (let c = 0; c < d; c++) {
          const mp = at(mT, c * kp + j);
          const sp = at(sT, c * kp + j);
          const m0 = v128.load(mp), m1 = v128.load(mp, 16);
          const s0 = v128.load(sp), s1 = v128.load(sp, 16);
          const u = v128.load64_splat(at(x0, c));
          const v = v128.load64_splat(at(x1, c));
          const t0 = f64x2.mul(f64x2.sub(u, m0), s0);
          const t1 = f64x2.mul(f64x2.sub(u, m1), s1);
          const t2 = f64x2.mul(f64x2.sub(v, m0), s0);
          const t3 = f64x2.mul(f64x2.sub(v, m1), s1);
          a0 = f64x2.add(a0, f64x2.mul(t0, t0));
          a1 = f64x2.add(a1, f64x2.mul(t1, t1));
          b0 = f64x2.add(b0, f64x2.mul(t2, t2));
          b1 = f64x2.add(b1, f64x2.mul(t3, t3));
        }
        writeTerms(out, q * k, j, k, offsets, a0, a1);
        writeTerms(out, (q + 1) * k, j, k, offsets, b0, b1);
      } else {
        let a = f64x2.splat(0.0), b = f64x2.splat(0.0);
        for (let c = 0; c < d; c++) {
          const m = v128.load(at(mT, c * kp + j));
          const s = v128.load(at(sT, c * kp + j));
          const t0 = f64x2.mul(f64x2.sub(v128.load64_splat(at(x0, c)), m), s);
          const t1 = f64x2.mul(f64x2.sub(v128.load64_splat(at(x1, c)), m), s);
          a = f64x2.add(a, f64x2.mul(t0, t0));
          b = f64x2.add(b, f64x2.mul(t1, t1));
        }
        writeTerms(out, q * k, j, k, offsets, a, f64x2.splat(0.0));
        writeTerms(out, (q + 1) * k, j, k, offsets, b, f64x2.splat(0.0));
      }
    }
  }
  for (; q < rows; q++) {
    const x0 = at(x, q * xs);
    for (let j = 0; j < kp; j += 2) {
      let a = f64x2.splat(0.0);
      for (let c = 0; c < d; c++) {
        const t = f64x2.mul(f64x2.sub(v128.load64_splat(at(x0, c)), v128.load(at(mT, c * kp + j))), v128.load(at(sT, c * kp + j)));
        a = f64x2.add(a, f64x2.mul(t, t));
      }
      writeTerms(out, q * k, j, k, offsets, a, f64x2.splat(0.0));
    }
  }
}

/** out[row + j + i] = offsets[j + i] − ½·(a, b)[i] for the lanes with j + i < k. */
// @ts-ignore: decorator
@inline
function writeTerms(out: usize, row: i32, j: i32, k: i32, offsets: usize, a: v128, b: v128): void {
  const h = f64x2.splat(0.5);
  const ra = f64x2.sub(v128.load(at(offsets, j)), f64x2.mul(h, a));
  store<f64>(at(out, row + j), f64x2.extract_lane(ra, 0));
  if (j + 1 < k) store<f64>(at(out, row + j + 1), f64x2.extract_lane(ra, 1));
  if (j + 2 < k) {
    const rb = f64x2.sub(v128.load(at(offsets, j + 2)), f64x2.mul(h, b));
    store<f64>(at(out, row + j + 2), f64x2.extract_lane(rb, 0));
    if (j + 3 < k) store<f64>(at(out, row + j + 3), f64x2.extract_lane(rb, 1));
  }
}

/**
 * out[q·k + j] = bias[j] + Σ_c x[q·d + c]·w[c·kp + j]: rows x against a d×kp matrix (kp even,
 * pads zero), in 2-row × 8-column register blocks, each sum over c in order. The Bernoulli
 * mixture's log-probabilities (w = logit p).
 */
export function gemmRows(x: usize, rows: i32, d: i32, w: usize, kp: i32, k: i32, bias: usize, out: usize, outStride: i32): void {
  gemmRowsStrided(x, d, rows, d, w, kp, k, bias, out, outStride);
}

/** gemmRows for rows x with stride xs (≥ d). */
export function gemmRowsStrided(x: usize, xs: i32, rows: i32, d: i32, w: usize, kp: i32, k: i32, bias: usize, out: usize, outStride: i32): void {
  let q = 0;
  for (; q + 2 <= rows; q += 2) {
    const x0 = at(x, q * xs);
    const x1 = at(x, (q + 1) * xs);
    let j = 0;
    for (; j + 8 <= kp; j += 8) {
      let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
      let b0 = f64x2.splat(0.0), b1 = f64x2.splat(0.0), b2 = f64x2.splat(0.0), b3 = f64x2.splat(0.0);
      for (let c = 0; c < d; c++) {
        const wp = at(w, c * kp + j);
        const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
        const s = v128.load64_splat(at(x0, c));
        const t = v128.load64_splat(at(x1, c));
        a0 = f64x2.add(a0, f64x2.mul(s, w0));
        a1 = f64x2.add(a1, f64x2.mul(s, w1));
        a2 = f64x2.add(a2, f64x2.mul(s, w2));
        a3 = f64x2.add(a3, f64x2.mul(s, w3));
        b0 = f64x2.add(b0, f64x2.mul(t, w0));
        b1 = f64x2.add(b1, f64x2.mul(t, w1));
        b2 = f64x2.add(b2, f64x2.mul(t, w2));
        b3 = f64x2.add(b3, f64x2.mul(t, w3));
      }
      storeBiased(out, q * outStride, j, k, bias, a0, a1, a2, a3);
      storeBiased(out, (q + 1) * outStride, j, k, bias, b0, b1, b2, b3);
    }
    for (; j < kp; j += 2) {
      let a = f64x2.splat(0.0), b = f64x2.splat(0.0);
      for (let c = 0; c < d; c++) {
        const wv = v128.load(at(w, c * kp + j));
        a = f64x2.add(a, f64x2.mul(v128.load64_splat(at(x0, c)), wv));
        b = f64x2.add(b, f64x2.mul(v128.load64_splat(at(x1, c)), wv));
      }
      storePair(out, q * outStride + j, j, k, f64x2.add(v128.load(at(bias, j)), a));
      storePair(out, (q + 1) * outStride + j, j, k, f64x2.add(v128.load(at(bias, j)), b));
    }
  }
  for (; q < rows; q++) {
    const x0 = at(x, q * xs);
    for (let j = 0; j < kp; j += 2) {
      let a = f64x2.splat(0.0);
      for (let c = 0; c < d; c++) a = f64x2.add(a, f64x2.mul(v128.load64_splat(at(x0, c)), v128.load(at(w, c * kp + j))));
      storePair(out, q * outStride + j, j, k, f64x2.add(v128.load(at(bias, j)), a));
    }
  }
}

// @ts-ignore: decorator
@inline
function storePair(out: usize, i: i32, j: i32, k: i32, v: v128): void {
  store<f64>(at(out, i), f64x2.extract_lane(v, 0));
  if (j + 1 < k) store<f64>(at(out, i + 1), f64x2.extract_lane(v, 1));
}

// @ts-ignore: decorator
@inline
function storeBiased(out: usize, row: i32, j: i32, k: i32, bias: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  storePair(out, row + j, j, k, f64x2.add(v128.load(at(bias, j)), a0));
  storePair(out, row + j + 2, j + 2, k, f64x2.add(v128.load(at(bias, j + 2)), a1));
  storePair(out, row + j + 4, j + 4, k, f64x2.add(v128.load(at(bias, j + 4)), a2));
  storePair(out, row + j + 6, j + 6, k, f64x2.add(v128.load(at(bias, j + 6)), a3));
}

// Lloyd's k-means assignment with the scalar reference's bits.

/** The least distances so far, per lane (lane 0: even centres, lane 1: odd), of the block's two rows. */
let best0 = f64x2.splat(0.0);
let best1 = f64x2.splat(0.0);
/** Their centres (i64 lanes; −1: none yet). */
let arg0 = i64x2.splat(-1);
let arg1 = i64x2.splat(-1);

/**
 * Takes the distances v of centres (j, j + 1) into the running per-lane minimum of `row`,
 * branch-free: a lane takes v only when strictly smaller, so within a lane the first of equal
 * distances stays (NaN never replaces anything).
 */
// @ts-ignore: decorator
@inline
function consider(v: v128, j: i32, row: i32): void {
  const index = i64x2.add(i64x2.splat(<i64>j), i64x2(0, 1));
  if (row == 0) {
    const take = f64x2.lt(v, best0);
    best0 = v128.bitselect(v, best0, take);
    arg0 = v128.bitselect(index, arg0, take);
  } else {
    const take = f64x2.lt(v, best1);
    best1 = v128.bitselect(v, best1, take);
    arg1 = v128.bitselect(index, arg1, take);
  }
}

/** The first centre of least distance from a row's two lanes (even and odd centres); −1 when none. */
// @ts-ignore: decorator
@inline
function firstLeast(best: v128, arg: v128, labels: usize, dist: usize, q: i32): void {
  const b0 = f64x2.extract_lane(best, 0);
  const b1 = f64x2.extract_lane(best, 1);
  const i0 = <i32>i64x2.extract_lane(arg, 0);
  const i1 = <i32>i64x2.extract_lane(arg, 1);
  const odd = b1 < b0 || (b1 == b0 && i1 >= 0 && (i0 < 0 || i1 < i0));
  store<i32>(labels + (<usize>q << 2), odd ? i1 : i0);
  store<f64>(at(dist, q), odd ? b1 : b0);
}

/** acc + (s − c)² per lane. */
// @ts-ignore: decorator
@inline
function addSquare(acc: v128, s: v128, c: v128): v128 {
  const u = f64x2.sub(s, c);
  return f64x2.add(acc, f64x2.mul(u, u));
}

/** Per lane (even, odd centres) of a row: the least distance, its centre, and the second least. */
let second0 = f64x2.splat(0.0);
let second1 = f64x2.splat(0.0);

/** As `consider`, also keeping the second least per lane (pmin: a NaN distance changes nothing). */
// @ts-ignore: decorator
@inline
function considerTwo(v: v128, j: i32, row: i32): void {
  const index = i64x2.add(i64x2.splat(<i64>j), i64x2(0, 1));
  if (row == 0) {
    const take = f64x2.lt(v, best0);
    second0 = v128.bitselect(best0, f64x2.pmin(second0, v), take);
    best0 = v128.bitselect(v, best0, take);
    arg0 = v128.bitselect(index, arg0, take);
  } else {
    const take = f64x2.lt(v, best1);
    second1 = v128.bitselect(best1, f64x2.pmin(second1, v), take);
    best1 = v128.bitselect(v, best1, take);
    arg1 = v128.bitselect(index, arg1, take);
  }
}

/** firstLeast, and the least distance of the other centres into second[q]. */
// @ts-ignore: decorator
@inline
function firstTwo(best: v128, arg: v128, sec: v128, labels: usize, dist: usize, second: usize, q: i32): void {
  firstLeast(best, arg, labels, dist, q);
  const b0 = f64x2.extract_lane(best, 0);
  const b1 = f64x2.extract_lane(best, 1);
  const i0 = <i32>i64x2.extract_lane(arg, 0);
  const i1 = <i32>i64x2.extract_lane(arg, 1);
  const odd = b1 < b0 || (b1 == b0 && i1 >= 0 && (i0 < 0 || i1 < i0));
  const own = odd ? f64x2.extract_lane(sec, 1) : f64x2.extract_lane(sec, 0);
  const other = odd ? b0 : b1;
  store<f64>(at(second, q), other < own ? other : own);
}

/**
 * The distances of the rows at x0 and x1 to every centre of cT (d×kp), into the running per-lane
 * minima best0/arg0 (row x0) and best1/arg1 (row x1) — and second0/second1 when `withSecond` —
 * which it starts afresh. Blocks of 2 rows × 8 centres, then a vector at a time.
 */
// @ts-ignore: decorator
@inline
function scanCentres(x0: usize, x1: usize, d: i32, cT: usize, kp: i32, withSecond: bool): void {
  best0 = f64x2.splat(Infinity);
  best1 = f64x2.splat(Infinity);
  second0 = f64x2.splat(Infinity);
  second1 = f64x2.splat(Infinity);
  arg0 = i64x2.splat(-1);
  arg1 = i64x2.splat(-1);
  let j = 0;
  for (; j + 8 <= kp; j += 8) {
    let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
    let b0 = f64x2.splat(0.0), b1 = f64x2.splat(0.0), b2 = f64x2.splat(0.0), b3 = f64x2.splat(0.0);
    for (let c = 0; c < d; c++) {
      const cp = at(cT, c * kp + j);
      const c0 = v128.load(cp), c1 = v128.load(cp, 16), c2 = v128.load(cp, 32), c3 = v128.load(cp, 48);
      const s = v128.load64_splat(at(x0, c));
      const t = v128.load64_splat(at(x1, c));
      a0 = addSquare(a0, s, c0);
      a1 = addSquare(a1, s, c1);
      a2 = addSquare(a2, s, c2);
      a3 = addSquare(a3, s, c3);
      b0 = addSquare(b0, t, c0);
      b1 = addSquare(b1, t, c1);
      b2 = addSquare(b2, t, c2);
      b3 = addSquare(b3, t, c3);
    }
    if (withSecond) {
      considerTwo(a0, j, 0);
      considerTwo(a1, j + 2, 0);
      considerTwo(a2, j + 4, 0);
      considerTwo(a3, j + 6, 0);
      considerTwo(b0, j, 1);
      considerTwo(b1, j + 2, 1);
      considerTwo(b2, j + 4, 1);
      considerTwo(b3, j + 6, 1);
    } else {
      consider(a0, j, 0);
      consider(a1, j + 2, 0);
      consider(a2, j + 4, 0);
      consider(a3, j + 6, 0);
      consider(b0, j, 1);
      consider(b1, j + 2, 1);
      consider(b2, j + 4, 1);
      consider(b3, j + 6, 1);
    }
  }
  // …then the last ones (an even number of lanes), a vector at a time.
  for (; j < kp; j += 2) {
    let a = f64x2.splat(0.0), b = f64x2.splat(0.0);
    for (let c = 0; c < d; c++) {
      const cv = v128.load(at(cT, c * kp + j));
      a = addSquare(a, v128.load64_splat(at(x0, c)), cv);
      b = addSquare(b, v128.load64_splat(at(x1, c)), cv);
    }
    if (withSecond) {
      considerTwo(a, j, 0);
      considerTwo(b, j, 1);
    } else {
      consider(a, j, 0);
      consider(b, j, 1);
    }
  }
}

/**
 * The nearest centre of each row by Lloyd's arithmetic: the squared distance to centre j is
 * Σ_c (x_c − C_jc)², summed over c in order from 0 (two centres per vector, one sum per lane, so
 * each distance has the bits of the scalar reference, linalg's nearestRow), and labels[q] is the
 * first j of least distance, dist[q] that distance, found without branches. cT holds the centres
 * transposed (d×kp) with NaN in the pad column (never nearest). Rows without a finite distance
 * get label −1 (the caller finds Lloyd's answer for them); returns how many there are. Blocks of
 * 2 rows × 8 centres.
 */
export function nearestCentresExact(x: usize, rows: i32, d: i32, cT: usize, kp: i32, k: i32, labels: usize, dist: usize): i32 {
  for (let q = 0; q < rows; q += 2) {
    const two = q + 1 < rows;
    const x0 = at(x, q * d);
    scanCentres(x0, two ? at(x, (q + 1) * d) : x0, d, cT, kp, false);
    firstLeast(best0, arg0, labels, dist, q);
    if (two) firstLeast(best1, arg1, labels, dist, q + 1);
  }
  let unresolved = 0;
  for (let q = 0; q < rows; q++) if (load<i32>(labels + (<usize>q << 2)) < 0) unresolved++;
  return unresolved;
}

/**
 * k-means' statistics of a chunk after nearestCentresExact, row by row in order as the scalar
 * reference adds them, from row `from` on: for the rows with a label ≥ 0 and w_q ≠ 0 (w_q =
 * weights[q], or 1 when `weights` is 0), acc[0] += w_q·dist[q] (the inertia), counts[label] += 1,
 * wsum[label] += w_q and sums[label·d + c] += w_q·x_qc. Stops after the first row whose distance
 * is ≥ acc[1] (the farthest-rows list's floor, for the caller to offer it) and returns the next
 * row to continue from; returns `rows` when the chunk is done.
 */
export function lloydStats(x: usize, from: i32, rows: i32, d: i32, labels: usize, dist: usize, weights: usize, acc: usize, counts: usize, wsum: usize, sums: usize): i32 {
  let inertia = load<f64>(acc);
  const floor = load<f64>(acc, 8);
  let q = from;
  for (; q < rows; q++) {
    const label = load<i32>(labels + (<usize>q << 2));
    const w = weights == 0 ? 1.0 : load<f64>(at(weights, q));
    if (label < 0 || w == 0) continue;
    const d2 = load<f64>(at(dist, q));
    inertia += w * d2;
    store<f64>(at(counts, label), load<f64>(at(counts, label)) + 1.0);
    store<f64>(at(wsum, label), load<f64>(at(wsum, label)) + w);
    const xr = at(x, q * d);
    const y = at(sums, label * d);
    const wv = f64x2.splat(w);
    let c = 0;
    for (; c + 2 <= d; c += 2) v128.store(at(y, c), f64x2.add(v128.load(at(y, c)), f64x2.mul(wv, v128.load(at(xr, c)))));
    if (c < d) store<f64>(at(y, c), load<f64>(at(y, c)) + w * load<f64>(at(xr, c)));
    if (d2 >= floor) {
      q++;
      break;
    }
  }
  store<f64>(acc, inertia);
  return q;
}

// k-means with distance bounds (Hamerly, Elkan) on Lloyd's arithmetic.

/** An i32 of an array at byte offset `base`. */
// @ts-ignore: decorator
@inline
function i32At(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/**
 * Squared distances of n (row, centre) pairs, row q's values at x + rowAt[p]·8 and the centre's
 * at c + centreAt[p]·8 (offsets in doubles), into out[p]: each a sum over the d coordinates in
 * order, as the scalar reference sums it; four pairs at a time (two per vector) so that two
 * sums are in flight. The pair lists are padded by the caller to a multiple of 4.
 */
export function pairDistances(x: usize, rowAt: usize, c: usize, centreAt: usize, n: i32, d: i32, out: usize): void {
  for (let p = 0; p < n; p += 4) {
    const x0 = at(x, load<i32>(i32At(rowAt, p))), x1 = at(x, load<i32>(i32At(rowAt, p + 1)));
    const x2 = at(x, load<i32>(i32At(rowAt, p + 2))), x3 = at(x, load<i32>(i32At(rowAt, p + 3)));
    const c0 = at(c, load<i32>(i32At(centreAt, p))), c1 = at(c, load<i32>(i32At(centreAt, p + 1)));
    const c2 = at(c, load<i32>(i32At(centreAt, p + 2))), c3 = at(c, load<i32>(i32At(centreAt, p + 3)));
    let s = f64x2.splat(0.0), t = f64x2.splat(0.0);
    for (let e = 0; e < d; e++) {
      const o = <usize>e << 3;
      const u = f64x2.sub(v128.load64_lane(x1 + o, v128.load64_zero(x0 + o), 1), v128.load64_lane(c1 + o, v128.load64_zero(c0 + o), 1));
      const v = f64x2.sub(v128.load64_lane(x3 + o, v128.load64_zero(x2 + o), 1), v128.load64_lane(c3 + o, v128.load64_zero(c2 + o), 1));
      s = f64x2.add(s, f64x2.mul(u, u));
      t = f64x2.add(t, f64x2.mul(v, v));
    }
    v128.store(at(out, p), s);
    v128.store(at(out, p + 2), t);
  }
}

/**
 * All kp squared distances of the row at xr to the centres of cT (d×kp, transposed, NaN in a
 * pad column) into out[0, kp), each summed over coordinates in order (the reference's bits);
 * eight centres per pass so that four sums are in flight.
 */
function rowDistances(xr: usize, d: i32, cT: usize, kp: i32, out: usize): void {
  let j = 0;
  for (; j + 8 <= kp; j += 8) {
    let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
    for (let c = 0; c < d; c++) {
      const cp = at(cT, c * kp + j);
      const s = v128.load64_splat(at(xr, c));
      a0 = addSquare(a0, s, v128.load(cp));
      a1 = addSquare(a1, s, v128.load(cp, 16));
      a2 = addSquare(a2, s, v128.load(cp, 32));
      a3 = addSquare(a3, s, v128.load(cp, 48));
    }
    v128.store(at(out, j), a0);
    v128.store(at(out, j + 2), a1);
    v128.store(at(out, j + 4), a2);
    v128.store(at(out, j + 6), a3);
  }
  for (; j < kp; j += 2) {
    let a = f64x2.splat(0.0);
    for (let c = 0; c < d; c++) a = addSquare(a, v128.load64_splat(at(xr, c)), v128.load(at(cT, c * kp + j)));
    v128.store(at(out, j), a);
  }
}

/**
 * nearestCentresExact for the n rows listed in rows[] (i32 offsets in doubles from x), with the
 * second least distance too (the least over the other centres, into second[p]): labels[p],
 * dist[p] and second[p] for listed row p. The same arithmetic, blocks of 2 rows × 8 centres.
 */
export function nearestTwo(x: usize, rows: usize, n: i32, d: i32, cT: usize, kp: i32, labels: usize, dist: usize, second: usize): void {
  for (let p = 0; p < n; p += 2) {
    const two = p + 1 < n;
    const x0 = at(x, load<i32>(i32At(rows, p)));
    scanCentres(x0, two ? at(x, load<i32>(i32At(rows, p + 1))) : x0, d, cT, kp, true);
    firstTwo(best0, arg0, second0, labels, dist, second, p);
    if (two) firstTwo(best1, arg1, second1, labels, dist, second, p + 1);
  }
}

/**
 * One chunk of k-means' assignment with bounds (mode 1: Hamerly, one lower bound per row on the
 * second-nearest centre; mode 2: Elkan, one per row and centre), giving Lloyd's labels and
 * distances bit for bit: outLabels[q] is the first centre of least squared distance as the
 * scalar reference computes it, dist[q] that distance (both ready for lloydStats). A centre is
 * skipped only when its bound shows its distance exceeds the assigned one by more than the
 * rounding slack, so skipping never changes a label.
 *
 *   x, w        the chunk's rows (rows × d) and weights (0: all 1)
 *   c, cT       the centres, k × d and transposed d × kp (NaN in the pad column)
 *   labels      the state's label per row (i32; −1: no bounds), updated
 *   lower       the state's lower bounds (rows, or rows × k), updated
 *   drift       how far each centre moved since the bounds were made (k); between: k × k lower
 *               bounds on the distances between centres; nearestOther (k): their row minimum
 *   scalars     [eps, up, down, maxDrift, secondDrift, maxDriftCentre]
 *   reuse       0: the bounds are new (every distance is computed)
 *   scratch     rows·k pairs (i32 rowAt, i32 centreAt, f64 distance) + kp + 4 doubles
 *
 * Rows of weight 0 get label −1 everywhere (no row). Rows without a finite distance to any
 * centre get outLabels −1 and no bounds; returns how many (the caller finds Lloyd's answer).
 */
export function boundedChunk(
  mode: i32, reuse: i32, x: usize, rows: i32, d: i32, w: usize, c: usize, cT: usize, kp: i32, k: i32,
  labels: usize, lower: usize, drift: usize, between: usize, nearestOther: usize, scalars: usize,
  outLabels: usize, dist: usize, scratch: usize,
): i32 {
  const eps = load<f64>(scalars), up = load<f64>(scalars, 8), down = load<f64>(scalars, 16);
  const maxDrift = load<f64>(scalars, 24), secondDrift = load<f64>(scalars, 32);
  const maxDriftCentre = <i32>load<f64>(scalars, 40);
  const pairs = rows * k + 4;
  const rowAt = scratch;
  const centreAt = rowAt + (<usize>pairs << 2);
  const pd = (centreAt + (<usize>pairs << 2) + 15) & ~(<usize>15);
  const all = at(pd, pairs);
  // Rows that need every distance, listed in outLabels as −2 until their pass.
  // 1. The distance to each row's assigned centre, four rows at a time.
  let n = 0;
  if (reuse) {
    for (let q = 0; q < rows; q++) {
      const a = load<i32>(i32At(labels, q));
      if (a < 0 || (w != 0 && load<f64>(at(w, q)) == 0)) continue;
      store<i32>(i32At(rowAt, n), q * d);
      store<i32>(i32At(centreAt, n), a * d);
      n++;
    }
    const m = n;
    for (; (n & 3) != 0; n++) {
      store<i32>(i32At(rowAt, n), 0);
      store<i32>(i32At(centreAt, n), 0);
    }
    pairDistances(x, rowAt, c, centreAt, n, d, pd);
    // Spread into dist by row.
    for (let p = m - 1; p >= 0; p--) store<f64>(at(dist, load<i32>(i32At(rowAt, p)) / d), load<f64>(at(pd, p)));
  }
  // 2. The bounds' tests; Elkan's pairs to measure, row q's from pairFrom(q) (kept in outLabels).
  n = 0;
  for (let q = 0; q < rows; q++) {
    const a = load<i32>(i32At(labels, q));
    if (w != 0 && load<f64>(at(w, q)) == 0) {
      store<i32>(i32At(labels, q), -1);
      store<i32>(i32At(outLabels, q), -1);
      continue;
    }
    if (!reuse || a < 0) {
      store<i32>(i32At(outLabels, q), -2);
      continue;
    }
    const d2 = load<f64>(at(dist, q));
    const u = Math.sqrt(d2) * up;
    if (mode == 1) {
      let l = load<f64>(at(lower, q)) - (a == maxDriftCentre ? secondDrift : maxDrift);
      l = l - eps * Math.abs(l);
      store<f64>(at(lower, q), l);
      // Both tests are false when u is NaN or +Infinity: such rows are computed in full.
      store<i32>(i32At(outLabels, q), u < l || 2 * u < load<f64>(at(nearestOther, a)) ? a : -2);
    } else {
      const base = at(lower, q * k);
      const row = at(between, a * k);
      store<i32>(i32At(outLabels, q), n);
      // Two centres per vector: every bound moved down; those that cannot rule their centre out
      // (and are not the assigned centre's) listed for measuring.
      const uv = f64x2.splat(u);
      const u2 = f64x2.splat(2 * u);
      const ev = f64x2.splat(eps);
      let j = 0;
      for (; j + 2 <= k; j += 2) {
        const moved = f64x2.sub(v128.load(at(base, j)), v128.load(at(drift, j)));
        const l = f64x2.sub(moved, f64x2.mul(ev, f64x2.abs(moved)));
        v128.store(at(base, j), l);
        const skip = i64x2.bitmask(v128.or(f64x2.lt(uv, l), f64x2.lt(u2, v128.load(at(row, j)))));
        if (skip == 3) continue;
        if ((skip & 1) == 0 && j != a) {
          store<i32>(i32At(rowAt, n), q * d);
          store<i32>(i32At(centreAt, n), j * d);
          n++;
        }
        if ((skip & 2) == 0 && j + 1 != a) {
          store<i32>(i32At(rowAt, n), q * d);
          store<i32>(i32At(centreAt, n), (j + 1) * d);
          n++;
        }
      }
      for (; j < k; j++) {
        const moved = load<f64>(at(base, j)) - load<f64>(at(drift, j));
        const l = moved - eps * Math.abs(moved);
        store<f64>(at(base, j), l);
        if (j != a && !(u < l || 2 * u < load<f64>(at(row, j)))) {
          store<i32>(i32At(rowAt, n), q * d);
          store<i32>(i32At(centreAt, n), j * d);
          n++;
        }
      }
      store<f64>(at(base, a), Math.sqrt(d2) * down);
    }
  }
  if (mode == 2) {
    // 3. Elkan: the pairs measured, four at a time (the last group padded with copies).
    const m = n;
    for (; (n & 3) != 0; n++) {
      store<i32>(i32At(rowAt, n), m > 0 ? load<i32>(i32At(rowAt, m - 1)) : 0);
      store<i32>(i32At(centreAt, n), m > 0 ? load<i32>(i32At(centreAt, m - 1)) : 0);
    }
    pairDistances(x, rowAt, c, centreAt, n, d, pd);
    // 4. Each row's first nearest of its assigned centre and its measured ones, in centre order.
    let p = 0;
    for (let q = 0; q < rows; q++) {
      const from = load<i32>(i32At(outLabels, q));
      if (from < 0) continue;
      const a = load<i32>(i32At(labels, q));
      const base = at(lower, q * k);
      let label = a;
      let d2 = load<f64>(at(dist, q));
      for (p = from; p < m && load<i32>(i32At(rowAt, p)) == q * d; p++) {
        const j = load<i32>(i32At(centreAt, p)) / d;
        const dj = load<f64>(at(pd, p));
        store<f64>(at(base, j), Math.sqrt(dj) * down);
        if (dj < d2 || (dj == d2 && j < label)) {
          label = j;
          d2 = dj;
        }
      }
      // A row whose distances are not all finite goes through the full search below.
      if (d2 < Infinity) {
        store<i32>(i32At(outLabels, q), label);
        store<i32>(i32At(labels, q), label);
        store<f64>(at(dist, q), d2);
      } else store<i32>(i32At(outLabels, q), -2);
    }
  }
  // 5. Every distance for the rows the bounds could not settle: Hamerly's in blocks (the least
  // and second least distance), Elkan's (few after the first E-step: rows without bounds) one by one.
  let unresolved = 0;
  if (mode == 1) {
    n = 0;
    for (let q = 0; q < rows; q++) {
      if (load<i32>(i32At(outLabels, q)) != -2) continue;
      store<i32>(i32At(rowAt, n), q * d);
      n++;
    }
    const found = centreAt;
    const least = pd;
    const second = at(pd, rows);
    nearestTwo(x, rowAt, n, d, cT, kp, found, least, second);
    for (let p = 0; p < n; p++) {
      const q = load<i32>(i32At(rowAt, p)) / d;
      const best = load<i32>(i32At(found, p));
      store<i32>(i32At(outLabels, q), best);
      store<i32>(i32At(labels, q), best);
      if (best < 0) {
        unresolved++;
        continue;
      }
      store<f64>(at(dist, q), load<f64>(at(least, p)));
      store<f64>(at(lower, q), Math.sqrt(load<f64>(at(second, p))) * down);
    }
    return unresolved;
  }
  for (let q = 0; q < rows; q++) {
    if (load<i32>(i32At(outLabels, q)) != -2) continue;
    rowDistances(at(x, q * d), d, cT, kp, all);
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < k; j++) {
      const v = load<f64>(at(all, j));
      if (v < bestD) {
        bestD = v;
        best = j;
      }
    }
    store<i32>(i32At(outLabels, q), best);
    store<i32>(i32At(labels, q), best);
    if (best < 0) {
      unresolved++;
      continue;
    }
    store<f64>(at(dist, q), bestD);
    if (mode == 1) {
      let second = Infinity;
      for (let j = 0; j < k; j++) if (j != best && load<f64>(at(all, j)) < second) second = load<f64>(at(all, j));
      store<f64>(at(lower, q), Math.sqrt(second) * down);
    } else {
      const base = at(lower, q * k);
      for (let j = 0; j < k; j++) store<f64>(at(base, j), Math.sqrt(load<f64>(at(all, j))) * down);
    }
  }
  return unresolved;
}

/** Rows softmaxRows takes at a time: their sums wait in SOFTMAX_SUMS for one vectorised log. */
const SOFTMAX_BLOCK = 512;
const SOFTMAX_SUMS: usize = memory.data(SOFTMAX_BLOCK * 8, 16);

/**
 * softmaxRows flushes e^(t − max) to 0 below this, e^−100 ≈ 3.7·10⁻⁴⁴ of the row's largest
 * weight, so that the statistics' kernels skip the row for that component (componentStats lists
 * only rows of non-zero weight): on well-separated components most rows drop out of most
 * components' sums, which halves a diag or spherical iteration at D = 32, K = 16. Nothing a fit
 * reports moves: the dropped terms are below 10⁻⁴³ of each row's Σ e (≥ 1), far under half an
 * ulp, so the log-likelihood keeps its bits; a component's statistics change by at most
 * N·3.7·10⁻⁴⁴ of a row's weight, against the n_j + 10ε (EMPTY_COMPONENT_GUARD) they are divided
 * by — below 10⁻¹⁶ relative for any N under 10¹². It also keeps every weight clear of subnormal
 * arithmetic (about 4× slower on x86).
 */
const EXP_FLUSH: f64 = -100.0;

/**
 * Responsibilities from joint log-densities, row by row: resp[q·k + j] = e^(t_j − max)/Σ e,
 * lse[q] = max + log Σ_j e^(t_j − max). Returns the number of rows whose maximum was not finite
 * (or that hold a NaN); those rows are left for the caller. Weights below e^−100 of the row's
 * largest are flushed to 0 (EXP_FLUSH).
 */
export function softmaxRows(logp: usize, rows: i32, k: i32, resp: usize, lse: usize): i32 {
  let bad = 0;
  const zero = f64x2.splat(0.0);
  const floor = f64x2.splat(EXP_FLUSH);
  for (let q0 = 0; q0 < rows; q0 += SOFTMAX_BLOCK) {
    const q1 = min(rows, q0 + SOFTMAX_BLOCK);
    for (let q = q0; q < q1; q++) {
      const row = at(logp, q * k);
      const out = at(resp, q * k);
      // The maximum by pmax, which V8 compiles to one instruction where f64x2.max takes about
      // ten: pmax passes a NaN entry over, and the NaN shows in the sum below instead.
      let mv = f64x2.splat(-Infinity);
      let j = 0;
      for (; j + 2 <= k; j += 2) mv = f64x2.pmax(mv, v128.load(at(row, j)));
      const m0 = f64x2.extract_lane(mv, 0);
      const m1 = f64x2.extract_lane(mv, 1);
      let top = m0 < m1 ? m1 : m0;
      if (j < k) {
        const v = load<f64>(at(row, j));
        top = top < v ? v : top;
      }
      if (top == -Infinity || top == Infinity) {
        // lse stays top (+ log 1 below).
        bad++;
        store<f64>(at(lse, q), top);
        store<f64>(at(SOFTMAX_SUMS, q - q0), 1.0);
        continue;
      }
      // Every pair's exponential, without a branch on the flush (a branch the data decide costs
      // more in mispredictions than the exponentials it skips). A flushed lane's exponential is
      // taken at the floor (no subnormal arithmetic), then 0.
      const tv = f64x2.splat(top);
      let sv = zero;
      for (j = 0; j + 2 <= k; j += 2) {
        const t = f64x2.sub(v128.load(at(row, j)), tv);
        const e = v128.bitselect(zero, expNormalV(f64x2.pmax(t, floor)), f64x2.lt(t, floor));
        v128.store(at(out, j), e);
        sv = f64x2.add(sv, e);
      }
      let sum = hsum(sv);
      if (j < k) {
        const t = load<f64>(at(row, j)) - top;
        const e = t < EXP_FLUSH ? 0.0 : f64x2.extract_lane(expV(f64x2.splat(t)), 0);
        store<f64>(at(out, j), e);
        sum += e;
      }
      if (sum != sum) {
        // A NaN entry: the row is the caller's, with lse NaN.
        bad++;
        store<f64>(at(lse, q), NaN);
        store<f64>(at(SOFTMAX_SUMS, q - q0), 1.0);
        continue;
      }
      store<f64>(at(lse, q), top);
      store<f64>(at(SOFTMAX_SUMS, q - q0), sum);
      // Divided, not multiplied by 1/Σ: the scalar kernels' bits (a fit stopping by tolerance can
      // take another iteration on a last-bit difference).
      const dv = f64x2.splat(sum);
      for (j = 0; j + 2 <= k; j += 2) v128.store(at(out, j), f64x2.div(v128.load(at(out, j)), dv));
      if (j < k) store<f64>(at(out, j), load<f64>(at(out, j)) / sum);
    }
    // lse = max + log Σ, two rows per vector.
    let q = q0;
    for (; q + 2 <= q1; q += 2) v128.store(at(lse, q), f64x2.add(v128.load(at(lse, q)), logV(v128.load(at(SOFTMAX_SUMS, q - q0)))));
    if (q < q1) store<f64>(at(lse, q), load<f64>(at(lse, q)) + log1(load<f64>(at(SOFTMAX_SUMS, q - q0))));
  }
  return bad;
}

// ---------------------------------------------------------------------------------------------
// Statistics: weighted first moments and scatter matrices

/** 1: the lower triangles of Σ w·z·zᵀ (K×d×d); 2: Σ w·z² per coordinate (K×d); 3: Σ w·‖z‖² (K); 0: none. */
const SCATTER_NONE = 0;
const SCATTER_FULL = 1;
const SCATTER_SPHERICAL = 3;

/** Rows one componentStats call lists at most (longer calls are split). */
const LIST_ROWS = 4096;
/** The rows with a non-zero weight for the current component, as i32. */
const LIST: usize = memory.data(LIST_ROWS * 4, 16);

/**
 * n[j] += Σ_q wr[q·k + j] (in row order); lists the rows q with a non-zero weight in LIST and
 * returns how many there are.
 */
// @ts-ignore: decorator
@inline
function listNonZero(wr: usize, rows: i32, k: i32, j: i32, n: usize): i32 {
  let nj = 0.0;
  let count = 0;
  for (let q = 0; q < rows; q++) {
    const w = load<f64>(at(wr, q * k + j));
    nj += w;
    if (w == 0) continue;
    store<i32>(LIST + (<usize>count << 2), q);
    count++;
  }
  store<f64>(at(n, j), load<f64>(at(n, j)) + nj);
  return count;
}

/**
 * Adds one chunk of rows' statistics around reference means m_j, with weights wr[q·k + j]:
 * n[j] += Σ_q wr, first[j·d + c] += Σ_q wr·z_qc (z = x − m_j), and the second moments by
 * `mode` into block (see SCATTER_*). Each entry adds the chunk's sum, itself summed over rows in
 * order. Rows whose weight for a component is exactly 0 are left out of that component's sums:
 * they would add only zeros (±0, which change no sum that starts at +0), so the bits are the
 * same, and well-separated components cost only their own rows. z and a are rows×dp scratch;
 * tri is d×dp scratch.
 */
export function componentStats(x: usize, rows: i32, d: i32, dp: i32, wr: usize, k: i32, means: usize, n: usize, first: usize, block: usize, mode: i32, z: usize, a: usize, tri: usize): void {
  if (rows > LIST_ROWS) {
    // Longer calls than the row list holds (the callers' chunks never are) go in parts.
    componentStats(x, LIST_ROWS, d, dp, wr, k, means, n, first, block, mode, z, a, tri);
    componentStats(at(x, LIST_ROWS * d), rows - LIST_ROWS, d, dp, at(wr, LIST_ROWS * k), k, means, n, first, block, mode, z, a, tri);
    return;
  }
  if (mode != SCATTER_FULL) {
    if (mode == SCATTER_NONE) componentMoments(x, rows, d, wr, k, means, n, first, block, false, false);
    else componentMoments(x, rows, d, wr, k, means, n, first, block, true, mode == SCATTER_SPHERICAL);
    return;
  }
  for (let j = 0; j < k; j++) {
    // z and a get the rows with a non-zero weight, packed: z = x − m_j, a = w·z.
    const mj = at(means, j * d);
    const count = listNonZero(wr, rows, k, j, n);
    for (let p = 0; p < count; p++) {
      const q = load<i32>(LIST + (<usize>p << 2));
      const w = load<f64>(at(wr, q * k + j));
      const xr = at(x, q * d);
      const zr = at(z, p * dp);
      const ar = at(a, p * dp);
      const wv = f64x2.splat(w);
      let c = 0;
      for (; c + 2 <= d; c += 2) {
        const zv = f64x2.sub(v128.load(at(xr, c)), v128.load(at(mj, c)));
        v128.store(at(zr, c), zv);
        v128.store(at(ar, c), f64x2.mul(wv, zv));
      }
      if (c < d) {
        const zc = load<f64>(at(xr, c)) - load<f64>(at(mj, c));
        store<f64>(at(zr, c), zc);
        store<f64>(at(zr, c + 1), 0.0);
        store<f64>(at(ar, c), w * zc);
        store<f64>(at(ar, c + 1), 0.0);
      }
    }
    if (count == 0) continue;
    for (let c = 0; c < dp; c += 2) {
      let s = f64x2.splat(0.0);
      for (let q = 0; q < count; q++) s = f64x2.add(s, v128.load(at(a, q * dp + c)));
      addLanes(first, j * d + c, c, d, s);
    }
    scatterLower(a, z, count, d, dp, tri);
    addLower(block, j * d * d, d, dp, tri);
  }
}

/**
 * componentStats without full scatter matrices, in one pass over the rows per component and
 * block of eight coordinates: z = x − m_j, a = w·z and (with `squares`) a·z summed in registers
 * over the chunk's rows with a non-zero weight (in order, from listNonZero), then added to first
 * (and to block: per coordinate, or with `pooled` one sum per component). x has stride d.
 */
// @ts-ignore: decorator
@inline
function componentMoments(x: usize, rows: i32, d: i32, wr: usize, k: i32, means: usize, n: usize, first: usize, block: usize, squares: bool, pooled: bool): void {
  for (let j = 0; j < k; j++) {
    const count = listNonZero(wr, rows, k, j, n);
    if (count == 0) continue;
    const mj = at(means, j * d);
    const fj = at(first, j * d);
    const bj = at(block, pooled ? j : j * d);
    let pool = f64x2.splat(0.0);
    let c = 0;
    for (; c + 8 <= d; c += 8) {
      const m0 = v128.load(at(mj, c)), m1 = v128.load(at(mj, c), 16), m2 = v128.load(at(mj, c), 32), m3 = v128.load(at(mj, c), 48);
      let f0 = f64x2.splat(0.0), f1 = f64x2.splat(0.0), f2 = f64x2.splat(0.0), f3 = f64x2.splat(0.0);
      let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0), s2 = f64x2.splat(0.0), s3 = f64x2.splat(0.0);
      for (let p = 0; p < count; p++) {
        const q = load<i32>(LIST + (<usize>p << 2));
        const xp = at(x, q * d + c);
        const w = v128.load64_splat(at(wr, q * k + j));
        const t0 = f64x2.sub(v128.load(xp), m0), t1 = f64x2.sub(v128.load(xp, 16), m1);
        const t2 = f64x2.sub(v128.load(xp, 32), m2), t3 = f64x2.sub(v128.load(xp, 48), m3);
        const a0 = f64x2.mul(w, t0), a1 = f64x2.mul(w, t1), a2 = f64x2.mul(w, t2), a3 = f64x2.mul(w, t3);
        f0 = f64x2.add(f0, a0);
        f1 = f64x2.add(f1, a1);
        f2 = f64x2.add(f2, a2);
        f3 = f64x2.add(f3, a3);
        if (squares) {
          s0 = f64x2.add(s0, f64x2.mul(a0, t0));
          s1 = f64x2.add(s1, f64x2.mul(a1, t1));
          s2 = f64x2.add(s2, f64x2.mul(a2, t2));
          s3 = f64x2.add(s3, f64x2.mul(a3, t3));
        }
      }
      addVectors(fj, c, f0, f1, f2, f3);
      if (squares) {
        if (pooled) pool = f64x2.add(pool, f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3)));
        else addVectors(bj, c, s0, s1, s2, s3);
      }
    }
    for (; c + 2 <= d; c += 2) {
      const m = v128.load(at(mj, c));
      let f = f64x2.splat(0.0), s = f64x2.splat(0.0);
      for (let p = 0; p < count; p++) {
        const q = load<i32>(LIST + (<usize>p << 2));
        const t = f64x2.sub(v128.load(at(x, q * d + c)), m);
        const a = f64x2.mul(v128.load64_splat(at(wr, q * k + j)), t);
        f = f64x2.add(f, a);
        if (squares) s = f64x2.add(s, f64x2.mul(a, t));
      }
      v128.store(at(fj, c), f64x2.add(v128.load(at(fj, c)), f));
      if (squares) {
        if (pooled) pool = f64x2.add(pool, s);
        else v128.store(at(bj, c), f64x2.add(v128.load(at(bj, c)), s));
      }
    }
    let tail = 0.0;
    if (c < d) {
      const m = load<f64>(at(mj, c));
      let f = 0.0;
      for (let p = 0; p < count; p++) {
        const q = load<i32>(LIST + (<usize>p << 2));
        const t = load<f64>(at(x, q * d + c)) - m;
        const a = load<f64>(at(wr, q * k + j)) * t;
        f += a;
        tail += a * t;
      }
      store<f64>(at(fj, c), load<f64>(at(fj, c)) + f);
      if (squares && !pooled) store<f64>(at(bj, c), load<f64>(at(bj, c)) + tail);
    }
    if (squares && pooled) store<f64>(bj, load<f64>(bj) + (hsum(pool) + tail));
  }
}

/** v[c..c + 8) += the four vectors' lanes. */
// @ts-ignore: decorator
@inline
function addVectors(v: usize, c: i32, s0: v128, s1: v128, s2: v128, s3: v128): void {
  const p = at(v, c);
  v128.store(p, f64x2.add(v128.load(p), s0));
  v128.store(p, f64x2.add(v128.load(p, 16), s1), 16);
  v128.store(p, f64x2.add(v128.load(p, 32), s2), 32);
  v128.store(p, f64x2.add(v128.load(p, 48), s3), 48);
}

/** v[off + i] += lanes i of s for the lanes with c + i < d. */
// @ts-ignore: decorator
@inline
function addLanes(v: usize, off: i32, c: i32, d: i32, s: v128): void {
  store<f64>(at(v, off), load<f64>(at(v, off)) + f64x2.extract_lane(s, 0));
  if (c + 1 < d) store<f64>(at(v, off + 1), load<f64>(at(v, off + 1)) + f64x2.extract_lane(s, 1));
}

/**
 * tri[r·dp + c] = Σ_q a[q][r]·z[q][c] for c ≤ r (and some c above, unused), rows summed in
 * order: a weighted symmetric rank-k update in 2-row × 8-column register blocks.
 */
export function scatterLower(a: usize, z: usize, rows: i32, d: i32, dp: i32, tri: usize): void {
  let r = 0;
  for (; r < d; r += 2) {
    const two = r + 1 < d;
    const cEnd = min(r + 2, dp); // even
    let c = 0;
    // Whole 8-column blocks on or below the diagonal (entries above it, in column r + 1 of row r,
    // are computed and left unused): eight independent sums per pass over the rows…
    for (; c + 8 <= cEnd; c += 8) {
      let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
      let b0 = f64x2.splat(0.0), b1 = f64x2.splat(0.0), b2 = f64x2.splat(0.0), b3 = f64x2.splat(0.0);
      for (let q = 0; q < rows; q++) {
        const zp = at(z, q * dp + c);
        const z0 = v128.load(zp), z1 = v128.load(zp, 16), z2 = v128.load(zp, 32), z3 = v128.load(zp, 48);
        const s = v128.load64_splat(at(a, q * dp + r));
        const t = v128.load64_splat(at(a, q * dp + r + 1));
        a0 = f64x2.add(a0, f64x2.mul(s, z0));
        a1 = f64x2.add(a1, f64x2.mul(s, z1));
        a2 = f64x2.add(a2, f64x2.mul(s, z2));
        a3 = f64x2.add(a3, f64x2.mul(s, z3));
        b0 = f64x2.add(b0, f64x2.mul(t, z0));
        b1 = f64x2.add(b1, f64x2.mul(t, z1));
        b2 = f64x2.add(b2, f64x2.mul(t, z2));
        b3 = f64x2.add(b3, f64x2.mul(t, z3));
      }
      const o = at(tri, r * dp + c);
      v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
      if (two) {
        const p = at(tri, (r + 1) * dp + c);
        v128.store(p, b0); v128.store(p, b1, 16); v128.store(p, b2, 32); v128.store(p, b3, 48);
      }
    }
    for (; c < cEnd; c += 2) {
      let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0);
      for (let q = 0; q < rows; q++) {
        const zv = v128.load(at(z, q * dp + c));
        s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(at(a, q * dp + r)), zv));
        s1 = f64x2.add(s1, f64x2.mul(v128.load64_splat(at(a, q * dp + r + 1)), zv));
      }
      v128.store(at(tri, r * dp + c), s0);
      if (two) v128.store(at(tri, (r + 1) * dp + c), s1);
    }
  }
}

/** block[off + r·d + c] += tri[r·dp + c] for c ≤ r. */
function addLower(block: usize, off: i32, d: i32, dp: i32, tri: usize): void {
  for (let r = 0; r < d; r++)
    for (let c = 0; c <= r; c++) {
      const p = at(block, off + r * d + c);
      store<f64>(p, load<f64>(p) + load<f64>(at(tri, r * dp + c)));
    }
}

/**
 * The pooled (tied) scatter of a chunk: block[r·d + c] += Σ_q t_q·(x_q − centre)_r·(x_q − centre)_c
 * for c ≤ r, with t_q = Σ_j wr[q·k + j] (summed over j in order). z, a are rows×dp scratch, tri d×dp.
 */
export function pooledScatter(x: usize, rows: i32, d: i32, dp: i32, wr: usize, k: i32, centre: usize, block: usize, z: usize, a: usize, tri: usize): void {
  subtractRows(x, rows, d, centre, z, dp);
  for (let q = 0; q < rows; q++) {
    let t = 0.0;
    for (let j = 0; j < k; j++) t += load<f64>(at(wr, q * k + j));
    const tv = f64x2.splat(t);
    for (let c = 0; c < dp; c += 2) v128.store(at(a, q * dp + c), f64x2.mul(tv, v128.load(at(z, q * dp + c))));
  }
  scatterLower(a, z, rows, d, dp, tri);
  addLower(block, 0, d, dp, tri);
}

/**
 * A weighted cross-product of two row blocks: out[i·np + c] += Σ_q w[q]·a[q·as + i]·b[q·bs + c]
 * for i < m and c < np (np even; b's pad columns zero), rows summed in order, eight columns at a
 * time. Factor analysis' Σ w·E[z|x]·(x − μ)ᵀ.
 */
export function crossAccumulate(a: usize, as: i32, m: i32, b: usize, bs: i32, np: i32, w: usize, rows: i32, out: usize): void {
  for (let i = 0; i < m; i++) {
    const o = at(out, i * np);
    let c = 0;
    for (; c + 8 <= np; c += 8) {
      let s0 = f64x2.splat(0.0), s1 = f64x2.splat(0.0), s2 = f64x2.splat(0.0), s3 = f64x2.splat(0.0);
      for (let q = 0; q < rows; q++) {
        const f = f64x2.splat(load<f64>(at(w, q)) * load<f64>(at(a, q * as + i)));
        const bp = at(b, q * bs + c);
        s0 = f64x2.add(s0, f64x2.mul(f, v128.load(bp)));
        s1 = f64x2.add(s1, f64x2.mul(f, v128.load(bp, 16)));
        s2 = f64x2.add(s2, f64x2.mul(f, v128.load(bp, 32)));
        s3 = f64x2.add(s3, f64x2.mul(f, v128.load(bp, 48)));
      }
      const p = at(o, c);
      v128.store(p, f64x2.add(v128.load(p), s0));
      v128.store(p, f64x2.add(v128.load(p, 16), s1), 16);
      v128.store(p, f64x2.add(v128.load(p, 32), s2), 32);
      v128.store(p, f64x2.add(v128.load(p, 48), s3), 48);
    }
    for (; c < np; c += 2) {
      let s = f64x2.splat(0.0);
      for (let q = 0; q < rows; q++) s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(at(w, q)) * load<f64>(at(a, q * as + i))), v128.load(at(b, q * bs + c))));
      const p = at(o, c);
      v128.store(p, f64x2.add(v128.load(p), s));
    }
  }
}

/** The first byte after the module's static data: the caller's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}
