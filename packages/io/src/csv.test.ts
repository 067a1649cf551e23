import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, hasErrorCode } from '@emkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReader, formatCsv, parseCsv, previewCsvColumns } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const datasets = resolve(repoRoot, '../shared/fixtures/datasets');

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseCsv', () => {
  it('reads a header and numbers', () => {
    const { dataset, columns } = parseCsv('a,b\n1,2\n3.5,-4e-2\n', 'x.csv');
    expect(columns).toEqual(['a', 'b']);
    expect(dataset.columns).toEqual(['a', 'b']);
    expect([dataset.rows, dataset.cols]).toEqual([2, 2]);
    expect(Array.from(dataset.values)).toEqual([1, 2, 3.5, -0.04]);
  });

  it('reads quoted header names', () => {
    const { columns, dataset } = parseCsv('"eruptions","waiting"\n3.6,79\n', 'f.csv');
    expect(columns).toEqual(['eruptions', 'waiting']);
    expect(Array.from(dataset.values)).toEqual([3.6, 79]);
    expect(parseCsv('"a, ""b""",c\n1,2\n', 'q.csv').columns).toEqual(['a, "b"', 'c']);
  });

  it('reads a file without header', () => {
    const r = parseCsv('1,2\n3,4', 'x.csv');
    expect(r.columns).toBeNull();
    expect(r.dataset.rows).toBe(2);
  });

  it('honours header yes/no', () => {
    expect(parseCsv('1,2\n3,4\n', 'x.csv', { header: 'yes' }).columns).toEqual(['1', '2']);
    const e = inputError(() => parseCsv('a,b\n3,4\n', 'x.csv', { header: 'no' }));
    expect(e.message).toMatch(/^x\.csv:1:1: cell "a" is not a number/);
  });

  it('strips a BOM and accepts CRLF', () => {
    const r = parseCsv('\uFEFFa,b\r\n1,2\r\n3,4\r\n', 'x.csv');
    expect(r.columns).toEqual(['a', 'b']);
    expect(Array.from(r.dataset.values)).toEqual([1, 2, 3, 4]);
  });

  it('ignores blank trailing lines, also with spaces and CR', () => {
    expect(parseCsv('a\n1\n2\n\n \r\n\n', 'x.csv').dataset.rows).toBe(2);
  });

  it('reads one column', () => {
    const r = parseCsv('x\n1\n2\n3\n', 'x.csv');
    expect([r.dataset.rows, r.dataset.cols]).toEqual([3, 1]);
  });

  it('accepts quoted numbers and spaces around cells', () => {
    expect(Array.from(parseCsv(' 1 , "2" \n', 'x.csv').dataset.values)).toEqual([1, 2]);
  });

  it('splits off a target column by name or number', () => {
    const r = parseCsv('a,t,b\n1,2,3\n4,5,6\n', 'x.csv', { target: 't' });
    expect(r.columns).toEqual(['a', 'b']);
    expect(Array.from(r.dataset.values)).toEqual([1, 3, 4, 6]);
    expect(Array.from(r.target!)).toEqual([2, 5]);
    const n = parseCsv('1,2\n3,4\n', 'x.csv', { target: '1' });
    expect(Array.from(n.target!)).toEqual([1, 3]);
    expect(inputError(() => parseCsv('a,b\n1,2\n', 'x.csv', { target: 'z' })).message).toMatch(/--target: no column "z" \(columns: a, b\)/);
    expect(inputError(() => parseCsv('a\n1\n', 'x.csv', { target: 'a' })).message).toMatch(/no columns are left to fit/);
  });

  describe('errors name source, line and column', () => {
    it('ragged rows', () => {
      const e = inputError(() => parseCsv('a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3\n', 'r.csv'));
      expect(e.message).toBe('r.csv:7: line 7 has 3 fields, expected 4 as on line 1; every row needs the same number of comma-separated values');
      expect([e.file, e.line]).toEqual(['r.csv', 7]);
      expect(inputError(() => parseCsv('1,2\n1,2,3\n', 'r.csv')).line).toBe(2);
    });

    it('non-numeric cells, quoting the cell', () => {
      const e = inputError(() => parseCsv('a,b\n1,2\n3,abc\n', 'n.csv'));
      expect(e.message).toMatch(/^n\.csv:3:2: cell "abc" is not a number; a header is allowed on line 1 only/);
      expect([e.line, e.column]).toEqual([3, 2]);
      for (const cell of ['0x10', '1e', '.', '1,5'.replace(',', ' '), '"1"2', '--1'])
        expect(() => parseCsv(`a\n${cell}\n`, 'n.csv')).toThrow(InputError);
    });

    it('NaN and Inf', () => {
      for (const cell of ['NaN', 'nan', 'Inf', '-inf', 'Infinity', '-Infinity']) {
        const e = inputError(() => parseCsv(`a,b\n1,${cell}\n`, 'f.csv'));
        const marginalize = /^nan$/i.test(cell) ? ', or fit a model that marginalises them with --missing marginalize' : '';
        expect(e.message).toBe(`f.csv:2:2: cell "${cell}" is not a finite number; remove or fill in missing values before fitting${marginalize}`);
      }
      expect(inputError(() => parseCsv('a\n1e400\n', 'f.csv')).message).toMatch(/f\.csv:2:1: cell "1e400" is beyond the range/);
      // NaN on line 1 is a bad value, not a header name.
      expect(inputError(() => parseCsv('1,NaN\n', 'f.csv')).message).toMatch(/^f\.csv:1:2:/);
    });

    it('empty cells', () => {
      const e = inputError(() => parseCsv('a,b\n1,\n', 'e.csv'));
      expect(e.message).toMatch(/^e\.csv:2:2: empty cell/);
    });

    it('empty file', () => {
      for (const text of ['', '\uFEFF', '\n\n', '  \r\n']) {
        const e = inputError(() => parseCsv(text, 'empty.csv'));
        expect(e.message).toBe('empty.csv: the file is empty; expected comma-separated numbers, one row per line');
      }
    });

    it('header only', () => {
      const e = inputError(() => parseCsv('a,b\n\n', 'h.csv'));
      expect(e.message).toBe('h.csv:1: only a header row, no data rows');
    });

    it('blank line inside the data', () => {
      const e = inputError(() => parseCsv('a\n1\n\n2\n', 'b.csv'));
      expect(e.message).toMatch(/^b\.csv:3: blank line inside the data/);
    });

    it('broken quotes', () => {
      expect(inputError(() => parseCsv('"a,b\n1\n', 'q.csv')).message).toMatch(/^q\.csv:1:1: unterminated quoted cell/);
      expect(inputError(() => parseCsv('"a"x,b\n1,2\n', 'q.csv')).message).toMatch(/^q\.csv:1:1: text after a closing quote/);
      expect(inputError(() => parseCsv('a,b"c\n1,2\n', 'q.csv')).message).toMatch(/^q\.csv:1:2: cell "b\\"c" has a quote inside/);
    });
  });

  it('reads every fixture dataset', () => {
    const files = readdirSync(datasets).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    const expected: Record<string, [number, number]> = {
      'faithful.csv': [272, 2],
      'iris.csv': [150, 4],
      'blobs.csv': [600, 2],
      'coins.csv': [3, 4],
      'bernoulli20.csv': [500, 20],
      'factors6.csv': [500, 6],
      'sinusoid.csv': [60, 11],
    };
    for (const file of files) {
      const { dataset, columns } = parseCsv(readFileSync(join(datasets, file), 'utf8'), file);
      expect(columns).not.toBeNull();
      if (expected[file]) expect([dataset.rows, dataset.cols], file).toEqual(expected[file]);
    }
    const faithful = parseCsv(readFileSync(join(datasets, 'faithful.csv'), 'utf8'), 'faithful.csv');
    expect(faithful.columns).toEqual(['eruptions', 'waiting']);
    expect(Array.from(faithful.dataset.values.subarray(0, 2))).toEqual([3.6, 79]);
    const sinusoid = parseCsv(readFileSync(join(datasets, 'sinusoid.csv'), 'utf8'), 'sinusoid.csv', { target: 't' });
    expect([sinusoid.dataset.cols, sinusoid.target!.length]).toEqual([10, 60]);
  });

  it('gives the same result for any split of the text into chunks', () => {
    const text = readFileSync(join(datasets, 'faithful.csv'), 'utf8').replace(/\n/g, '\r\n');
    const whole = parseCsv(text, 'f.csv');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 20 }), (cuts) => {
        const reader = new CsvReader('f.csv');
        let at = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          reader.write(text.slice(at, cut));
          at = cut;
        }
        reader.write(text.slice(at));
        const r = reader.end();
        expect(r.columns).toEqual(whole.columns);
        expect(r.dataset.values).toEqual(whole.dataset.values);
      }),
      { numRuns: 200 },
    );
  });
});

