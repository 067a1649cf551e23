import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identity, matMul, transpose } from './matrix.js';
import { inverse, svd, symmetricEigen } from './small-matrix.js';

const entry = fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true });

const symmetric = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(fc.constant(n), fc.array(entry, { minLength: n * n, maxLength: n * n })))
  .map(([n, b]) => {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (b[i * n + j] + b[j * n + i]);
    return { n, a };
  });

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i]), `index ${i}`).toBeLessThanOrEqual(tol * scale);
}

function diag(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) d[i * n + i] = values[i];
  return d;
}

describe('symmetricEigen', () => {
  it('solves a hand example, eigenvalues ascending', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 0, 2);
    expect(values[0]).toBeCloseTo(1, 12);
    expect(values[1]).toBeCloseTo(3, 12);
    // eigenvector of 3 is ±(1, 1)/√2, in column 1
    expect(Math.abs(vectors[1])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[1] * vectors[3]).toBeCloseTo(0.5, 12);
  });

  it('sorts eigenvalues ascending even when the diagonal is descending', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([5, 0, 0, 0, 3, 0, 0, 0, -1]), 0, 3);
    expect(Array.from(values)).toEqual([-1, 3, 5]);
    // the columns follow their eigenvalues: column 0 is ±e₃
    expect(Math.abs(vectors[2 * 3 + 0])).toBe(1);
    expect(Math.abs(vectors[0 * 3 + 2])).toBe(1);
  });

  it('reconstructs A = V·diag(λ)·Vᵀ with orthonormal V, λ ascending (fast-check)', () => {
    fc.assert(
      fc.property(symmetric, ({ n, a }) => {
        const padded = new Float64Array(2 + n * n);
        padded.set(a, 2);
        const { values, vectors } = symmetricEigen(padded, 2, n);
        for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
        const back = matMul(matMul(vectors, diag(values), n, n, n), transpose(vectors, n, n), n, n, n);
        expectClose(back, a, 1e-10);
        expectClose(matMul(transpose(vectors, n, n), vectors, n, n, n), identity(n), 1e-10);
      }),
    );
  });

  it('matrices with entries near 1e300 or 1e-300: the same vectors, eigenvalues to scale (found by fuzzing factor analysis)', () => {
    fc.assert(
      fc.property(symmetric, fc.constantFrom(1e300, 1e-300, 2 ** 900), ({ n, a }, factor) => {
        // entries whose scaled value would underflow are a different matrix, not a scaled one
        fc.pre(a.every((x) => x === 0 || Math.abs(x) > 1e-6));
        const plain = symmetricEigen(a, 0, n);
        const scaled = symmetricEigen(a.map((x) => x * factor), 0, n);
        const bound = Math.max(1, ...Array.from(plain.values, Math.abs));
        for (let i = 0; i < n; i++) {
          expect(Number.isFinite(scaled.values[i])).toBe(true);
          expect(Math.abs(scaled.values[i] / factor - plain.values[i])).toBeLessThan(1e-10 * bound);
        }
        for (const v of scaled.vectors) expect(Number.isFinite(v)).toBe(true);
        const back = matMul(matMul(scaled.vectors, diag(scaled.values.map((x) => x / factor)), n, n, n), transpose(scaled.vectors, n, n), n, n, n);
        expectClose(back, a, 1e-10);
      }),
      { numRuns: 300 },
    );
  });

  it('uses the symmetric part of a slightly asymmetric input', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1 + 1e-9, 1 - 1e-9, 2]), 0, 2);
    expect(values[0]).toBeCloseTo(1, 12);
    expect(values[1]).toBeCloseTo(3, 12);
  });
});

describe('svd', () => {
  it('reconstructs A = U·diag(s)·Vᵀ for tall, wide and square matrices, s ≥ 0 descending (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).chain(([r, c]) => fc.tuple(fc.constant([r, c] as const), fc.array(entry, { minLength: r * c, maxLength: r * c }))),
        ([[rows, cols], values]) => {
          const a = Float64Array.from(values);
          const d = svd(a, 0, rows, cols);
          const k = d.s.length;
          expect(k).toBe(Math.min(rows, cols));
          expect(d.u.length).toBe(rows * k);
          expect(d.v.length).toBe(cols * k);
          for (let i = 0; i < k; i++) expect(d.s[i]).toBeGreaterThanOrEqual(0);
          for (let i = 1; i < k; i++) expect(d.s[i]).toBeLessThanOrEqual(d.s[i - 1]);
          const back = matMul(matMul(d.u, diag(d.s), rows, k, k), transpose(d.v, cols, k), rows, k, cols);
          expectClose(back, a, 1e-10);
        },
      ),
    );
  });

  it('copes with subnormal entries (found by fast-check: ml-matrix lost orthogonality on them)', () => {
    const a = Float64Array.from([-5e-324, 0, -5e-324, 2.0000000000000003e-10]);
    const d = svd(a, 0, 2, 2);
    expect(d.s[0]).toBeCloseTo(2e-10, 20);
    expectClose(matMul(transpose(d.u, 2, 2), d.u, 2, 2, 2), identity(2), 1e-12);
    const back = matMul(matMul(d.u, diag(d.s), 2, 2, 2), transpose(d.v, 2, 2), 2, 2, 2);
    for (let i = 0; i < 4; i++) expect(Math.abs(back[i] - a[i])).toBeLessThanOrEqual(1e-24);
  });

  it('reads at an offset', () => {
    const d = svd(Float64Array.from([99, 3, 0, 0, 4]), 1, 2, 2);
    expect(d.s[0]).toBeCloseTo(4, 12);
    expect(d.s[1]).toBeCloseTo(3, 12);
  });
});

describe('inverse', () => {
  it('inverts a hand example', () => {
    const inv = inverse(Float64Array.from([4, 7, 2, 6]), 0, 2);
    expectClose(inv, [0.6, -0.7, -0.2, 0.4], 1e-12);
  });

  it('A·A⁻¹ = I on well-conditioned random matrices (fast-check)', () => {
    fc.assert(
      fc.property(symmetric, ({ n, a }) => {
        // diagonally dominant: well conditioned and invertible
        const m = Float64Array.from(a);
        for (let i = 0; i < n; i++) m[i * n + i] += 5 * n + 1;
        expectClose(matMul(m, inverse(m, 0, n), n, n, n), identity(n), 1e-10);
      }),
    );
  });
});
