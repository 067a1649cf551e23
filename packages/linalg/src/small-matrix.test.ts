import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identity, matMul, transpose } from './matrix.js';
import { inverse, orthogonalPolarFactor, svd, symmetricEigen } from './small-matrix.js';
import { Random } from './random.js';

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

/** U·Vᵀ from the general SVD: the reference. */
function polarBySvd(g: Float64Array, n: number): Float64Array {
  const { u, v } = svd(g, 0, n, n);
  return matMul(u, transpose(v, n, n), n, n, n);
}

describe('orthogonalPolarFactor (one-sided Jacobi)', () => {
  const square = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(fc.constant(n), fc.array(entry, { minLength: n * n, maxLength: n * n })));

  it("is orthogonal, makes QᵀG symmetric, and equals the SVD's U·Vᵀ (fast-check)", () => {
    fc.assert(
      fc.property(square, ([n, values]) => {
        const g = Float64Array.from(values);
        const q = orthogonalPolarFactor(g, 0, n);
        expectClose(matMul(transpose(q, n, n), q, n, n, n), identity(n), 1e-13);
        const h = matMul(transpose(q, n, n), g, n, n, n);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(Math.abs(h[i * n + j] - h[j * n + i])).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(h[i * n + j])));
        const { s } = svd(g, 0, n, n);
        // Q is unique when G is nonsingular; how closely it is determined depends on σ_min.
        if (s[n - 1] > 1e-6 * s[0]) expectClose(q, polarBySvd(g, n), 1e-8);
      }),
    );
  });

  it("matches the SVD's on 30×30 matrices with singular values over 6 and 12 orders of magnitude, and reads at an offset", () => {
    const random = new Random(5);
    const n = 30;
    const trace = (q: Float64Array, g: Float64Array) => matMul(transpose(q, n, n), g, n, n, n).reduce((t, x, i) => (i % (n + 1) === 0 ? t + x : t), 0);
    for (const orders of [6, 6, 12, 12]) {
      // G = A·diag(10^(−orders·i/n))·B with random A, B: ill-conditioned as breast_cancer's scatters are
      const a = Float64Array.from({ length: n * n }, () => random.nextNormal());
      const b = Float64Array.from({ length: n * n }, () => random.nextNormal());
      const scale = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 10 ** ((-orders * (i / (n + 1))) / n) : 0));
      const g = matMul(matMul(a, scale, n, n, n), b, n, n, n);
      const padded = new Float64Array(n * n + 3);
      padded.set(g, 3);
      const q = orthogonalPolarFactor(padded, 3, n);
      const reference = polarBySvd(g, n);
      expectClose(matMul(transpose(q, n, n), q, n, n, n), identity(n), 1e-13);
      // Q is determined to about ε·σ_max/σ_min: to 1e-8 at six orders; at twelve, both reach the same tr(QᵀG).
      if (orders === 6) expectClose(q, reference, 1e-8);
      expect(Math.abs(trace(q, g) - trace(reference, g))).toBeLessThanOrEqual(1e-13 * Math.abs(trace(reference, g)));
    }
  });

  it('a singular G: an orthogonal Q reaching tr(QᵀG) = Σσ (any completion does); copes with subnormal entries (the SVD then)', () => {
    for (const [singular, n] of [
      [Float64Array.from([1, 2, 2, 4]), 2],
      [Float64Array.from([1, 2, 3, 2, 4, 6, 0, 0, 0]), 3],
      [new Float64Array(4), 2],
    ] as const) {
      const q = orthogonalPolarFactor(singular, 0, n);
      expectClose(matMul(transpose(q, n, n), q, n, n, n), identity(n), 1e-12);
      const h = matMul(transpose(q, n, n), singular, n, n, n);
      const trace = h.reduce((t, x, i) => (i % (n + 1) === 0 ? t + x : t), 0);
      expect(trace).toBeCloseTo(svd(singular, 0, n, n).s.reduce((a, b) => a + b, 0), 12);
    }
    const tiny = orthogonalPolarFactor(Float64Array.from([-5e-324, 0, -5e-324, 2.0000000000000003e-10]), 0, 2);
    expectClose(matMul(transpose(tiny, 2, 2), tiny, 2, 2, 2), identity(2), 1e-12);
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
