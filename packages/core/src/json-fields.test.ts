import { describe, expect, it } from 'vitest';
import { hasErrorCode, ModelFileError, OptionError } from './errors.js';
import { readCount, readFiniteNumber, readMatrix, readMatrixStack, readGivenFields, readMixtureWeights, readVector, toNested } from './json-fields.js';

function fieldOf(f: () => unknown, type: typeof ModelFileError | typeof OptionError = ModelFileError): { field: string | undefined; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return { field: (e as ModelFileError | OptionError).field, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

describe('readFiniteNumber', () => {
  it('returns finite numbers and names the field of anything else', () => {
    expect(readFiniteNumber(-2.5, 'x')).toBe(-2.5);
    for (const bad of [NaN, Infinity, '1', null, undefined, [1]]) expect(fieldOf(() => readFiniteNumber(bad, 'tol')).field).toBe('tol');
    expect(fieldOf(() => readFiniteNumber('1', 'tol', 'option'), OptionError).message).toBe('tol: expected a finite number, got "1"');
  });
});

describe('readVector', () => {
  it('reads a Float64Array of the given length', () => {
    const v = readVector([1, 2.5, -3], 'weights', 3);
    expect(v).toBeInstanceOf(Float64Array);
    expect(Array.from(v)).toEqual([1, 2.5, -3]);
    expect(Array.from(readVector([4], 'w'))).toEqual([4]);
  });

  it('names the exact bad index', () => {
    expect(fieldOf(() => readVector([1, 2, 'x'], 'weights')).field).toBe('weights[2]');
    expect(fieldOf(() => readVector([null, 2], 'weights')).field).toBe('weights[0]');
  });

  it('names the field on a wrong length, an empty array, a missing field or a non-array', () => {
    expect(fieldOf(() => readVector([1, 2], 'weights', 3))).toEqual({ field: 'weights', message: 'weights: expected 3 numbers, got 2' });
    expect(fieldOf(() => readVector([], 'weights')).message).toMatch(/^weights: expected at least one number/);
    expect(fieldOf(() => readVector(undefined, 'weights')).message).toMatch(/^weights: .*missing/);
    expect(fieldOf(() => readVector('1,2', 'weights')).message).toMatch(/^weights: .*string "1,2"/);
    expect(fieldOf(() => readVector({ 0: 1 }, 'weights')).field).toBe('weights');
  });

  it('throws OptionError for kind "option"', () => {
    expect(fieldOf(() => readVector([1, NaN], 'init.weights', undefined, 'option'), OptionError).field).toBe('init.weights[1]');
  });
});

describe('readMatrix', () => {
  it('flattens nested rows row-major and reports the shape', () => {
    const m = readMatrix(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'means',
    );
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.values)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the exact bad entry, e.g. means[1][0]', () => {
    const e = fieldOf(() =>
      readMatrix(
        [
          [1, 2],
          [null, 4],
        ],
        'means',
        2,
        2,
      ),
    );
    expect(e.field).toBe('means[1][0]');
    expect(e.message).toBe('means[1][0]: expected a finite number, got null');
    expect(fieldOf(() => readMatrix([[1], ['2']], 'means', undefined, undefined, 'option'), OptionError).field).toBe('means[1][0]');
  });

  it('names the ragged row and the wrong row count', () => {
    expect(fieldOf(() => readMatrix([[1, 2], [3]], 'means')).field).toBe('means[1]');
    expect(fieldOf(() => readMatrix([[1, 2]], 'means', 3, 2)).message).toBe('means: expected 3 rows, got 1');
    expect(fieldOf(() => readMatrix([[1, 2, 3]], 'means', 1, 2)).field).toBe('means[0]');
    expect(fieldOf(() => readMatrix([], 'means')).field).toBe('means');
    expect(fieldOf(() => readMatrix([1, 2], 'means')).field).toBe('means[0]');
  });
});

describe('readMatrixStack', () => {
  const cov = (a: number) => [
    [a, 0],
    [0, a],
  ];

  it('flattens K matrices of n×n', () => {
    expect(Array.from(readMatrixStack([cov(1), cov(2)], 'covariances', 2, 2))).toEqual([1, 0, 0, 1, 2, 0, 0, 2]);
  });

  it('names the exact bad index, e.g. covariances[1][0][1]', () => {
    const bad = [cov(1), [[2, 'x'], [0, 2]]];
    expect(fieldOf(() => readMatrixStack(bad, 'covariances', 2, 2)).field).toBe('covariances[1][0][1]');
    expect(fieldOf(() => readMatrixStack(bad, 'init.covariances', 2, 2, 'option'), OptionError).field).toBe('init.covariances[1][0][1]');
  });

  it('names the field on a wrong count and the matrix on a wrong shape', () => {
    expect(fieldOf(() => readMatrixStack([cov(1)], 'covariances', 2, 2)).message).toBe('covariances: expected 2 matrices, got 1');
    expect(fieldOf(() => readMatrixStack([cov(1), [[1, 0]]], 'covariances', 2, 2)).message).toBe('covariances[1]: expected 2 rows, got 1');
    expect(fieldOf(() => readMatrixStack(null, 'covariances', 2, 2)).field).toBe('covariances');
  });
});

describe('toNested', () => {
  it('is the inverse of readMatrix, at an offset', () => {
    const flat = [9, 1, 2, 3, 4, 5, 6];
    const nested = toNested(flat, 2, 3, 1);
    expect(nested).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(readMatrix(nested, 'm').values)).toEqual(flat.slice(1));
  });
});

