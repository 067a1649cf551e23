import { type Dataset, InputError, createDataset } from '@emkit/core';
import { type ColumnSelection, type ResolvedColumns, describeColumn, nonNumericColumnMessage } from './columns.js';

/** The file formats emkit reads. */
export type TableFormat = 'csv' | 'tsv' | 'parquet' | 'arrow';
export const TABLE_FORMATS: readonly TableFormat[] = ['csv', 'tsv', 'parquet', 'arrow'];

/** The format a file name implies, or null when its extension says nothing. */
export function formatFromName(name: string): TableFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.arrow') || lower.endsWith('.arrows') || lower.endsWith('.feather') || lower.endsWith('.ipc')) return 'arrow';
  return null;
}

/** A table's columns and how the selection resolved against them. */
export interface TableLayout {
  /** Every column name in the file, or null when the file has no header (CSV only). */
  readonly header: readonly string[] | null;
  /** The number of columns in the file. */
  readonly count: number;
  readonly selection: ResolvedColumns;
}

/**
 * Consecutive rows of a table: the fitted columns row-major and the missing cells (CSV with
 * missing: 'marginalize'), as a Dataset holds them, and the label and target columns when
 * selected. Readers yield these one CSV read chunk, Parquet row group or Arrow record batch at a
 * time, so a consumer can stream a file larger than memory.
 */
export interface TableChunk extends Pick<Dataset, 'rows' | 'values' | 'missing'> {
  /** 0-based index of the chunk's first row in the table. */
  readonly firstRow: number;
  readonly target: Float64Array | null;
  readonly labels: readonly string[] | null;
}

/**
 * A table read chunk by chunk. `layout` is known before the first chunk; `bytesRead` grows as
 * chunks are read (for progress), towards `totalBytes` when the size is known.
 */
export interface TableReader {
  readonly source: string;
  readonly format: TableFormat;
  layout(): Promise<TableLayout>;
  chunks(): AsyncIterable<TableChunk>;
  readonly bytesRead: number;
  readonly totalBytes: number | null;
  /** Where a row (0-based) is in the file, for messages: a CSV line, a Parquet row group. */
  locateRow(row: number): RowLocation;
}

/** A reader that can also read any row range on its own (Parquet): what out-of-core shards need. */
export interface RandomAccessRows {
  /** Rows [start, end) of the table as one chunk. */
  readRows(start: number, end: number): Promise<TableChunk>;
}

export interface RowLocation {
  /** The file's line (CSV), when rows are lines. */
  readonly line?: number;
  /** `row group 2, row 17` (Parquet) or `record batch 1, row 3` (Arrow); `row 5` otherwise. */
  readonly description: string;
}

/** A whole table read into memory: the dataset of the fitted columns, its labels and layout. */
export interface Table {
  readonly source: string;
  readonly format: TableFormat;
  readonly dataset: Dataset;
  readonly layout: TableLayout;
  /** The fitted columns' names (null without a header). */
  readonly columns: readonly string[] | null;
  readonly labels: readonly string[] | null;
  readonly labelName: string | null;
  locateRow(row: number): RowLocation;
}

/** Options every reader takes. */
export interface ReadTableOptions extends ColumnSelection {
  /** CSV/TSV only. */
  header?: 'auto' | 'yes' | 'no';
  /** CSV only: 'marginalize' reads empty cells, NaN and NA as missing (see ParseCsvOptions.missing). */
  missing?: 'error' | 'marginalize';
  /** CSV only: a field separator, or 'auto'. */
  delimiter?: ',' | '\t' | ';' | '|' | 'auto';
  /**
   * Chooses the columns once the header is known, instead of the selection flags: predict and
   * score use it to find a model's columns by name (see matchModelColumns).
   */
  match?: (header: readonly string[] | null, count: number) => ResolvedColumns;
  /** Called after each chunk with the rows and bytes read so far. */
  onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number | null }) => void;
}

/** Appends chunks into one Float64Array that grows by doubling. */
export class ChunkCollector {
  private values = new Float64Array(1024);
  private target: Float64Array | null = null;
  private missing: Uint8Array | null = null;
  private readonly labels: string[] = [];
  private used = 0;
  rows = 0;

