import { type Dataset, InputError, MAX_MAGNITUDE, createDataset } from '@emkit/core';
import { type ColumnSelection, type ResolvedColumns, describeColumn, nonNumericColumnMessage, resolveColumns } from './columns.js';
import type { TableChunk, TableLayout, TableReader } from './table.js';

/*
 * A hand-written reader rather than papaparse: emkit's CSV is numbers (plus, optionally, one
 * label column of text), so the general machinery (type guessing, multi-line quoted fields)
 * would be bypassed, and what we need most — an error naming line and column for every
 * malformed cell, a row count check, and values written straight into one growing Float64Array
 * while streaming — sits on top of any parser anyway. The reader is incremental (`write`
 * chunks, then `end`), so the browser feeds it a File's stream and Node a read stream;
 * `takeChunk` hands over the rows parsed so far, for readers that stream (see table.ts).
 */

export type HeaderMode = 'auto' | 'yes' | 'no';

/** A field separator, or 'auto' (default): the one of , tab ; | most frequent on line 1. */
export type Delimiter = ',' | '\t' | ';' | '|' | 'auto';
export const DELIMITERS: readonly Delimiter[] = [',', '\t', ';', '|', 'auto'];

export interface ParseCsvOptions extends ColumnSelection {
  /** auto (default): line 1 is a header when one of its cells is not a number. */
  header?: HeaderMode;
  delimiter?: Delimiter;
  /** See ReadTableOptions.match. */
  match?: (header: readonly string[] | null, count: number) => ResolvedColumns;
  /**
   * What an empty cell, NaN or NA in a fitted column is: 'error' (default) refuses it with its
   * line and column; 'marginalize' reads it as a missing cell (the dataset's missing mask) for
   * models that marginalise missing values.
   */
  missing?: 'error' | 'marginalize';
  /** The file's line number of the text's first line (default 1): for a piece read from the middle of a file. */
  firstLine?: number;
}

/** Cell spellings of a missing value under missing: 'marginalize' (besides an empty cell). */
const MISSING_WORD = /^(na|nan)$/i;

export interface ParsedCsv {
  /** The fitted columns. */
  dataset: Dataset;
  /** Header names of the dataset's columns, or null without a header. */
  columns: string[] | null;
  /** The target column's values, when `target` was given. */
  target?: Float64Array;
  /** The label column's cells, when `label` was given. */
  labels?: string[];
  /** The file's columns and how they were selected. */
  layout: TableLayout;
}

const NON_FINITE_WORD = /^[+-]?(nan|inf|infinity)$/i;

type CellKind = 'number' | 'empty' | 'non-finite' | 'too-large' | 'text';

/**
 * Number() accepts a few spellings that are not decimal numbers ("0x1f", "0b1", "0o7",
 * "Infinity"); everything else it accepts is a plain decimal float, so one call plus these
 * checks is both exact and fast.
 */
function classify(cell: string): { kind: CellKind; value: number } {
  if (cell === '') return { kind: 'empty', value: NaN };
  const value = Number(cell);
  if (Number.isFinite(value)) {
    const c1 = cell.length > 1 ? cell.charCodeAt(1) | 0x20 : 0;
    if (cell.charCodeAt(0) === 48 /* 0 */ && (c1 === 120 /* x */ || c1 === 98 /* b */ || c1 === 111 /* o */)) return { kind: 'text', value };
    return { kind: Math.abs(value) > MAX_MAGNITUDE ? 'too-large' : 'number', value };
  }
  if (NON_FINITE_WORD.test(cell) || value === Infinity || value === -Infinity) return { kind: 'non-finite', value };
  return { kind: 'text', value };
}

