import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceWithGram } from './cholesky.js';

describe('traceWithGram', () => {
  it('is tr(A·U·Uᵀ) computed by forming U·Uᵀ, for any A and U (offset into a larger array)', () => {
    const entry = fc.double({ min: -3, max: 3, noNaN: true });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.constant(n), fc.array(entry, { minLength: n * n, maxLength: n * n }), fc.array(entry, { minLength: n * n, maxLength: n * n }))),
        fc.nat({ max: 3 }),
        ([n, a, u], offset) => {
          const stored = new Float64Array(offset + n * n);
          stored.set(u, offset);
          let expected = 0;
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              let gram = 0;
              for (let c = 0; c < n; c++) gram += u[j * n + c] * u[i * n + c];
              expected += a[i * n + j] * gram;
            }
          expect(traceWithGram(a, stored, offset, n)).toBeCloseTo(expected, 9);
        },
      ),
    );
  });

  it('skips zero entries of a triangular factor without changing the value', () => {
    // A = [[2, 1], [1, 3]], U = [[1, 2], [0, 3]]: U·Uᵀ = [[5, 6], [6, 9]], tr(A·UUᵀ) = 10 + 6 + 6 + 27.
    expect(traceWithGram([2, 1, 1, 3], Float64Array.of(1, 2, 0, 3), 0, 2)).toBe(49);
  });
});
