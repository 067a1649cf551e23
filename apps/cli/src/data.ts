import { type Dataset, InputError, createDataset, hasErrorCode, restateError } from '@emkit/core';
import {
  type HeaderMode,
  type TableFormat,
  type Delimiter,
  type Table,
  type ModelColumns,
  type OpenTableOptions,
  type ResolvedColumns,
  matchModelColumns,
  openTable,
  readTable,
  rowIdColumns,
  STDIN_NAME,
} from '@emkit/io/node';
import { splitSequenceColumn } from './sequence.js';

/** --missing: refuse missing cells (default) or read them as a mask for models that marginalise them. */
export type MissingMode = 'error' | 'marginalize';

/** The flags that say which file to read and how (see dataOptions). */
export interface DataFlags {
  data: string;
  header: HeaderMode;
  format?: TableFormat;
  delimiter?: Delimiter;
  columns?: string;
  drop?: string;
  label?: string;
  target?: string;
  sequence?: string;
  missing?: MissingMode;
}

/** A data file read for a command: the table (dataset, labels, layout) under the name it was given. */
export interface DataFile extends Omit<Table, 'source' | 'format'> {
  /** The path as given, or <stdin>. */
  readonly path: string;
  /** Bytes read (the file's size for a file). */
  readonly bytes: number;
}

/** The rows of --data (a path, or - for stdin) in its format, with --columns/--drop/--label/--target applied, and the --sequence column's ids as the dataset's groups (for sequence models). */
export async function readDataFile(
  flags: DataFlags,
  options: {
    /** The columns a model was fitted on: found again by name (or position), see matchModelColumns. */
    model?: ModelColumns | null;
    onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number | null }) => void;
  } = {},
): Promise<DataFile> {
  let bytes = 0;
  const { model, onProgress } = options;
  const table = await readTable(flags.data, {
    ...tableOptions(flags, model),
    onProgress: (p) => {
      bytes = p.bytesRead;
      onProgress?.(p);
    },
  });
  const { source, format: _format, ...rest } = table;
  const file = { ...rest, path: source, bytes };
  return flags.sequence === undefined ? file : withSequenceColumn(file, flags.sequence, flags.target !== undefined);
}

/** The reading flags as every reader (whole, streamed, indexed) takes them. */
export function readingOptions(flags: DataFlags) {
  return { header: flags.header, delimiter: flags.delimiter, columns: flags.columns, drop: flags.drop, label: flags.label, target: flags.target, missing: flags.missing };
}

/** How to read --data: its format and the column flags, or a model's columns found again by name. */
function tableOptions(flags: DataFlags, model: ModelColumns | null | undefined): OpenTableOptions {
  const name = flags.data === '-' ? STDIN_NAME : flags.data;
  return {
    match: model ? (header, count) => withSequenceFeature(matchModelColumns(model, header, count, flags, name), header, count, flags.sequence) : undefined,
    format: flags.format,
    ...readingOptions(flags),
  };
}

/**
 * --data read chunk by chunk (CSV pieces, Parquet row groups, Arrow record batches) with the
 * columns readDataFile would give, for commands that stream rows in constant memory; each chunk
 * comes as a DataFile of its rows whose locateRow names the file's lines. No --sequence.
 */
export async function* streamDataFile(flags: DataFlags, model?: ModelColumns | null): AsyncGenerator<DataFile> {
  const reader = await openTable(flags.data, tableOptions(flags, model));
  const layout = await reader.layout();
  const names = layout.selection.names === null ? null : [...layout.selection.names];
  const cols = layout.selection.features.length;
  const path = reader.source;
  for await (const chunk of reader.chunks()) {
    const dataset = createDataset(chunk.values, chunk.rows, cols, { columns: names, source: path, target: chunk.target, missing: chunk.missing ?? null });
    yield {
      path,
      bytes: reader.bytesRead,
      dataset: chunk.target ? { ...dataset, target: chunk.target } : dataset,
      layout,
      columns: names,
      labels: chunk.labels === null ? null : [...chunk.labels],
      labelName: null,
      locateRow: (row) => reader.locateRow(chunk.firstRow + row),
    };
  }
}

/**
 * A model's columns plus the --sequence column (last), which withSequenceColumn then takes out
 * of the data as group ids: the model file's columns never include it.
 */
