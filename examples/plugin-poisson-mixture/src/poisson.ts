import { portableExp, portableLog, type Random } from '@emkit/linalg';

const TABLE_SIZE = 256;
/** log n! for n < 256, summed once; counts in real data are mostly small. */
const LOG_FACTORIAL = new Float64Array(TABLE_SIZE);
for (let n = 1; n < TABLE_SIZE; n++) LOG_FACTORIAL[n] = LOG_FACTORIAL[n - 1] + portableLog(n);

const HALF_LOG_2PI = 0.5 * portableLog(2 * Math.PI);

/** log n! for a whole number n ≥ 0: a table below 256, Stirling's series (error < 1e-16 relative) above. */
export function logFactorial(n: number): number {
  if (n < TABLE_SIZE) return LOG_FACTORIAL[n];
  const inv = 1 / n;
  const inv2 = inv * inv;
  return n * portableLog(n) - n + 0.5 * portableLog(n) + HALF_LOG_2PI + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/** log P(X = x) for X ~ Poisson(rate), rate > 0. */
export function poissonLogPmf(x: number, rate: number): number {
  return x * portableLog(rate) - rate - logFactorial(x);
}

/**
 * One Poisson(rate) draw. Knuth's product of uniforms costs O(rate) and underflows for large
 * rates, so the rate is split into pieces of at most 30: a sum of independent Poissons is Poisson.
 */
export function samplePoisson(rate: number, random: Random): number {
  let count = 0;
  for (let rest = rate; rest > 0; rest -= 30) {
    const limit = portableExp(-Math.min(rest, 30));
    let product = random.next();
    while (product > limit) {
      count++;
      product *= random.next();
    }
  }
  return count;
}
