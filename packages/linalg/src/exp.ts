/**
 * e^t for t ≤ 0, the range of the E-step's exp(logProb − max). V8's Math.exp is a call into C;
 * this is inlined arithmetic, nearly twice as fast. It agrees with Math.exp to the last bit for
 * about 19 arguments in 20 and is within 1 ulp otherwise (then usually the closer to e^t). Pure
 * double arithmetic on fixed constants, so every JavaScript engine gives the same bits.
 *
 * Method (as glibc's exp): t = (64·e + i)·ln2/64 + r with |r| ≤ ln2/128; then
 * e^t = 2^e · 2^(i/64) · e^r, with 2^(i/64) from a table in two parts (hi + lo, the correctly
 * rounded value and its remainder) and e^r − 1 by its Taylor polynomial to r⁵ (the next term is
 * below 4·10⁻¹⁷ relative).
 */

import { EXP_TABLE, LN2_OVER_N_HI, LN2_OVER_N_LO, N_OVER_LN2 } from './exp-table.js';

/** The table as doubles (EXP_TABLE holds them as a plain array, for AssemblyScript too). */
const TABLE = Float64Array.from(EXP_TABLE);
const C3 = 1 / 6;
const C4 = 1 / 24;
const C5 = 1 / 120;
/** Adding and subtracting 1.5·2^52 rounds a double of magnitude below 2^51 to the nearest integer. */
const ROUND = 6755399441055744;
/** 2^−e for 0 ≤ e ≤ 1000. */
const POW2_NEG = Float64Array.from({ length: 1001 }, (_, e) => 2 ** -e);

export function expNonPositive(t: number): number {
  if (!(t <= 0)) return Math.exp(t); // positive or NaN
  // Below ln(2^−1075) e^t rounds to 0.
  if (t < -745.2) return 0;
  const kf = t * N_OVER_LN2 + ROUND - ROUND;
  const r = t - kf * LN2_OVER_N_HI - kf * LN2_OVER_N_LO;
  const k = kf | 0;
  const i = (k & 63) << 1;
  const e = -(k >> 6);
  const hi = TABLE[i];
  const p = r + r * r * (0.5 + r * (C3 + r * (C4 + r * C5)));
  const m = hi + (hi * p + TABLE[i + 1]);
  // e ≤ 1076: the subnormal range takes two exact steps, so the result is rounded once.
  return e <= 1000 ? m * POW2_NEG[e] : m * POW2_NEG[e - 1000] * POW2_NEG[1000];
}