function withSequenceFeature(resolved: ResolvedColumns, header: readonly string[] | null, count: number, spec: string | undefined): ResolvedColumns {
  if (spec === undefined) return resolved;
  const index = header?.includes(spec) ? header.indexOf(spec) : /^[1-9][0-9]*$/.test(spec) && Number(spec) <= count ? Number(spec) - 1 : -1;
  if (index === -1 || resolved.features.includes(index)) return resolved;
  return { ...resolved, features: [...resolved.features, index], names: resolved.names === null || header === null ? resolved.names : [...resolved.names, header[index]] };
}

/** The --sequence column taken out of the fitted columns (and out of the layout the model file keeps). */
function withSequenceColumn(file: DataFile, spec: string, targetSplitOff: boolean): DataFile {
  const { dataset, layout } = file;
  if (dataset.columns?.includes(spec)) return removeSequence(file, dataset.columns.indexOf(spec), splitSequenceColumn(dataset, spec, file.path, targetSplitOff));
  // A number counts the file's columns: find where that column is among the selected ones.
  const fileIndex = /^[1-9][0-9]*$/.test(spec) ? Number(spec) - 1 : -1;
  const index = layout.selection.features.indexOf(fileIndex);
  if (index === -1) return removeSequence(file, -1, splitSequenceColumn(dataset, spec, file.path, targetSplitOff));
  return removeSequence(file, index, splitSequenceColumn(dataset, String(index + 1), file.path, false));
}


function removeSequence(file: DataFile, index: number, split: Dataset): DataFile {
  const { layout } = file;
  const keep = (_: unknown, j: number): boolean => j !== index;
  const selection = { ...layout.selection, features: layout.selection.features.filter(keep), names: layout.selection.names?.filter(keep) ?? null };
  return { ...file, dataset: split, columns: selection.names, layout: { ...layout, selection } };
}

/** A warning for each fitted column that is exactly 0..N−1 or 1..N, or null. */
export function rowIdWarnings(file: DataFile): string[] {
  const { dataset } = file;
  return rowIdColumns(dataset.values, dataset.rows, dataset.cols).map((j) => {
    const name = file.columns === null ? `column ${file.layout.selection.features[j] + 1}` : `column "${file.columns[j]}"`;
    const flag = file.columns === null ? String(file.layout.selection.features[j] + 1) : file.columns[j];
    return `${name} is ${dataset.values[j]}, ${dataset.values[j] + 1}, … ${dataset.values[j] + dataset.rows - 1}: it looks like a row id, not a feature; leave it out with --drop ${flag}`;
  });
}

export { STDIN_NAME };

const ROW_AT = /^row (\d+)(?:, column (\d+))?/;

/**
 * Plugins check data they are given as a Dataset (0/1 values, a target, the column count) and
 * name it "data" and its rows. In the CLI that data is a file: name it, and turn "row r, column c"
 * into the file's line and column (or row group / record batch), so the error reads like the
 * reader's own.
 */
export function inDataFile(error: unknown, file: DataFile): unknown {
  if (!hasErrorCode(error, 'input') || error.file !== 'data') return error;
  const at = ROW_AT.exec(error.detail);
  const rowNumber = error.row ?? (at ? Number(at[1]) : undefined);
  if (rowNumber === undefined) return restateError(error, { file: file.path, row: undefined });
  const location = file.locateRow(rowNumber - 1);
  const dataColumn = error.column ?? (at?.[2] === undefined ? undefined : Number(at[2]));
  const column = dataColumn === undefined ? undefined : file.layout.selection.features[dataColumn - 1] + 1;
  if (location.line !== undefined) return restateError(error, { file: file.path, line: location.line, column, row: undefined });
  const detail = at ? `${location.description}${column === undefined ? '' : `, column ${column}`}${error.detail.slice(at[0].length)}` : error.detail;
  return restateError(error, { file: file.path, detail, column: undefined, row: undefined });
}

/**
 * Refuses a non-finite per-row output (NaN responsibilities, a −∞ score): emkit never writes
 * NaN or Infinity. It happens when a row has zero density under every component of a model —
 * typically a hand-written model with tiny variances, or data far outside what it was fitted to.
 */
export function checkFiniteRows(values: ArrayLike<number>, cols: number, file: DataFile, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const row = Math.floor(i / cols);
    const location = file.locateRow(row);
    throw new InputError({ file: file.path, detail: `${location.line !== undefined ? `row ${row + 1}` : location.description}: the model gives ${what} ${values[i]} (the row has zero density under the model: it lies too far from every component for float64)`, remedy: `check that the data and the model match`, ...location.line !== undefined ? { line: location.line } : {} });
  }
}
