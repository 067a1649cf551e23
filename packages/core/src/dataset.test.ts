import { describe, expect, it } from 'vitest';
import { createDataset, datasetFromRows, datasetFromColumns, groupBoundaries, groupsFromIds, missingCount, rowAt, rowHasMissing, rowWeight, sliceRows, totalWeight, withMissingFilled } from './dataset.js';
import { InputError } from './errors.js';

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('createDataset', () => {
  it('returns the shape, values, weights and column names it was given', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const d = createDataset(values, 3, 2, { weights: [1, 0, 2.5], columns: ['a', 'b'] });
    expect(d.rows).toBe(3);
    expect(d.cols).toBe(2);
    expect(d.values).toBe(values);
    expect(Array.from(d.weights!)).toEqual([1, 0, 2.5]);
    expect(d.columns).toEqual(['a', 'b']);
    expect(createDataset(values, 2, 3).weights).toBeNull();
  });

  it('names the 1-based row and column of a NaN or infinite value, and the source', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, NaN]);
    const e = thrown(() => createDataset(values, 2, 3, { source: 'x.csv' }));
    expect(e.code).toBe('input');
    expect(e.file).toBe('x.csv');
    expect(e.message).toBe("x.csv: row 2, column 3 is NaN; every value must be a finite number (missing values: createDataset with missing: 'nan' or a mask, for models that marginalise them)");
    expect(thrown(() => createDataset(Float64Array.from([1, -Infinity, 3, 4]), 2, 2)).message).toMatch(/^data: row 1, column 2 is -Infinity/);
    expect(thrown(() => createDataset(Float64Array.from([1, 2, Infinity, 4]), 4, 1)).message).toMatch(/row 3, column 1 is Infinity/);
  });

  it('refuses a value count that does not match rows × cols, and a bad shape', () => {
    expect(thrown(() => createDataset(new Float64Array(5), 2, 3)).message).toMatch(/has 5 values, expected 2×3 = 6/);
    expect(thrown(() => createDataset(new Float64Array(7), 2, 3)).message).toMatch(/expected 2×3 = 6/);
    expect(thrown(() => createDataset(new Float64Array(0), 0, 0)).message).toMatch(/bad shape/);
    expect(thrown(() => createDataset(new Float64Array(3), 1.5, 2)).message).toMatch(/bad shape/);
    expect(thrown(() => createDataset(new Float64Array(3), -1, 3)).message).toMatch(/bad shape/);
  });

  it('refuses negative, NaN or infinite weights naming the row, and a wrong number of weights', () => {
    const v = new Float64Array(3);
    expect(thrown(() => createDataset(v, 3, 1, { weights: [1, -0.5, 1] })).message).toMatch(/sample weight of row 2 is -0.5/);
    expect(thrown(() => createDataset(v, 3, 1, { weights: [1, 1, NaN] })).message).toMatch(/row 3 is NaN/);
    expect(thrown(() => createDataset(v, 3, 1, { weights: [Infinity, 1, 1] })).message).toMatch(/row 1 is Infinity/);
    expect(thrown(() => createDataset(v, 3, 1, { weights: [1, 1] })).message).toMatch(/has 2 sample weights for 3 rows/);
    expect(createDataset(v, 3, 1, { weights: [0, 0, 0] }).weights).not.toBeNull();
  });

  it('refuses a wrong number of column names', () => {
    expect(thrown(() => createDataset(new Float64Array(4), 2, 2, { columns: ['a'] })).message).toMatch(/1 column names for 2 columns/);
  });
});

describe('createDataset target (supervised models)', () => {
  it('keeps one finite response per row, null when absent', () => {
    const d = createDataset(new Float64Array(6), 3, 2, { target: [1.5, -2, 0] });
    expect(d.target).toBeInstanceOf(Float64Array);
    expect(Array.from(d.target!)).toEqual([1.5, -2, 0]);
    expect(createDataset(new Float64Array(2), 2, 1).target ?? null).toBeNull();
  });

  it('names the row of a non-finite target and refuses a wrong count', () => {
    const v = new Float64Array(3);
    expect(thrown(() => createDataset(v, 3, 1, { target: [1, 2, NaN], source: 'y.csv' })).message).toBe(
      'y.csv: target of row 3 is NaN; every value must be a finite number',
    );
    expect(thrown(() => createDataset(v, 3, 1, { target: [1, 2] })).message).toMatch(/has 2 target values for 3 rows/);
  });
});

