import { InputError } from '@emkit/core';
import { type AsyncBuffer, type FileMetaData, type SchemaElement, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { resolveColumns } from './columns.js';
import { type RandomAccessRows, type ReadTableOptions, type RowLocation, type TableChunk, type TableLayout, type TableReader, interleave, refuseNonNumeric } from './table.js';

export type { AsyncBuffer } from 'hyparquet';

const NUMERIC_TYPES = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE', 'BOOLEAN']);
/** Converted/logical types whose values hyparquet turns into something other than a number. */
const NON_NUMERIC_CONVERSIONS = new Set(['DATE', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS', 'INTERVAL', 'UTF8', 'JSON', 'BSON', 'ENUM']);

function isNumeric(element: SchemaElement): boolean {
  if (element.type === undefined || !NUMERIC_TYPES.has(element.type)) return false;
  if (element.converted_type !== undefined && NON_NUMERIC_CONVERSIONS.has(element.converted_type)) return false;
  const logical = element.logical_type?.type;
  return logical === undefined || logical === 'INTEGER' || logical === 'FLOAT16' || logical === 'DECIMAL';
}

function typeName(element: SchemaElement): string {
  return element.logical_type?.type ?? element.converted_type ?? element.type ?? 'a nested group';
}

/**
 * A Parquet table read one row group at a time with hyparquet (pure JavaScript, browser-safe):
 * only the selected columns are decoded, each row group's numeric columns go straight into one
 * Float64Array. Text columns may be the label; any other non-numeric column must be dropped.
 * Errors name the row group, the row and the column.
 */
export function parquetTableReader(file: AsyncBuffer, source: string, options: ReadTableOptions = {}): TableReader & RandomAccessRows {
  let metadata: FileMetaData | null = null;
  let layout: TableLayout | null = null;
  let bytesRead = 0;
  const groupStarts: number[] = [];

  async function open(): Promise<{ metadata: FileMetaData; layout: TableLayout }> {
    if (metadata !== null && layout !== null) return { metadata, layout };
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (error) {
      throw new InputError({ file: source, detail: `not a readable Parquet file: ${error instanceof Error ? error.message : String(error)}` });
    }
    const top = parquetSchema(metadata).children;
    const header = top.map((c) => c.element.name);
    const selection = options.match?.(header, header.length) ?? resolveColumns(header, header.length, options, source);
    for (const j of selection.features) {
      const element = top[j].element;
      if (top[j].children.length > 0 || !isNumeric(element)) refuseNonNumeric(source, header, j, typeName(element));
    }
    if (selection.target !== null && !isNumeric(top[selection.target].element))
      throw new InputError({ file: source, detail: `--target: column ${JSON.stringify(header[selection.target])} is not numeric (its type is ${typeName(top[selection.target].element)})` });
    let start = 0;
    for (const group of metadata.row_groups) {
      groupStarts.push(start);
      start += Number(group.num_rows);
    }
    layout = { header, count: header.length, selection };
    return { metadata, layout };
  }

  function locateRow(row: number): RowLocation {
    let g = groupStarts.length - 1;
    while (g > 0 && groupStarts[g] > row) g--;
    return { description: `row group ${g + 1}, row ${row - (groupStarts[g] ?? 0) + 1} (row ${row + 1} of the file)` };
  }

  /**
   * Rows [rowStart, rowStart + rows) as one chunk: only the selected columns, decoded by
   * hyparquet from the row groups they span. `where(i)` names row i of the range in messages.
   */
  async function decode(rowStart: number, rows: number, where: (i: number) => string): Promise<TableChunk> {
    const { metadata: meta, layout: lay } = await open();
    const { features, label, target } = lay.selection;
    const header = lay.header!;
    const wanted = [...new Set([...features, ...(label === null ? [] : [label]), ...(target === null ? [] : [target])])].map((j) => header[j]);
    const columns = new Map<string, unknown[] | ArrayLike<unknown>>();
    try {
      await parquetRead({
        file,
        metadata: meta,
        columns: wanted,
        rowStart,
        rowEnd: rowStart + rows,
        // A range inside a row group (an out-of-core shard) reads only the pages it overlaps
        // when the file has an offset index; else the row group's column chunks.
        useOffsetIndex: true,
        onChunk: ({ columnName, columnData, rowStart: chunkStart, rowEnd }) => {
          // A column chunk may come in pages (and a range may span row groups): gather them per column.
          let buffer = columns.get(columnName) as unknown[] | undefined;
          if (buffer === undefined) columns.set(columnName, (buffer = new Array<unknown>(rows)));
          for (let i = Math.max(chunkStart, rowStart); i < Math.min(rowEnd, rowStart + rows); i++) buffer[i - rowStart] = (columnData as ArrayLike<unknown>)[i - chunkStart];
        },
      });
    } catch (error) {
      throw new InputError({ file: source, detail: `${where(0)}: cannot decode: ${error instanceof Error ? error.message : String(error)}` });
    }
    const values = new Float64Array(rows * features.length);
    interleave(
      features.map((j) => columns.get(header[j]) ?? []),
      rows,
      values,
      (i, k) => `${where(i)}, column ${JSON.stringify(header[features[k]])}`,
      source,
    );
    let targetValues: Float64Array | null = null;
    if (target !== null) {
      targetValues = new Float64Array(rows);
      const t = target;
      interleave([columns.get(header[t]) ?? []], rows, targetValues, (i) => `${where(i)}, target column ${JSON.stringify(header[t])}`, source);
    }
    let labels: string[] | null = null;
    if (label !== null) {
      const cells = columns.get(header[label]) as ArrayLike<unknown>;
      labels = new Array<string>(rows);
      for (let i = 0; i < rows; i++) {
        const cell = cells[i];
        if (cell === null || cell === undefined) throw new InputError({ file: source, detail: `${where(i)}, label column ${JSON.stringify(header[label])} is missing (null); every row needs a label` });
        labels[i] = typeof cell === 'string' ? cell : String(cell);
      }
    }
    return { firstRow: rowStart, rows, values, target: targetValues, labels };
  }

  async function* chunks(): AsyncGenerator<TableChunk> {
    const { metadata: meta } = await open();
    for (let g = 0; g < meta.row_groups.length; g++) {
      const chunk = await decode(groupStarts[g], Number(meta.row_groups[g].num_rows), (i) => `row group ${g + 1}, row ${i + 1}`);
      for (const column of meta.row_groups[g].columns) bytesRead += Number(column.meta_data?.total_compressed_size ?? 0n);
      yield chunk;
    }
  }

  return {
    source,
    format: 'parquet',
    layout: async () => (await open()).layout,
    chunks,
    get bytesRead() {
      return bytesRead;
    },
    totalBytes: file.byteLength,
    locateRow,
    readRows: async (start, end) => {
      await open();
      return decode(start, end - start, (i) => locateRow(start + i).description);
    },
  };
}