  add(chunk: TableChunk, cols: number): void {
    if (this.used + chunk.values.length > this.values.length) {
      const grown = new Float64Array(Math.max(this.values.length * 2, this.used + chunk.values.length));
      grown.set(this.values.subarray(0, this.used));
      this.values = grown;
    }
    this.values.set(chunk.values, this.used);
    if (chunk.missing) {
      if (this.missing === null || this.missing.length < this.values.length) {
        const grown = new Uint8Array(this.values.length);
        if (this.missing !== null) grown.set(this.missing);
        this.missing = grown;
      }
      this.missing.set(chunk.missing, this.used);
    }
    this.used += chunk.rows * cols;
    if (chunk.target !== null) {
      if (this.target === null || this.rows + chunk.rows > this.target.length) {
        const grown = new Float64Array(Math.max((this.target?.length ?? 512) * 2, this.rows + chunk.rows));
        if (this.target !== null) grown.set(this.target.subarray(0, this.rows));
        this.target = grown;
      }
      this.target.set(chunk.target, this.rows);
    }
    if (chunk.labels !== null) for (const label of chunk.labels) this.labels.push(label);
    this.rows += chunk.rows;
  }

  result(layout: TableLayout): { values: Float64Array; target: Float64Array | null; labels: string[] | null; missing: Uint8Array | null } {
    return {
      missing: this.missing === null ? null : this.missing.slice(0, this.used),
      values: this.used === this.values.length ? this.values : this.values.slice(0, this.used),
      target: this.target === null ? null : this.target.slice(0, this.rows),
      labels: layout.selection.label === null ? null : this.labels,
    };
  }
}

/** Reads every chunk of `reader` into one Table. */
export async function collectTable(reader: TableReader, onProgress?: ReadTableOptions['onProgress']): Promise<Table> {
  const layout = await reader.layout();
  const cols = layout.selection.features.length;
  const collector = new ChunkCollector();
  for await (const chunk of reader.chunks()) {
    collector.add(chunk, cols);
    onProgress?.({ rows: collector.rows, bytesRead: reader.bytesRead, totalBytes: reader.totalBytes });
  }
  if (collector.rows === 0) throw new InputError({ file: reader.source, detail: 'no data rows' });
  const { values, target, labels, missing } = collector.result(layout);
  const names = layout.selection.names;
  const dataset = createDataset(values, collector.rows, cols, { columns: names, source: reader.source, target, missing });
  const labelIndex = layout.selection.label;
  return {
    source: reader.source,
    format: reader.format,
    dataset,
    layout,
    columns: names,
    labels,
    labelName: labelIndex === null ? null : layout.header === null ? `column ${labelIndex + 1}` : layout.header[labelIndex],
    locateRow: (row) => reader.locateRow(row),
  };
}

/**
 * Fills `out` (rows × features, row-major) from columnar data: `columns[k]` holds the values of
 * feature k for `rows` rows. Used by the columnar readers (Parquet, Arrow); a value that is not
 * a finite number is refused with `where(row)` and the column's name.
 */
export function interleave(
  columns: readonly ArrayLike<unknown>[],
  rows: number,
  out: Float64Array,
  describe: (row: number, k: number) => string,
  source: string,
): void {
  const d = columns.length;
  for (let k = 0; k < d; k++) {
    const column = columns[k];
    if (column instanceof Float64Array || column instanceof Float32Array || column instanceof Int32Array || column instanceof Int16Array || column instanceof Int8Array || column instanceof Uint8Array || column instanceof Uint16Array || column instanceof Uint32Array) {
      for (let i = 0; i < rows; i++) {
        const v = column[i];
        if (!Number.isFinite(v)) throw new InputError({ file: source, detail: `${describe(i, k)} is ${v}; every value must be a finite number` });
        out[i * d + k] = v;
      }
      continue;
    }
    for (let i = 0; i < rows; i++) {
      const raw = column[i];
      const v = typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : typeof raw === 'boolean' ? Number(raw) : NaN;
      if (!Number.isFinite(v)) {
        const what = raw === null || raw === undefined ? 'missing (null)' : typeof raw === 'number' ? String(raw) : `not a number (${JSON.stringify(String(raw)).slice(0, 40)})`;
        throw new InputError({ file: source, detail: `${describe(i, k)} is ${what}; every value must be a finite number (fill in or drop missing values)` });
      }
      out[i * d + k] = v;
    }
  }
}

/** Refuses a column of a columnar file whose type holds no numbers, naming it and the remedy. */
export function refuseNonNumeric(source: string, header: readonly string[], index: number, typeName: string): never {
  throw new InputError({ file: source, detail: nonNumericColumnMessage(header, index, typeName).replace(/\(it holds "(.*)"\)/, '(its type is $1)') });
}

export { describeColumn };