describe('formatCsv', () => {
  it('writes a header and shortest round-trip numbers', () => {
    const values = Float64Array.from([0.1 + 0.2, -0, 1e-300, 123456789012]);
    const text = formatCsv(values, 2, 2, ['a', 'b,c']);
    expect(text).toBe('a,"b,c"\n0.30000000000000004,0\n1e-300,123456789012\n');
    const back = parseCsv(text, 'x.csv');
    expect(back.columns).toEqual(['a', 'b,c']);
    expect(back.dataset.values).toEqual(Float64Array.from([0.1 + 0.2, 0, 1e-300, 123456789012]));
  });

  it('writes Int32 labels without header', () => {
    expect(formatCsv(Int32Array.from([0, 2, 1]), 3, 1)).toBe('0\n2\n1\n');
  });

  it('refuses non-finite values and bad shapes', () => {
    expect(() => formatCsv(Float64Array.from([1, NaN]), 1, 2)).toThrow(/row 1, column 2 is NaN/);
    expect(() => formatCsv(Float64Array.from([1]), 1, 2)).toThrow(RangeError);
  });

  it('round-trips any finite matrix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((d) =>
          fc.tuple(fc.constant(d), fc.array(fc.array(fc.double({ noNaN: true, min: -1e150, max: 1e150 }), { minLength: d, maxLength: d }), { minLength: 1, maxLength: 10 })),
        ),
        ([d, rows]) => {
          const flat = Float64Array.from(rows.flat());
          const header = Array.from({ length: d }, (_, j) => `c${j}`);
          const back = parseCsv(formatCsv(flat, rows.length, d, header), 'x.csv');
          expect(back.dataset.values).toEqual(flat.map((v) => (Object.is(v, -0) ? 0 : v)));
        },
      ),
    );
  });
});

