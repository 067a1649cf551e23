import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { isEmkitError } from '@emkit/core';
import { Table as ArrowTable, tableFromArrays, tableToIPC, vectorFromArray, Float64, Utf8 } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { collectTable, csvTableReader, detectDelimiter, openTable, parseCsv, readTable, resolveColumns, rowIdColumns } from './node.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-tables-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const iris = resolve(import.meta.dirname, '../../../examples/iris.csv');

function message(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (!isEmkitError(error)) throw error;
    return error.message;
  }
  throw new Error('expected an error');
}

async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    if (!isEmkitError(error)) throw error;
    return error.message;
  }
  throw new Error('expected an error');
}

/** A small labelled table as columns, and the same as CSV text. */
const columns = {
  id: Float64Array.from({ length: 7 }, (_, i) => i + 1),
  x: Float64Array.from([0.5, -1.25, 3, 4.75, 1e-3, 2.5, -0.125]),
  y: Float64Array.from([10, 20, 30, 45, 50, 65, 70.5]),
  species: ['a', 'b', 'a', 'c', 'b', 'a', 'c'],
};
const csv = ['id,x,y,species', ...columns.species.map((s, i) => `${columns.id[i]},${columns.x[i]},${columns.y[i]},${s}`)].join('\n') + '\n';

describe('column selection', () => {
  const header = ['id', 'a', 'b', 'c', 'd', 'class'];
  it('takes names, 1-based numbers and ranges, in the order given', () => {
    expect(resolveColumns(header, 6, { columns: 'c,2..3' }, 'f').features).toEqual([3, 1, 2]);
    expect(resolveColumns(header, 6, { drop: 'id', label: 'class' }, 'f')).toMatchObject({ features: [1, 2, 3, 4], label: 5, names: ['a', 'b', 'c', 'd'] });
    expect(resolveColumns(null, 3, { drop: '1' }, 'f')).toMatchObject({ features: [1, 2], names: null });
  });
  it('refuses unknown names, out-of-range numbers, and a label that is also fitted', () => {
    expect(message(() => resolveColumns(header, 6, { columns: 'z' }, 'f'))).toMatch(/--columns: no column "z" \(columns: id, a, b, c, d, class\)/);
    expect(message(() => resolveColumns(header, 6, { drop: '0..2' }, 'f'))).toMatch(/--drop: range 0..2 is outside 1..6/);
    expect(message(() => resolveColumns(header, 6, { columns: 'a,class', label: 'class' }, 'f'))).toMatch(/"class" \(column 6\), which is the label/);
    expect(message(() => resolveColumns(header, 6, { drop: '1..6' }, 'f'))).toMatch(/no columns are left to fit/);
  });
  it('finds row-id columns: exactly 0..N−1 or 1..N', () => {
    const values = Float64Array.from([0, 1, 5, 1, 2, 5, 2, 3, 5, 3, 4, 5]);
    expect(rowIdColumns(values, 4, 3)).toEqual([0, 1]);
    expect(rowIdColumns(Float64Array.from([0, 1, 3]), 3, 1)).toEqual([]);
  });
});

describe('CSV and TSV', () => {
  it('detects the delimiter from line 1 (outside quotes)', () => {
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"a,b";c;d')).toBe(';');
    expect(detectDelimiter('1|2')).toBe('|');
    expect(detectDelimiter('x')).toBe(',');
  });
  it('reads TSV, semicolon and comma files alike', () => {
    const comma = parseCsv(csv, 't.csv', { label: 'species' });
    for (const d of ['\t', ';', '|']) {
      const other = parseCsv(csv.replaceAll(',', d), 't', { label: 'species' });
      expect(other.dataset.values).toEqual(comma.dataset.values);
      expect(other.labels).toEqual(columns.species);
    }
    // An explicit delimiter wins over detection.
    expect(parseCsv('a;b;x,c\n1,2\n', 'x', { delimiter: ',' }).columns).toEqual(['a;b;x', 'c']);
  });
  it('keeps the label column out of the fit and refuses other text columns naming the remedy', () => {
    const parsed = parseCsv(csv, 'w.csv', { label: 'species', drop: 'id' });
    expect(parsed.columns).toEqual(['x', 'y']);
    expect(parsed.labels).toEqual(columns.species);
    expect(message(() => parseCsv(csv, 'w.csv'))).toBe(
      'w.csv:2:4: "species" (column 4) is not numeric (it holds "a"); leave it out with --drop species, or keep it as ground truth with --label species',
    );
  });
  it('streams chunks whose concatenation is the whole table, however the text is split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: csv.length - 1 }), { maxLength: 6 }), async (cuts) => {
        const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), csv.length];
        const pieces = points.slice(1).map((end, i) => csv.slice(points[i], end));
        const table = await collectTable(csvTableReader(Readable.from(pieces), 's.csv', { label: 'species' }));
        expect(table.dataset.values).toEqual(parseCsv(csv, 's.csv', { label: 'species' }).dataset.values);
        expect(table.labels).toEqual(columns.species);
        expect(table.locateRow(2)).toMatchObject({ line: 4 });
      }),
      { numRuns: 50 },
    );
  });
});

function writeParquet(path: string, rowGroupSize: number, extra: Record<string, unknown> = {}): void {
  const columnData = [
    { name: 'id', data: columns.id, type: 'DOUBLE' as const },
    { name: 'x', data: columns.x, type: 'DOUBLE' as const },
    { name: 'y', data: columns.y, type: 'DOUBLE' as const },
    { name: 'species', data: columns.species, type: 'STRING' as const },
    ...Object.entries(extra).map(([name, data]) => ({ name, data: data as never })),
  ];
  writeFileSync(path, new Uint8Array(parquetWriteBuffer({ columnData, rowGroupSize })));
}