describe('readCount and readMixtureWeights', () => {
  it('readCount takes a whole number ≥ 1 and names the field otherwise', () => {
    expect(readCount(3, 'k')).toBe(3);
    for (const bad of [0, -1, 2.5]) expect(() => readCount(bad, 'k')).toThrow(`k: expected an integer ≥ 1, got ${bad}`);
    expect(() => readCount('3', 'k')).toThrow(/^k: expected a finite number/);
    expect(hasErrorCode(catchError(() => readCount(0, 'k', 'option')), 'option')).toBe(true);
  });

  it('readMixtureWeights normalises weights that sum to 1 within 1e-3, refuses negative ones and further-off sums', () => {
    const w = readMixtureWeights([0.3, 0.7004], 'weights', 2);
    expect(w[0] + w[1]).toBeCloseTo(1, 15);
    expect(w[0] / w[1]).toBeCloseTo(0.3 / 0.7004, 15);
    expect(() => readMixtureWeights([1.2, -0.2], 'weights', 2)).toThrow('weights[1]: is -0.2; weights must be ≥ 0');
    expect(() => readMixtureWeights([0.5, 0.6], 'weights', 2)).toThrow(/^weights: sum to 1\.1; they must sum to 1/);
    expect(() => readMixtureWeights([1], 'weights', 2)).toThrow(/^weights/);
  });

  it('readMixtureWeights keeps weights whose sum is 1 to round-off as they are, so a written file reads back bit for bit', () => {
    // 0.6439242482911176 + 0.3560757517088822 = 1 − 2⁻⁵²: an M-step's nⱼ/N; dividing by the sum would change both.
    expect(Array.from(readMixtureWeights([0.6439242482911176, 0.3560757517088822], 'weights', 2))).toEqual([0.6439242482911176, 0.3560757517088822]);
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('readGivenFields', () => {
  const readers = {
    weights: (value: unknown, field: string) => readMixtureWeights(value, field, 2, 'option', 1e-6),
    means: (value: unknown, field: string) => readMatrix(value, field, 2, 1, 'option').values,
  };

  it('reads the fields present, with their paths, and leaves the absent ones out', () => {
    expect(readGivenFields(null, 'init', readers)).toEqual({});
    const read = readGivenFields({ means: [[1], [2]], other: 'ignored' }, 'init', readers);
    expect(Object.keys(read)).toEqual(['means']);
    expect(Array.from(read.means!)).toEqual([1, 2]);
    expect(() => readGivenFields({ weights: [0.5, 0.5 + 1e-4] }, 'init', readers)).toThrow('init.weights: sum to 1.0001; they must sum to 1');
    expect(readMixtureWeights([0.5, 0.5 + 1e-4], 'weights', 2)[1]).toBeCloseTo(0.5, 4);
  });

  it('reads in the readers\' order, so the first field at fault is named', () => {
    try {
      readGivenFields({ means: 'no', weights: [-1, 2] }, 'init', readers);
      expect.unreachable();
    } catch (error) {
      expect(hasErrorCode(error, 'option') && error.field).toBe('init.weights[0]');
    }
  });
});
