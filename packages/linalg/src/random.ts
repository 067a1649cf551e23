/**
 * A seeded, fast, portable PRNG: xoshiro128** (Blackman & Vigna) on 32-bit integer ops, seeded
 * through SplitMix32 so that any integer seed (including 0) gives a well-mixed state. Doubles take
 * 53 random bits from two outputs. The same seed gives the same stream on every platform.
 */
import { portableLog } from './portable-math.js';

function splitMix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes a base seed and an index (a restart, a shard, a worker) into a new 32-bit seed. */
export function deriveSeed(seed: number, index: number): number {
  const st = { s: (seed | 0) ^ Math.imul(index + 1, 0x27d4eb2d) };
  splitMix32(st);
  return splitMix32(st);
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite integer, got ${seed}`);
    const st = { s: Math.trunc(seed) | 0 };
    this.a = splitMix32(st);
    this.b = splitMix32(st);
    this.c = splitMix32(st);
    this.d = splitMix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** The next uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n) without modulo bias; n an integer in [1, 2^32]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    const limit = Math.floor(4294967296 / n) * n;
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** Standard normal deviate (Marsaglia's polar method). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * portableLog(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Index drawn with probability proportional to the non-negative `weights[off..off+n)`. */
  nextWeighted(weights: ArrayLike<number>, off: number, n: number): number {
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[off + i];
    if (!(total > 0) || !Number.isFinite(total)) return this.nextInt(n);
    let u = this.next() * total;
    for (let i = 0; i < n; i++) {
      u -= weights[off + i];
      if (u < 0) return i;
    }
    for (let i = n - 1; i >= 0; i--) if (weights[off + i] > 0) return i;
    return n - 1;
  }

  /** k distinct indices from [0, n), in draw order (partial Fisher–Yates). */
  sampleWithoutReplacement(n: number, k: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`population size must be an integer ≥ 0, got ${n}`);
    if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`cannot draw ${k} distinct indices from ${n}`);
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.nextInt(n - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, k);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
