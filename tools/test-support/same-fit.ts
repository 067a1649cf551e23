// Shared by the packages' tests (not shipped): the bit-for-bit comparison of two fits.
import { expect } from 'vitest';

/** What the comparison reads of a FitResult (typed structurally: this folder has no dependencies). */
export interface ComparedFit<P> {
  readonly params: P;
  readonly meanLogLikelihood: number;
  readonly history: readonly number[];
  readonly iterations: number;
  readonly restart?: number;
}

/**
 * `b` is `a` to the bit: each named parameter field (typed arrays element by element, numbers
 * with Object.is, anything else deeply), the objective, its history, the iterations and the
 * winning restart. For checks that worker threads, shards or restarts change nothing.
 */
export function expectSameFit<P>(a: ComparedFit<P>, b: ComparedFit<P>, fields: readonly (keyof P & string)[]): void {
  for (const field of fields) {
    const [x, y] = [a.params[field], b.params[field]];
    if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) expect(Array.from(y as unknown as ArrayLike<number>), field).toEqual(Array.from(x as unknown as ArrayLike<number>));
    else if (typeof x === 'number') expect(y, field).toBe(x);
    else expect(y, field).toEqual(x);
  }
  expect(b.meanLogLikelihood).toBe(a.meanLogLikelihood);
  expect(b.history).toEqual(a.history);
  expect(b.iterations).toBe(a.iterations);
  expect(b.restart).toBe(a.restart);
}
