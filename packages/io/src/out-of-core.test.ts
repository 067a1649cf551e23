import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyStandardization, fitStandardization, isEmkitError, planShards, readExternalShard, reservoirSample } from '@emkit/core';
import { type Table as ArrowTable, tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { indexFile, readShard, readTable } from './node.js';

/*
 * An indexed file read shard by shard gives the rows readTable gives, bit for bit, whatever the
 * shard size, header, line endings and column selection; the index pass draws the same
 * reservoir sample and fits the same z-scores as the in-memory helpers; a bad line is reported
 * by the index pass with its line and column, and a file changed after indexing is refused.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-out-of-core-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let files = 0;

/** The message of the emkit error `p` rejects with. */
const rejection = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'no error',
    (error: unknown) => (isEmkitError(error) ? error.message : `not an emkit error: ${String(error)}`),
  );

/** Rows of small numbers with a few decimals, so the CSV text reads back to exactly these floats. */
const tableArbitrary = fc
  .record({ rows: fc.integer({ min: 1, max: 60 }), cols: fc.integer({ min: 2, max: 4 }) })
  .chain(({ rows, cols }) => fc.tuple(fc.constant(cols), fc.array(fc.array(fc.integer({ min: -99999, max: 99999 }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })));

describe('indexed CSV files', () => {
  it('read shard by shard equal readTable bit for bit, sample and z-scores included', async () => {
    await fc.assert(
      fc.asyncProperty(
        tableArbitrary,
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        async ([cols, cells], shardRows, header, eol, bom, trailingBlank) => {
          const names = Array.from({ length: cols }, (_, j) => `c${j}`);
          const lines = [...(header ? [names.join(',')] : []), ...cells.map((row) => row.map((v) => String(v / 100)).join(','))];
          const path = join(temp, `t${files++}.csv`);
          writeFileSync(path, `${bom ? '\ufeff' : ''}${lines.join(eol)}${eol}${trailingBlank ? eol : ''}`);
          const selection = { header: header ? ('yes' as const) : ('no' as const), drop: cols > 2 ? '2' : undefined };
          const table = await readTable(path, selection);
          const spread = fitStandardizationOrNull(table.dataset);
          const indexed = await indexFile(path, { format: 'csv', ...selection, shardRows, sampleRows: 5, seed: 3, standardize: spread !== null });
          expect(indexed.dataset.rows).toBe(table.dataset.rows);
          expect(indexed.columns).toEqual(table.columns);
          const expected = spread === null ? table.dataset : applyStandardization(table.dataset, spread);
          const read: number[] = [];
          for (const shard of planShards(indexed.dataset.rows, shardRows)) read.push(...(await readExternalShard(indexed.dataset.external!, shard)).values);
          expect(Float64Array.from(read)).toEqual(expected.values);
          expect(indexed.sample!.values).toEqual(reservoirSample(expected, 5, 3).values);
          if (spread !== null) expect(indexed.standardization).toEqual(spread);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('names the file, line and column of a bad cell found while indexing', async () => {
    const path = join(temp, 'bad.csv');
    writeFileSync(path, `a,b\n${Array.from({ length: 30 }, (_, i) => `${i},${i * 2}`).join('\n')}\n1,oops\n2,3\n`);
    expect(await rejection(indexFile(path, { format: 'csv', shardRows: 8 }))).toMatch(/\/bad\.csv:32:2: cell "oops" is not a number/);
    writeFileSync(path, 'a,b\n1,2\n3\n');
    expect(await rejection(indexFile(path, { format: 'csv' }))).toMatch(/\/bad\.csv:3: line 3 has 1 field, expected 2/);
  });

  it('refuses a file changed after it was indexed', async () => {
    const path = join(temp, 'changing.csv');
    writeFileSync(path, `x,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i % 3}`).join('\n')}\n`);
    const indexed = await indexFile(path, { format: 'csv', shardRows: 8 });
    await expect(readShard(indexed.reference, { start: 8, end: 16 })).resolves.toMatchObject({ rows: 8 });
    appendFileSync(path, '20,2\n');
    expect(await rejection(readShard(indexed.reference, { start: 8, end: 16 }))).toMatch(/changing\.csv: changed since it was indexed \(\d+ bytes .*, now \d+ bytes .*\); .* leave the file unchanged/);
  });

  it('refuses ranges that are not whole shards of the index', async () => {
    const path = join(temp, 'ranges.csv');
    writeFileSync(path, `${Array.from({ length: 10 }, (_, i) => `${i},1`).join('\n')}\n`);
    const indexed = await indexFile(path, { format: 'csv', shardRows: 4 });
    await expect(readShard(indexed.reference, { start: 4, end: 10 })).resolves.toMatchObject({ rows: 6 });
    await expect(readShard(indexed.reference, { start: 2, end: 4 })).rejects.toThrow(/not whole shards of 4 rows/);
  });

  it('refuses what is not a regular file, and Arrow streams (their batches cannot be read out of order)', async () => {
    expect(await rejection(indexFile(temp, { format: 'csv' }))).toMatch(/needs a regular file/);
    const path = join(temp, 'x.arrows');
    writeFileSync(path, tableToIPC(tableFromArrays({ a: Float64Array.of(1, 2) }), 'stream'));
    expect(await rejection(indexFile(path, { format: 'arrow' }))).toMatch(/is an Arrow IPC stream, .* write it in the Arrow IPC file format/);
  });
});

describe('indexed Parquet files', () => {
  it('read shard by shard across row groups equal readTable bit for bit', async () => {
    await fc.assert(
      fc.asyncProperty(tableArbitrary, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 20 }), async ([cols, cells], shardRows, rowGroupSize) => {
        const columnData = Array.from({ length: cols }, (_, j) => ({ name: `c${j}`, data: Float64Array.from(cells, (row) => row[j] / 100), type: 'DOUBLE' as const }));
        const path = join(temp, `t${files++}.parquet`);
        writeFileSync(path, Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize })));
        const table = await readTable(path, { columns: cols > 2 ? 'c2,c0' : undefined });
        const indexed = await indexFile(path, { format: 'parquet', columns: cols > 2 ? 'c2,c0' : undefined, shardRows, sampleRows: 4, seed: 1 });
        const read: number[] = [];
        for (const shard of planShards(indexed.dataset.rows, shardRows)) read.push(...(await readExternalShard(indexed.dataset.external!, shard)).values);
        expect(Float64Array.from(read)).toEqual(table.dataset.values);
        expect(indexed.sample!.values).toEqual(reservoirSample(table.dataset, 4, 1).values);
      }),
      { numRuns: 30 },
    );
  });
});

describe('indexed Arrow IPC files', () => {
  it('read shard by shard across record batches equal readTable bit for bit', async () => {
    await fc.assert(
      fc.asyncProperty(tableArbitrary, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 20 }), async ([cols, cells], shardRows, batchRows) => {
        let table = null as ArrowTable | null;
        for (let start = 0; start < cells.length; start += batchRows) {
          const part = tableFromArrays(Object.fromEntries(Array.from({ length: cols }, (_, j) => [`c${j}`, Float64Array.from(cells.slice(start, start + batchRows), (row) => row[j] / 100)])));
          table = table === null ? part : table.concat(part);
        }
        const path = join(temp, `t${files++}.arrow`);
        writeFileSync(path, tableToIPC(table!, 'file'));
        const selection = { columns: cols > 2 ? 'c2,c0' : undefined };
        const expected = (await readTable(path, selection)).dataset;
        const indexed = await indexFile(path, { format: 'arrow', ...selection, shardRows, sampleRows: 4, seed: 2 });
        expect(indexed.reference.arrow!.batchStarts).toHaveLength(Math.ceil(cells.length / batchRows) + 1);
        const read: number[] = [];
        for (const shard of planShards(indexed.dataset.rows, shardRows)) read.push(...(await readExternalShard(indexed.dataset.external!, shard)).values);
        expect(Float64Array.from(read)).toEqual(expected.values);
        expect(indexed.sample!.values).toEqual(reservoirSample(expected, 4, 2).values);
      }),
      { numRuns: 30 },
    );
  });
});

/** z-scores of the data, or null when a column has no spread (then the test reads unstandardised). */
function fitStandardizationOrNull(data: Parameters<typeof fitStandardization>[0]) {
  try {
    return fitStandardization(data, 'zscore');
  } catch {
    return null;
  }
}