describe('fuzz', () => {
  const token = fc.constantFrom('1', '-2.5', '3e2', '.5', 'NaN', 'inf', '1e999', 'x', '"a"', '"', '""', ',', '\n', '\r\n', '\r', ' ', '\t', '\uFEFF', '0x1', '', '"1,2"');

  function check(text: string): void {
    try {
      const r = parseCsv(text, 'fuzz.csv');
      for (const v of r.dataset.values) expect(Number.isFinite(v)).toBe(true);
      expect(r.dataset.values.length).toBe(r.dataset.rows * r.dataset.cols);
      expect(r.dataset.rows).toBeGreaterThan(0);
    } catch (error) {
      if (!hasErrorCode(error, 'input')) throw error;
      expect(error.message.startsWith('fuzz.csv')).toBe(true);
      // one line, as the CLI prints it, whatever control characters the cell held
      expect(error.message).not.toMatch(/[\r\n]/);
    }
  }

  /** The outcome of reading `text` whole or in the given chunks: values, or the error message. */
  function outcome(chunks: string[]): { columns: string[] | null; values: number[] } | string {
    try {
      const reader = new CsvReader('fuzz.csv');
      for (const chunk of chunks) reader.write(chunk);
      const r = reader.end();
      return { columns: r.columns, values: Array.from(r.dataset.values) };
    } catch (error) {
      if (!hasErrorCode(error, 'input')) throw error;
      return error.message;
    }
  }

  // Each fuzz test takes about a second alone; under the whole suite's load one overran the
  // default 5 s timeout, hence 30 s.
  it('streaming in chunks split anywhere gives what reading the whole text gives, errors included', () => {
    const text = fc.array(token, { maxLength: 40 }).map((t) => t.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (whole, cuts) => {
        const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((start, i) => whole.slice(start, at[i] ?? whole.length));
        expect(outcome(chunks)).toEqual(outcome([whole]));
      }),
      { numRuns: 3000 },
    );
  }, 30_000);

  it('throws only InputError and never returns NaN, on CSV-like text', () => {
    fc.assert(fc.property(fc.array(token, { maxLength: 40 }).map((t) => t.join('')), check), { numRuns: 5000 });
  }, 30_000);

  it('throws only InputError and never returns NaN, on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 3000 });
  }, 30_000);
});