describe('datasetFromRows', () => {
  it('flattens equal-length rows row-major', () => {
    const d = datasetFromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect([d.rows, d.cols]).toEqual([3, 2]);
    expect(Array.from(d.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rowAt(d, 1)).toEqual([3, 4]);
  });

  it('names the ragged row, 1-based, and the expected length', () => {
    const e = thrown(() => datasetFromRows([[1, 2], [3, 4], [5]], { source: 'rows' }));
    expect(e.message).toBe('rows: row 3 has 1 values, expected 2');
    expect(thrown(() => datasetFromRows([[1], [2, 3]])).message).toMatch(/row 2 has 2 values, expected 1/);
  });

  it('checks values like createDataset', () => {
    expect(thrown(() => datasetFromRows([[1, 2], [3, NaN]])).message).toMatch(/row 2, column 2 is NaN/);
  });

  it('accepts no rows', () => {
    expect(datasetFromRows([]).rows).toBe(0);
  });
});

describe('weights', () => {
  it('totalWeight is N unweighted and Σ w weighted; rowWeight reads one', () => {
    const v = new Float64Array(4);
    expect(totalWeight(createDataset(v, 4, 1))).toBe(4);
    const w = createDataset(v, 4, 1, { weights: [0.5, 0, 2, 1.25] });
    expect(totalWeight(w)).toBe(3.75);
    expect(rowWeight(w, 2)).toBe(2);
    expect(rowWeight(createDataset(v, 4, 1), 2)).toBe(1);
  });
});

describe('sliceRows', () => {
  it('is a view: rows [start, end) sharing memory with values and weights', () => {
    const d = createDataset(Float64Array.from([0, 1, 10, 11, 20, 21, 30, 31]), 4, 2, { weights: [1, 2, 3, 4], columns: ['a', 'b'] });
    const s = sliceRows(d, { start: 1, end: 3 });
    expect([s.rows, s.cols]).toEqual([2, 2]);
    expect(Array.from(s.values)).toEqual([10, 11, 20, 21]);
    expect(Array.from(s.weights!)).toEqual([2, 3]);
    expect(s.columns).toBe(d.columns);
    expect(s.values.buffer).toBe(d.values.buffer);
    s.values[0] = -1;
    s.weights![1] = 9;
    expect(d.values[2]).toBe(-1);
    expect(d.weights![2]).toBe(9);
    expect(totalWeight(s)).toBe(11);
    expect(s.target ?? null).toBeNull();
    const t = createDataset(Float64Array.from([0, 1, 2, 3]), 4, 1, { target: [10, 11, 12, 13] });
    const ts = sliceRows(t, { start: 2, end: 4 });
    expect(Array.from(ts.target!)).toEqual([12, 13]);
    ts.target![0] = -1;
    expect(t.target![2]).toBe(-1);
    expect(sliceRows(d, { start: 4, end: 4 }).rows).toBe(0);
    expect(sliceRows(createDataset(new Float64Array(2), 2, 1), { start: 0, end: 1 }).weights).toBeNull();
  });
});

describe('values too large to square', () => {
  it('are refused with the row, column and a remedy', () => {
    expect(() => createDataset(Float64Array.from([1, 2, 3e200, 4]), 2, 2, { source: 'big.csv' })).toThrow(
      /^big\.csv: row 2, column 1 is 3e\+200; values beyond ±1e\+150 overflow when squared.*rescale/,
    );
    expect(() => createDataset(Float64Array.from([1e150, -1e150]), 2, 1)).not.toThrow();
  });
});

describe('group boundaries', () => {
  it('groupsFromIds: consecutive equal ids form a group; a repeated id later starts a new one', () => {
    expect(Array.from(groupsFromIds([7, 7, 7, 2, 2, 7, 9]))).toEqual([0, 3, 5, 6, 7]);
    expect(Array.from(groupsFromIds([1]))).toEqual([0, 1]);
  });

  it('createDataset checks boundaries and names what is wrong', () => {
    const values = new Float64Array(6);
    expect(createDataset(values, 6, 1, { groups: [0, 2, 6] }).groups).toEqual(Int32Array.of(0, 2, 6));
    expect(() => createDataset(values, 6, 1, { groups: [0, 2, 5] })).toThrow(/end at the row count 6/);
    expect(() => createDataset(values, 6, 1, { groups: [0, 2, 2, 6] })).toThrow(/group 2 is empty/);
    expect(createDataset(values, 6, 1).groups).toBeUndefined();
  });

  it('sliceRows keeps the groups inside the range, counted from its start', () => {
    const data = createDataset(Float64Array.from([0, 1, 2, 3, 4, 5]), 6, 1, { groups: [0, 2, 5, 6] });
    expect(Array.from(sliceRows(data, { start: 2, end: 6 }).groups!)).toEqual([0, 3, 4]);
    expect(Array.from(sliceRows(data, { start: 1, end: 4 }).groups!)).toEqual([0, 1, 3]);
    expect(Array.from(groupBoundaries(createDataset(new Float64Array(3), 3, 1)))).toEqual([0, 3]);
  });
});

describe('missing cells', () => {
  it("missing: 'nan' marks NaN cells, keeps them NaN, and still refuses Infinity", () => {
    const data = createDataset(Float64Array.from([1, NaN, 3, 4]), 2, 2, { missing: 'nan' });
    expect(Array.from(data.missing!)).toEqual([0, 1, 0, 0]);
    expect(missingCount(data)).toBe(1);
    expect(rowHasMissing(data, 0)).toBe(true);
    expect(rowHasMissing(data, 1)).toBe(false);
    expect(() => createDataset(Float64Array.from([1, Infinity]), 1, 2, { missing: 'nan' })).toThrow(/row 1, column 2 is Infinity/);
    // nothing missing: no mask at all, so every model takes its usual path
    expect(createDataset(Float64Array.from([1, 2]), 1, 2, { missing: 'nan' }).missing).toBeUndefined();
  });

  it('a mask: its cells become NaN; a wrong length or entry is refused; slices keep their rows of it', () => {
    const data = createDataset(Float64Array.from([1, 2, 3, 4]), 2, 2, { missing: Uint8Array.of(0, 0, 1, 0) });
    expect(Number.isNaN(data.values[2])).toBe(true);
    expect(Array.from(sliceRows(data, { start: 1, end: 2 }).missing!)).toEqual([1, 0]);
    expect(() => createDataset(new Float64Array(4), 2, 2, { missing: Uint8Array.of(0, 1) })).toThrow(/2×2 = 4 entries/);
    expect(() => createDataset(new Float64Array(2), 1, 2, { missing: Uint8Array.of(0, 2) })).toThrow(/entry 1 is 2/);
  });
});

describe('datasetFromColumns', () => {
  it('lays named columns out row-major, keeping their names and order', () => {
    const data = datasetFromColumns({ height: [1.5, 1.7, 1.6], weight: Float64Array.of(50, 70, 60) });
    expect([data.rows, data.cols]).toEqual([3, 2]);
    expect(Array.from(data.values)).toEqual([1.5, 50, 1.7, 70, 1.6, 60]);
    expect(data.columns).toEqual(['height', 'weight']);
    expect(datasetFromColumns({ height: [1.5, 1.7, 1.6], weight: [50, 70, 60] })).toEqual(datasetFromRows([[1.5, 50], [1.7, 70], [1.6, 60]], { columns: ['height', 'weight'] }));
  });

  it('refuses columns of different lengths, naming the column, and non-finite cells, naming row and column', () => {
    const uneven = (() => {
      try {
        datasetFromColumns({ a: [1, 2, 3], b: [1, 2] });
      } catch (error) {
        return error;
      }
    })();
    expect(uneven).toMatchObject({ code: 'input', field: 'b', detail: 'has 2 values, expected 3 as in column "a"' });
    expect(() => datasetFromColumns({ a: [1, NaN] })).toThrow(/row 2, column 1 is NaN/);
    expect(() => datasetFromColumns({})).toThrow(/no columns/);
  });
});

describe('withMissingFilled', () => {
  it('fills each missing cell from its column’s observed sum and count, keeps weights and names, drops the mask', () => {
    const data = createDataset(Float64Array.of(1, NaN, 3, 4, NaN, NaN), 3, 2, { missing: 'nan', weights: [1, 2, 3], columns: ['a', 'b'] });
    const seen: number[][] = [];
    const filled = withMissingFilled(data, (sum, count) => {
      seen.push([sum, count]);
      return count > 0 ? sum / count : -1;
    });
    expect(Array.from(filled.values)).toEqual([1, 4, 3, 4, 2, 4]);
    expect(filled.missing ?? null).toBeNull();
    expect(Array.from(filled.weights!)).toEqual([1, 2, 3]);
    expect(filled.columns).toEqual(['a', 'b']);
    expect(seen).toEqual([[4, 1], [4, 2], [4, 1]]);
    expect(Number.isNaN(data.values[1])).toBe(true);
  });

  it('returns data without a mask as it is', () => {
    const data = createDataset(Float64Array.of(1, 2), 1, 2);
    expect(withMissingFilled(data, () => 0)).toBe(data);
  });
});
