/**
 * log and exp that give the same bits in every JavaScript engine. Math.log and Math.exp do not:
 * Chromium 156 differs from Node 20 in the last bit for about 1 argument in 10 (exp) and 1 in 50
 * (log), so a fit whose M-step or start takes logarithms (mclust's constrained models, the
 * hierarchical start) ended a few ulps apart in the web app and in `emkit fit`, and EM
 * amplifies that. These are fdlibm's e_log.c and e_exp.c (Sun Microsystems, 1993; the
 * algorithms V8 took for Math.log and Math.exp), in pure double arithmetic on the words of the
 * argument: each operation is one IEEE rounding, so every engine gives the same result —
 * the one Node 20's Math.log and Math.exp give (portable-math.test.ts checks that on a
 * million arguments). Errors: below 1 ulp.
 */

const buffer = new ArrayBuffer(8);
const f64 = new Float64Array(buffer);
const u32 = new Uint32Array(buffer);
/** Index of the high (sign, exponent, top of the fraction) word: 1 on little-endian machines. */
const HI = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;
const LO = 1 - HI;

const LN2_HI = 6.93147180369123816490e-1; // 3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Natural logarithm (fdlibm __ieee754_log): the same bits in every engine. */
export function portableLog(x: number): number {
  f64[0] = x;
  let hx = u32[HI] | 0;
  const lx = u32[LO];
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, negative or subnormal
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    f64[0] = x;
    hx = u32[HI] | 0;
  }
  if (hx >= 0x7ff00000) return x + x; // Infinity or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  // x (or x/2) into [sqrt(2)/2, sqrt(2))
  f64[0] = x;
  u32[HI] = hx | (i ^ 0x3ff00000);
  k += i >> 20;
  const f = f64[0] - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const r = f * f * (0.5 - 0.3333333333333333 * f);
    return k === 0 ? f - r : k * LN2_HI - (r - k * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const r = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : k * LN2_HI - (s * (f - r) - k * LN2_LO - f);
}

const O_THRESHOLD = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const U_THRESHOLD = -7.45133219101941108420e2; // 0xc0874910 D52D3051
const INV_LN2 = 1.44269504088896338700;
const TWO_M1000 = 9.33263618503218878990e-302; // 2^-1000
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

/** e^x (fdlibm __ieee754_exp, as V8 has it): the same bits in every engine. */
export function portableExp(x: number): number {
  f64[0] = x;
  const high = u32[HI];
  const negative = high >>> 31;
  const hx = high & 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: overflow, underflow, Infinity or NaN
    if (hx >= 0x7ff00000) return ((hx & 0xfffff) | u32[LO]) !== 0 ? x + x : negative === 0 ? x : 0;
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2: x = k·ln2 + r
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5·ln2; V8 returns e itself for x = 1 (the reduction below is 1 ulp off there)
      if (x === 1) return Math.E;
      hi = negative === 0 ? x - LN2_HI : x + LN2_HI;
      lo = negative === 0 ? LN2_LO : -LN2_LO;
      k = 1 - negative - negative;
    } else {
      k = Math.trunc(INV_LN2 * x + (negative === 0 ? 0.5 : -0.5));
      hi = x - k * LN2_HI; // exact: k·LN2_HI has few bits
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  // y·2^k, exactly (one rounding in the subnormal range)
  if (k >= -1021) {
    if (k === 1024) return y * 2 * 8.98846567431158e307; // 2^1023
    f64[0] = 0;
    u32[HI] = (0x3ff00000 + (k << 20)) >>> 0;
    return y * f64[0];
  }
  f64[0] = 0;
  u32[HI] = (0x3ff00000 + ((k + 1000) << 20)) >>> 0;
  return y * f64[0] * TWO_M1000;
}

/** log(1 + x), from portableLog: exact to a few ulps also for tiny x (Goldberg's correction, log(u)·x/(u − 1) with u = 1 ⊕ x). */
export function portableLog1p(x: number): number {
  const u = 1 + x;
  if (u === 1) return x;
  if (u === Infinity) return Infinity;
  return (portableLog(u) * x) / (u - 1);
}
