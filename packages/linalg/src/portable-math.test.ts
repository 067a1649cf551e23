import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portableExp, portableLog, portableLog1p } from './portable-math.js';

/** fdlibm's results (tools/portable-math-fixtures/make-fixtures.mjs), as [argument, result] bits. */
const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../tools/fixtures/portable-math/fdlibm.json'), 'utf8')) as {
  log: [string, string][];
  exp: [string, string][];
};

const f64 = new Float64Array(2);
const u64 = new BigUint64Array(f64.buffer);
const i64 = new BigInt64Array(f64.buffer);
function fromHex(bits: string): number {
  u64[0] = BigInt(`0x${bits}`);
  return f64[0];
}
function toHex(x: number): string {
  f64[0] = x;
  return u64[0].toString(16).padStart(16, '0');
}
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  f64[0] = a;
  f64[1] = b;
  return Math.abs(Number(i64[0] - i64[1]));
}

describe('portableLog and portableExp', () => {
  it("give fdlibm's bits (Node 20's Math.log and Math.exp) at every fixture argument, special values included", () => {
    const wrong = (table: [string, string][], f: (x: number) => number) => table.filter(([x, y]) => toHex(f(fromHex(x))) !== y && !(Number.isNaN(fromHex(y)) && Number.isNaN(f(fromHex(x)))));
    expect(fixture.log.length).toBeGreaterThan(3000);
    expect(wrong(fixture.log, portableLog)).toEqual([]);
    expect(wrong(fixture.exp, portableExp)).toEqual([]);
  });

  it('are within 1 ulp of this engine’s Math.log and Math.exp (fast-check)', () => {
    fc.assert(fc.property(fc.double({ min: 5e-324, max: Number.MAX_VALUE, noNaN: true }), (x) => ulps(portableLog(x), Math.log(x)) <= 1 || Math.abs(portableLog(x) - Math.log(x)) <= 1e-300));
    fc.assert(fc.property(fc.double({ min: -745, max: 709.7, noNaN: true }), (x) => ulps(portableExp(x), Math.exp(x)) <= 1 || Math.exp(x) < 1e-307));
  });

  it('are monotone: x ≤ y gives log x ≤ log y and exp x ≤ exp y (fast-check)', () => {
    const ordered = fc.tuple(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.double({ min: 1e-300, max: 1e300, noNaN: true })).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
    fc.assert(fc.property(ordered, ([a, b]) => portableLog(a) <= portableLog(b)));
    fc.assert(fc.property(ordered, ([a, b]) => portableExp(-a / 1e298) <= portableExp(-a / 1e298 + (b - a) / 1e298)));
  });
});

describe('portableLog1p', () => {
  it('is within 2 ulp of Math.log1p from tiny to large arguments, and exact where 1 + x rounds to 1 (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.999, max: 1e300, noNaN: true }), (x) => {
        const expected = Math.log1p(x);
        return expected === 0 ? portableLog1p(x) === x : ulps(portableLog1p(x), expected) <= 2;
      }),
    );
    expect(portableLog1p(1e-300)).toBe(1e-300);
    expect(portableLog1p(Infinity)).toBe(Infinity);
    expect(portableLog1p(-1)).toBe(-Infinity);
  });
});