describe('values too large to square', () => {
  it('are refused naming the line, the column and a remedy', () => {
    expect(() => parseCsv('a,b\n1,2\n3,4e200\n', 'big.csv')).toThrow(/^big\.csv:3:2: cell "4e200" is beyond ±1e\+150.*rescale/);
    expect(parseCsv('a\n1e150\n', 'ok.csv').dataset.values[0]).toBe(1e150);
  });
});

describe('missing cells', () => {
  it("missing: 'marginalize' reads empty cells, NaN and NA as missing cells of the dataset's mask", () => {
    const { dataset } = parseCsv('a,b,c\n1,,3\nNA,5,nan\n7,8,9\n', 'm.csv', { missing: 'marginalize' });
    expect(Array.from(dataset.missing!)).toEqual([0, 1, 0, 1, 0, 1, 0, 0, 0]);
    expect(Number.isNaN(dataset.values[1])).toBe(true);
    expect(dataset.values[8]).toBe(9);
    // nothing missing: no mask
    expect(parseCsv('a\n1\n', 'm.csv', { missing: 'marginalize' }).dataset.missing).toBeUndefined();
  });

  it('by default a missing cell is a located error that names --missing marginalize; Inf and a missing target stay errors', () => {
    expect(() => parseCsv('a,b\n1,\n', 'e.csv')).toThrow(/^e\.csv:2:2: empty cell; every cell must hold a number \(fill in or drop missing values, or fit a model that marginalises them with --missing marginalize\)$/);
    expect(() => parseCsv('a,b\n1,NA\n', 'e.csv')).toThrow(/^e\.csv:2:2: cell "NA" is a missing value \(.*--missing marginalize\)$/);
    expect(() => parseCsv('a,b\n1,Inf\n', 'e.csv', { missing: 'marginalize' })).toThrow(/cell "Inf" is not a finite number/);
    expect(() => parseCsv('a,t\n1,\n', 'e.csv', { missing: 'marginalize', target: 't' })).toThrow(/e\.csv:2:2: empty cell; .*a target cannot be missing/);
  });
});

describe('previewCsvColumns: what a loader offers before the columns are chosen', () => {
  it('reads the header, the count, the delimiter and the text columns as parseCsv reads them', () => {
    const wine = '\ufeffid,alcohol,"malic acid",cultivar\r\n1,14.23,1.71,class_0\r\n2,13.2,1.78,class_0\r\n';
    expect(previewCsvColumns(wine, 'wine.csv')).toEqual({ header: ['id', 'alcohol', 'malic acid', 'cultivar'], count: 4, delimiter: ',', textColumns: [3] });
    // The text column is the one parseCsv refuses, and the one its message offers as the label.
    expect(() => parseCsv(wine, 'wine.csv')).toThrow(/"cultivar" \(column 4\) is not numeric.*--label cultivar/);
    expect(parseCsv(wine, 'wine.csv', { label: 'cultivar' }).labels).toEqual(['class_0', 'class_0']);
  });

  it('tabs, no header, missing words and blank lines before the data', () => {
    // A first line with text is a header unless told otherwise, as in parseCsv.
    expect(previewCsvColumns('\n1\t2\tNA\tx\n', 't.tsv').header).toEqual(['1', '2', 'NA', 'x']);
    expect(previewCsvColumns('\n1\t2\tNA\tx\n', 't.tsv', { header: 'no' })).toEqual({ header: null, count: 4, delimiter: '\t', textColumns: [3] });
    expect(previewCsvColumns('a;b\n', 'h.csv')).toEqual({ header: ['a', 'b'], count: 2, delimiter: ';', textColumns: [] });
    expect(previewCsvColumns('1,2\n', 'n.csv', { header: 'yes' })).toEqual({ header: ['1', '2'], count: 2, delimiter: ',', textColumns: [] });
    expect(() => previewCsvColumns(' \n', 'empty.csv')).toThrow(/empty\.csv: the file is empty/);
  });
});
