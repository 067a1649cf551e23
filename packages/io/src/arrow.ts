import { InputError, hasErrorCode } from '@emkit/core';
import { type DataType, type Field, type RecordBatch, DataType as Types, RecordBatchReader } from 'apache-arrow';
import { resolveColumns } from './columns.js';
import { type ReadTableOptions, type RowLocation, type TableChunk, type TableLayout, type TableReader, interleave, refuseNonNumeric } from './table.js';

function isNumeric(type: DataType): boolean {
  return Types.isFloat(type) || Types.isInt(type) || Types.isBool(type);
}

function isText(type: DataType): boolean {
  return Types.isUtf8(type) || Types.isLargeUtf8(type) || (Types.isDictionary(type) && (Types.isUtf8(type.dictionary) || Types.isLargeUtf8(type.dictionary)));
}

/**
 * An Arrow IPC table (file or stream format: .arrow, .feather v2, .arrows) read one record batch
 * at a time with apache-arrow. `bytes` is the whole file or a stream of its bytes (stdin, a
 * fetch body); batches are decoded as they arrive. Errors name the record batch, row and column.
 */
export function arrowTableReader(bytes: Uint8Array | AsyncIterable<Uint8Array>, source: string, options: ReadTableOptions = {}, totalBytes: number | null = null): TableReader {
  let bytesRead = 0;
  const counted: Uint8Array | AsyncIterable<Uint8Array> =
    bytes instanceof Uint8Array
      ? bytes
      : {
          async *[Symbol.asyncIterator]() {
            for await (const chunk of bytes) {
              bytesRead += chunk.byteLength;
              yield chunk;
            }
          },
        };
  let reader: Awaited<ReturnType<typeof RecordBatchReader.from>> | null = null;
  let layout: TableLayout | null = null;
  const batchStarts: number[] = [];

  async function open(): Promise<TableLayout> {
    if (layout !== null) return layout;
    try {
      reader = await RecordBatchReader.from(counted as AsyncIterable<Uint8Array>);
      await reader.open();
    } catch (error) {
      throw new InputError({ file: source, detail: `not a readable Arrow IPC file or stream: ${error instanceof Error ? error.message : String(error)}` });
    }
    layout = arrowLayout(reader.schema.fields, options, source);
    if (bytes instanceof Uint8Array) bytesRead = bytes.byteLength;
    return layout;
  }

  function locateRow(row: number): RowLocation {
    let b = batchStarts.length - 1;
    while (b > 0 && batchStarts[b] > row) b--;
    return { description: `record batch ${b + 1}, row ${row - (batchStarts[b] ?? 0) + 1} (row ${row + 1} of the file)` };
  }

  async function* chunks(): AsyncGenerator<TableChunk> {
    const lay = await open();
    let firstRow = 0;
    let b = 0;
    try {
      for await (const batch of reader! as AsyncIterable<RecordBatch>) {
        b++;
        batchStarts.push(firstRow);
        const rows = batch.numRows;
        if (rows === 0) continue;
        yield batchChunk(batch, b, firstRow, lay, source);
        firstRow += rows;
      }
    } catch (error) {
      if (hasErrorCode(error, 'input')) throw error;
      throw new InputError({ file: source, detail: `record batch ${b}: cannot decode: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  return {
    source,
    format: 'arrow',
    layout: open,
    chunks,
    get bytesRead() {
      return bytesRead;
    },
    totalBytes: bytes instanceof Uint8Array ? bytes.byteLength : totalBytes,
    locateRow,
  };
}

/** The table layout of an Arrow schema: the selection resolved, every fitted column numeric. */
export function arrowLayout(fields: readonly Field[], options: ReadTableOptions, source: string): TableLayout {
  const header = fields.map((f) => f.name);
  const selection = options.match?.(header, header.length) ?? resolveColumns(header, header.length, options, source);
  for (const j of selection.features) if (!isNumeric(fields[j].type)) refuseNonNumeric(source, header, j, String(fields[j].type));
  if (selection.target !== null && !isNumeric(fields[selection.target].type))
    throw new InputError({ file: source, detail: `--target: column ${JSON.stringify(header[selection.target])} is not numeric (its type is ${String(fields[selection.target].type)})` });
  if (selection.label !== null && !isText(fields[selection.label].type) && !isNumeric(fields[selection.label].type))
    throw new InputError({ file: source, detail: `--label: column ${JSON.stringify(header[selection.label])} holds neither text nor numbers (its type is ${String(fields[selection.label].type)})` });
  return { header, count: header.length, selection };
}

/** Record batch `b` (1-based, for messages) of a table, whose first row is `firstRow`, as a chunk of the selected columns. */
export function batchChunk(batch: RecordBatch, b: number, firstRow: number, layout: TableLayout, source: string): TableChunk {
  const { features, label, target } = layout.selection;
  const header = layout.header!;
  const rows = batch.numRows;
  const at = (i: number, j: number): string => `record batch ${b}, row ${i + 1}, column ${JSON.stringify(header[j])}`;
  const column = (j: number): ArrayLike<unknown> => {
    const vector = batch.getChildAt(j)!;
    // toArray() gives the typed values without their validity bitmap: read nulls through get().
    return vector.nullCount > 0 ? Array.from({ length: rows }, (_, i) => vector.get(i) as unknown) : (vector.toArray() as ArrayLike<unknown>);
  };
  const values = new Float64Array(rows * features.length);
  interleave(features.map(column), rows, values, (i, k) => at(i, features[k]), source);
  let targetValues: Float64Array | null = null;
  if (target !== null) {
    targetValues = new Float64Array(rows);
    interleave([column(target)], rows, targetValues, (i) => at(i, target), source);
  }
  let labels: string[] | null = null;
  if (label !== null) {
    const vector = batch.getChildAt(label)!;
    labels = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      const cell: unknown = vector.get(i);
      if (cell === null || cell === undefined) throw new InputError({ file: source, detail: `${at(i, label)} (the label) is missing (null); every row needs a label` });
      labels[i] = String(cell);
    }
  }
  return { firstRow, rows, values, target: targetValues, labels };
}