function quoteForMessage(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 37)}...` : cell);
}

/**
 * Splits one line into trimmed cells. Quoted cells follow RFC 4180 ("" is a quote) but must
 * close on the same line. Returns the cells and, per cell, whether it was quoted.
 */
function splitLine(line: string, source: string, lineNumber: number, delimiter: string): string[] {
  const blank = delimiter === '\t' ? ' ' : ' \t';
  if (line.indexOf('"') === -1) {
    const cells = line.split(delimiter);
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i].trim();
    return cells;
  }
  const cells: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && blank.includes(line[i])) i++;
    let cell: string;
    if (line[i] === '"') {
      const startColumn = cells.length + 1;
      let text = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) throw new InputError({ file: source, detail: 'unterminated quoted cell; close the quote on the same line', line: lineNumber, column: startColumn });
        text += line.slice(i, q);
        if (line[q + 1] === '"') {
          text += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      while (i < n && blank.includes(line[i])) i++;
      if (i < n && line[i] !== delimiter)
        throw new InputError({ file: source, detail: 'text after a closing quote; a quoted cell must end at the delimiter', line: lineNumber, column: startColumn });
      cell = text;
    } else {
      const comma = line.indexOf(delimiter, i);
      const end = comma === -1 ? n : comma;
      cell = line.slice(i, end).trim();
      if (cell.includes('"'))
        throw new InputError({
          file: source,
          detail: `cell ${quoteForMessage(cell)} has a quote inside; quote the whole cell and double inner quotes`,
          line: lineNumber,
          column: cells.length + 1,
        });
      i = end;
    }
    cells.push(cell);
    if (i >= n) return cells;
    i++; // the delimiter
  }
}

/** The delimiter of a file whose first line is `line`: the candidate that occurs most often outside quotes (comma on a tie or none). */
export function detectDelimiter(line: string): ',' | '\t' | ';' | '|' {
  const unquoted = line.replace(/"(?:[^"]|"")*"/g, '');
  let best: ',' | '\t' | ';' | '|' = ',';
  let most = 0;
  for (const d of [',', '\t', ';', '|'] as const) {
    const count = unquoted.split(d).length - 1;
    if (count > most) [best, most] = [d, count];
  }
  return best;
}

/**
 * Incremental CSV reader: `write` text chunks of any size (split anywhere, even inside a line),
 * then `end` for the whole table — or `takeChunk` between writes for the rows parsed so far, and
 * `close` at the end (see csvTableReader). Holds at most one partial line of text besides the
 * values. The fitted columns must hold numbers; the label column (if any) may hold any text.
 */
export class CsvReader {
  private readonly source: string;
  private readonly headerMode: HeaderMode;
  private readonly selectionSpec: ColumnSelection;
  private readonly match: ParseCsvOptions['match'];
  private readonly delimiterOption: Delimiter;
  private delimiter = ',';
  private rest = '';
  private started = false;
  private closed = false;
  private lineNumber = 0;
  private firstBlankLine = 0;
  private fields = -1;
  private fieldsLine = 0;
  private headerLine = 0;
  private header: string[] | null = null;
  private resolved: TableLayout | null = null;
  private features: readonly number[] = [];
  private labelIndex = -1;
  private targetIndex = -1;
  /** Rows handed over by takeChunk so far. */
  private takenRows = 0;
  private rows = 0;
  private values = new Float64Array(1024);
  private used = 0;
  private targetValues: Float64Array | null = null;
  private labels: string[] | null = null;
  private readonly marginalize: boolean;
  /** The missing-cell mask beside `values`, once a missing cell has been read. */
  private missing: Uint8Array | null = null;

  constructor(source: string, options: ParseCsvOptions = {}) {
    this.source = source;
    this.headerMode = options.header ?? 'auto';
    this.selectionSpec = { columns: options.columns, drop: options.drop, label: options.label, target: options.target };
    this.match = options.match;
    this.delimiterOption = options.delimiter ?? 'auto';
    this.marginalize = options.missing === 'marginalize';
    this.lineNumber = (options.firstLine ?? 1) - 1;
    if (!['auto', 'yes', 'no'].includes(this.headerMode))
      throw new InputError({ file: source, detail: `header must be "auto", "yes" or "no", got ${JSON.stringify(this.headerMode)}` });
    if (!DELIMITERS.includes(this.delimiterOption))
      throw new InputError({ file: source, detail: `delimiter must be one of ",", "\\t", ";", "|" or "auto", got ${JSON.stringify(this.delimiterOption)}` });
  }

  /** The file's columns and the resolved selection, once the first line has been read. */
  get layout(): TableLayout | null {
    return this.resolved;
  }

  /** The field separator in use: as given, or detected from line 1 once it is read. */
  get fieldDelimiter(): Delimiter {
    return this.delimiter as Delimiter;
  }

  /** The line of the first row of the data (after the header, if any). */
  get firstDataLine(): number {
    return this.headerLine + 1;
  }

  write(chunk: string): void {
    if (!this.started) {
      if (chunk === '') return;
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const text = this.rest === '' ? chunk : this.rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(text.slice(start, end));
      start = nl + 1;
    }
    this.rest = start === 0 ? text : text.slice(start);
  }

  /** Reads the last line (one without a newline) and checks the file was not empty. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.rest !== '') {
      const last = this.rest.charCodeAt(this.rest.length - 1) === 13 ? this.rest.slice(0, -1) : this.rest;
      this.rest = '';
      this.line(last);
    }
    if (this.fields === -1) throw new InputError({ file: this.source, detail: 'the file is empty; expected comma-separated numbers, one row per line' });
    if (this.takenRows + this.rows === 0) throw new InputError({ file: this.source, detail: 'only a header row, no data rows', line: this.headerLine });
  }

  /** The rows parsed since the last call (null when there are none); the reader forgets them. */
  takeChunk(): TableChunk | null {
    if (this.rows === 0) return null;
    const chunk: TableChunk = {
      firstRow: this.takenRows,
      rows: this.rows,
      values: this.values.slice(0, this.used),
      target: this.targetValues === null ? null : this.targetValues.slice(0, this.rows),
      labels: this.labels,
      missing: this.missing === null ? null : this.missing.slice(0, this.used),
    };
    this.takenRows += this.rows;
    this.rows = 0;
    this.used = 0;
    if (this.missing !== null) this.missing.fill(0);
    if (this.labels !== null) this.labels = [];
    return chunk;
  }

  end(): ParsedCsv {
    this.close();
    if (this.takenRows > 0) throw new Error('CsvReader.end after takeChunk: collect the chunks instead');
    const layout = this.resolved!;
    const cols = this.features.length;
    const values = this.used === this.values.length ? this.values : this.values.slice(0, this.used);
    const columns = layout.selection.names === null ? null : [...layout.selection.names];
    const missing = this.missing === null ? null : this.missing.slice(0, this.used);
    const dataset = createDataset(values, this.rows, cols, { columns, source: this.source, missing });
    const result: ParsedCsv = { dataset, columns, layout };
    if (this.targetValues !== null) result.target = this.targetValues.slice(0, this.rows);
    if (this.labels !== null) result.labels = this.labels;
    return result;
  }

  private line(text: string): void {
    const lineNumber = ++this.lineNumber;
    if (text.trim() === '') {
      if (this.firstBlankLine === 0) this.firstBlankLine = lineNumber;
      return;
    }
    if (this.firstBlankLine !== 0)
      throw new InputError({ file: this.source, detail: 'blank line inside the data; blank lines are allowed only at the end of the file', line: this.firstBlankLine });
    if (this.fields === -1) this.delimiter = this.delimiterOption === 'auto' ? detectDelimiter(text) : this.delimiterOption;
    const cells = splitLine(text, this.source, lineNumber, this.delimiter);
    if (this.fields === -1) {
      this.fields = cells.length;
      this.fieldsLine = lineNumber;
      if (this.isHeader(cells)) {
        this.header = cells;
        this.headerLine = lineNumber;
        this.resolve();
        return;
      }
      this.resolve();
    } else if (cells.length !== this.fields) {
      const name = this.delimiter === '\t' ? 'tab' : this.delimiter === ',' ? 'comma' : `"${this.delimiter}"`;
      throw new InputError({ file: this.source, detail: `line ${lineNumber} has ${cells.length} field${cells.length === 1 ? '' : 's'}, expected ${this.fields} as on line ${this.fieldsLine}; every row needs the same number of ${name}-separated values`, line: lineNumber });
    }
    this.addRow(cells, lineNumber);
  }

  private isHeader(cells: string[]): boolean {
    return isHeaderLine(cells, this.headerMode);
  }

  private resolve(): void {
    const selection = this.match?.(this.header, this.fields) ?? resolveColumns(this.header, this.fields, this.selectionSpec, this.source);
    this.resolved = { header: this.header, count: this.fields, selection };
    this.features = selection.features;
    this.labelIndex = selection.label ?? -1;
    this.targetIndex = selection.target ?? -1;
    if (this.targetIndex !== -1) this.targetValues = new Float64Array(1024);
    if (this.labelIndex !== -1) this.labels = [];
  }

  private addRow(cells: string[], lineNumber: number): void {
    const features = this.features;
    const d = features.length;
    if (this.used + d > this.values.length) {
      const grown = new Float64Array(Math.max(this.values.length * 2, this.used + d));
      grown.set(this.values);
      this.values = grown;
    }
    let at = this.used;
    const values = this.values;
    for (let k = 0; k < d; k++) {
      const j = features[k];
      const cell = cells[j];
      const { kind, value } = classify(cell);
      if (kind !== 'number' && this.marginalize && (kind === 'empty' || MISSING_WORD.test(cell))) {
        this.markMissing(at);
        values[at++] = NaN;
        continue;
      }
      if (kind !== 'number') this.cellError(kind, cell, lineNumber, j);
      values[at++] = value;
    }
    if (this.targetValues !== null) {
      if (this.rows >= this.targetValues.length) {
        const grown = new Float64Array(this.targetValues.length * 2);
        grown.set(this.targetValues);
        this.targetValues = grown;
      }
      const cell = cells[this.targetIndex];
      const { kind, value } = classify(cell);
      if (kind !== 'number') this.cellError(kind, cell, lineNumber, this.targetIndex);
      this.targetValues[this.rows] = value;
    }
    if (this.labels !== null) this.labels.push(cells[this.labelIndex]);
    this.used = at;
    this.rows++;
  }

  private markMissing(at: number): void {
    if (this.missing === null || this.missing.length < this.values.length) {
      const grown = new Uint8Array(this.values.length);
      if (this.missing !== null) grown.set(this.missing);
      this.missing = grown;
    }
    this.missing[at] = 1;
  }

  private cellError(kind: CellKind, cell: string, line: number, index: number): never {
    const where = { line, column: index + 1 };
    const missingHint = index === this.targetIndex ? 'a target cannot be missing: drop that row' : 'fill in or drop missing values, or fit a model that marginalises them with --missing marginalize';
    if (kind === 'empty') throw new InputError({ file: this.source, detail: `empty cell; every cell must hold a number (${missingHint})`, ...where });
    if (kind === 'text' && MISSING_WORD.test(cell)) throw new InputError({ file: this.source, detail: `cell ${quoteForMessage(cell)} is a missing value (${missingHint})`, ...where });
    if (kind === 'too-large')
      throw new InputError({
        file: this.source,
        detail: `cell ${quoteForMessage(cell)} is beyond ±${MAX_MAGNITUDE}, where squares (distances, variances) overflow; rescale that column, e.g. divide it by a power of ten`,
        ...where,
      });
    if (kind === 'non-finite') {
      const word = NON_FINITE_WORD.test(cell);
      throw new InputError({ file: this.source, detail: word
          ? `cell ${quoteForMessage(cell)} is not a finite number; remove or fill in missing values before fitting${MISSING_WORD.test(cell) && index !== this.targetIndex ? ', or fit a model that marginalises them with --missing marginalize' : ''}`
          : `cell ${quoteForMessage(cell)} is beyond the range of a 64-bit float`,
        ...where,
      });
    }
    if (line === 1 && this.headerMode === 'no')
      throw new InputError({ file: this.source, detail: `cell ${quoteForMessage(cell)} is not a number; this looks like a header: read the file with a header`, ...where });
    // Text in the first data row: the whole column is text (a class, a name), not a bad cell.
    if (this.takenRows + this.rows === 0) throw new InputError({ file: this.source, detail: nonNumericColumnMessage(this.header, index, cell), ...where });
    throw new InputError({ file: this.source, detail: `cell ${quoteForMessage(cell)} is not a number; a header is allowed on line 1 only, every other cell of ${describeColumn(this.header, index)} must be a number`, ...where });
  }
}

/** Whether a first line is a header: as `mode` says, or (auto) when one of its cells is not a number. */
function isHeaderLine(cells: readonly string[], mode: HeaderMode): boolean {
  if (mode === 'yes') return true;
  if (mode === 'no') return false;
  return cells.some((c) => classify(c).kind === 'text');
}

/** What the first lines of a CSV say about its columns, for a loader that lets the user choose them. */
export interface CsvColumnsPreview {
  /** The header's names, or null when line 1 is data. */
  readonly header: readonly string[] | null;
  readonly count: number;
  readonly delimiter: Delimiter;
  /**
   * 0-based columns whose first data cell is text (not a number, an empty cell, NaN or NA): a
   * class or a name, to keep as the label or leave out — fitting them is refused.
   */
  readonly textColumns: readonly number[];
}

/**
 * The header, column count, delimiter and text columns of CSV text, from its first two
 * non-blank lines, read as parseCsv reads them (BOM, quotes, delimiter detection).
 */
export function previewCsvColumns(text: string, source: string, options: Pick<ParseCsvOptions, 'header' | 'delimiter'> = {}): CsvColumnsPreview {
  const lines: { text: string; number: number }[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let start = 0;
  for (let number = 1; lines.length < 2 && start < body.length; number++) {
    const nl = body.indexOf('\n', start);
    const line = body.slice(start, nl === -1 ? body.length : nl).replace(/\r$/, '');
    if (line.trim() !== '') lines.push({ text: line, number });
    start = nl === -1 ? body.length : nl + 1;
  }
  if (lines.length === 0) throw new InputError({ file: source, detail: 'the file is empty; expected comma-separated numbers, one row per line' });
  const option = options.delimiter ?? 'auto';
  const delimiter = option === 'auto' ? detectDelimiter(lines[0].text) : option;
  const first = splitLine(lines[0].text, source, lines[0].number, delimiter);
  const hasHeader = isHeaderLine(first, options.header ?? 'auto');
  const data = hasHeader ? (lines[1] ? splitLine(lines[1].text, source, lines[1].number, delimiter) : []) : first;
  const textColumns: number[] = [];
  data.forEach((cell, j) => {
    if (classify(cell).kind === 'text' && !MISSING_WORD.test(cell)) textColumns.push(j);
  });
  return { header: hasHeader ? first : null, count: first.length, delimiter, textColumns };
}

/**
 * Parses comma-separated numbers with an optional header row (quoted names allowed). A BOM
 * is dropped, CRLF accepted, blank lines at the end ignored. Errors are InputErrors naming
 * `source`, the 1-based line and column, and what to fix.
 */
export function parseCsv(text: string, source: string, options: ParseCsvOptions = {}): ParsedCsv {
  const reader = new CsvReader(source, options);
  reader.write(text);
  return reader.end();
}

function formatName(name: string): string {
  return /[",\r\n]|^\s|\s$/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/**
 * n×d row-major values as CSV text (one header row when `header` is given), numbers in the
 * shortest form that reads back to the same float64. Non-finite values are refused: emkit
 * never writes NaN or Infinity.
 */
export function formatCsv(rows: Float64Array | Int32Array, n: number, d: number, header?: readonly string[]): string {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1) throw new RangeError(`formatCsv: bad shape ${n}×${d}`);
  if (rows.length < n * d) throw new RangeError(`formatCsv: ${rows.length} values for ${n}×${d}`);
  if (header !== undefined && header.length !== d) throw new RangeError(`formatCsv: ${header.length} header names for ${d} columns`);
  const lines: string[] = [];
  if (header !== undefined) lines.push(header.map(formatName).join(','));
  const cells: string[] = new Array<string>(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = rows[i * d + j];
      if (!Number.isFinite(v)) throw new RangeError(`formatCsv: row ${i + 1}, column ${j + 1} is ${v}; refusing to write a non-finite value`);
      cells[j] = String(v);
    }
    lines.push(cells.join(','));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * A CSV (or TSV) table read from a stream of bytes or text — a file, stdin, a browser File's
 * stream — yielding the rows parsed from each piece as one chunk. Errors name `source`, the
 * line and the column.
 */
export function csvTableReader(input: AsyncIterable<Uint8Array | string>, source: string, options: ParseCsvOptions = {}, totalBytes: number | null = null): TableReader {
  const reader = new CsvReader(source, options);
  const decoder = new TextDecoder('utf-8');
  const iterator = input[Symbol.asyncIterator]();
  let bytesRead = 0;
  let done = false;
  // Pieces are read until the header resolves the layout; their rows wait for chunks().
  const pending: TableChunk[] = [];

  async function readPiece(): Promise<boolean> {
    if (done) return false;
    const next = await iterator.next();
    if (next.done) {
      done = true;
      const tail = decoder.decode();
      if (tail !== '') reader.write(tail);
      reader.close();
      return false;
    }
    const piece = next.value;
    if (typeof piece === 'string') {
      bytesRead += piece.length;
      reader.write(piece);
    } else {
      bytesRead += piece.byteLength;
      reader.write(decoder.decode(piece, { stream: true }));
    }
    return true;
  }

  async function layout(): Promise<TableLayout> {
    while (reader.layout === null) {
      if (!(await readPiece())) break;
      const chunk = reader.takeChunk();
      if (chunk !== null) pending.push(chunk);
    }
    return reader.layout!;
  }

  async function* chunks(): AsyncGenerator<TableChunk> {
    await layout();
    yield* pending.splice(0);
    for (;;) {
      const more = await readPiece();
      const chunk = reader.takeChunk();
      if (chunk !== null) yield chunk;
      if (!more) return;
    }
  }

  return {
    source,
    format: options.delimiter === '\t' ? 'tsv' : 'csv',
    layout,
    chunks,
    get bytesRead() {
      return bytesRead;
    },
    totalBytes,
    locateRow: (row) => ({ line: row + reader.firstDataLine, description: `line ${row + reader.firstDataLine}` }),
  };
}