function writeArrow(path: string, batchRows: number, stream = false): void {
  const table = tableFromArrays({ id: columns.id, x: columns.x, y: columns.y, species: columns.species });
  const batches = [];
  for (let i = 0; i < table.numRows; i += batchRows) batches.push(...table.slice(i, i + batchRows).batches);
  writeFileSync(path, tableToIPC(new ArrowTable(batches), stream ? 'stream' : 'file'));
}

describe('Parquet and Arrow', () => {
  const reference = parseCsv(csv, 'w.csv', { label: 'species', drop: 'id' });

  it('read the same values and labels as the CSV, row group by row group and batch by batch', async () => {
    const pq = join(temp, 'w.parquet');
    writeParquet(pq, 3);
    const arrow = join(temp, 'w.arrow');
    writeArrow(arrow, 2);
    const arrows = join(temp, 'w.arrows');
    writeArrow(arrows, 4, true);
    for (const path of [pq, arrow, arrows]) {
      const reader = await openTable(path, { label: 'species', drop: 'id' });
      const chunks = [];
      for await (const chunk of reader.chunks()) chunks.push(chunk.rows);
      expect(chunks.length).toBeGreaterThan(1);
      const table = await readTable(path, { label: 'species', drop: 'id' });
      expect(table.dataset.values).toEqual(reference.dataset.values);
      expect(table.columns).toEqual(['x', 'y']);
      expect(table.labels).toEqual(columns.species);
    }
    expect(chunksOf(await openTable(pq, { drop: 'id,species' }))).resolves.toEqual([3, 3, 1]);
  });

  it('refuse a text column naming it and the remedy, and locate nulls by row group or batch', async () => {
    const pq = join(temp, 'text.parquet');
    writeParquet(pq, 3);
    expect(await messageOf(readTable(pq))).toMatch(/"species" \(column 4\) is not numeric \(its type is UTF8\); leave it out with --drop species, or keep it as ground truth with --label species/);
    const nulls = join(temp, 'nulls.parquet');
    writeParquet(nulls, 3, { z: [1, 2, 3, 4, null, 6, 7] });
    expect(await messageOf(readTable(nulls, { columns: 'x,z' }))).toMatch(/nulls\.parquet: row group 2, row 2, column "z" is missing \(null\)/);
    const arrow = join(temp, 'nulls.arrow');
    writeFileSync(arrow, tableToIPC(new ArrowTable({ a: vectorFromArray([1, 2, null, 4], new Float64()) })));
    expect(await messageOf(readTable(arrow))).toMatch(/record batch 1, row 3, column "a" is missing \(null\)/);
    const text = join(temp, 'text.arrow');
    writeFileSync(text, tableToIPC(new ArrowTable({ a: vectorFromArray([1, 2], new Float64()), b: vectorFromArray(['u', 'v'], new Utf8()) })));
    expect(await messageOf(readTable(text))).toMatch(/"b" \(column 2\) is not numeric \(its type is Utf8\)/);
    expect(await messageOf(readTable(join(temp, 'w.csv.parquet'), {}))).toMatch(/no such file/);
    const bad = join(temp, 'bad.parquet');
    writeFileSync(bad, 'not parquet at all');
    expect(await messageOf(readTable(bad))).toMatch(/^.*bad\.parquet: not a readable Parquet file/);
  });

  it('read standard input in every format', async () => {
    const pq = join(temp, 'stdin.parquet');
    writeParquet(pq, 2);
    const arrows = join(temp, 'stdin.arrows');
    writeArrow(arrows, 3, true);
    const options = { label: 'species', drop: 'id' };
    const fromCsv = await readTable('-', { ...options, stdin: Readable.from([Buffer.from(csv)]) });
    const fromParquet = await readTable('-', { ...options, format: 'parquet', stdin: Readable.from([readFileSync(pq)]) });
    const fromArrow = await readTable('-', { ...options, format: 'arrow', stdin: Readable.from([readFileSync(arrows)]) });
    for (const table of [fromCsv, fromParquet, fromArrow]) {
      expect(table.source).toBe('<stdin>');
      expect(table.dataset.values).toEqual(reference.dataset.values);
      expect(table.labels).toEqual(columns.species);
    }
    expect(await messageOf(readTable('-', { stdin: Readable.from(['a,b\n1,x\n']) }))).toMatch(/^<stdin>:2:2: "b" \(column 2\) is not numeric/);
  });

  it('read iris as CSV, Parquet and Arrow to the same bits', async () => {
    const table = await readTable(iris);
    const names = table.columns!;
    const cols = names.map((_, j) => Float64Array.from({ length: table.dataset.rows }, (_, i) => table.dataset.values[i * names.length + j]));
    const pq = join(temp, 'iris.parquet');
    writeFileSync(pq, new Uint8Array(parquetWriteBuffer({ columnData: names.map((name, j) => ({ name, data: cols[j], type: 'DOUBLE' as const })), rowGroupSize: 40 })));
    const arrow = join(temp, 'iris.feather');
    writeFileSync(arrow, tableToIPC(tableFromArrays(Object.fromEntries(names.map((n, j) => [n, cols[j]])))));
    for (const path of [pq, arrow]) expect((await readTable(path)).dataset.values).toEqual(table.dataset.values);
  });
});

async function chunksOf(reader: Awaited<ReturnType<typeof openTable>>): Promise<number[]> {
  const rows = [];
  for await (const chunk of reader.chunks()) rows.push(chunk.rows);
  return rows;
}

