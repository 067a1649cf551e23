import { open, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import {
  type Dataset,
  type RowRange,
  type ShardSource,
  type Standardization,
  DEFAULT_SHARD_ROWS,
  InputError,
  ReservoirSampler,
  applyStandardization,
  externalDataset,
  initSampleSeed,
  throwIfAborted,
} from '@emkit/core';
import type { ResolvedColumns } from './columns.js';
import { CsvReader, type Delimiter } from './csv.js';
import type { RandomAccessRows, RowLocation, TableChunk, TableFormat, TableLayout, TableReader } from './table.js';

/*
 * Out-of-core data: a file indexed once, then read shard by shard on whatever thread computes
 * the shard. The index pass parses every row (so a bad line is reported before the fit starts,
 * never half-way through a later pass), records where each shard starts (CSV: the byte offset
 * of its first line; Parquet: nothing, row groups are addressable), accumulates the z-score
 * means and draws the initialisation sample. The index lives in memory, inside the reference
 * that tasks carry; nothing is written next to the data.
 */

/** What a thread needs to read any shard of an indexed file, and to check the file is the one indexed. */
export interface ShardFileReference {
  readonly path: string;
  readonly format: 'csv' | 'parquet' | 'arrow';
  /** Size and modification time at indexing: a file that differs later is refused. */
  readonly size: number;
  readonly mtimeMs: number;
  readonly rows: number;
  readonly cols: number;
  /** Rows per indexed shard: ranges read must start and end on shard boundaries. */
  readonly shardRows: number;
  readonly selection: ResolvedColumns;
  /** CSV: the delimiter, the line of the first data row and the byte offset of each shard's first row (plus the file's size at the end). */
  readonly csv: { readonly delimiter: Delimiter; readonly firstDataLine: number; readonly offsets: readonly number[] } | null;
  /** Arrow IPC file: the first row of each record batch (plus the row count at the end). */
  readonly arrow: { readonly batchStarts: readonly number[] } | null;
  /** Applied to every shard as it is read (z-scores fitted in the index passes, or given). */
  readonly standardization: Standardization | null;
  /** CSV: whether empty cells, NaN and NA are missing cells (a mask with each shard) or errors. */
  readonly missing: 'error' | 'marginalize';
}

export interface IndexFileOptions {
  format: TableFormat;
  header?: 'auto' | 'yes' | 'no';
  delimiter?: Delimiter;
  columns?: string;
  drop?: string;
  label?: string;
  target?: string;
  /** CSV: see ParseCsvOptions.missing. */
  missing?: 'error' | 'marginalize';
  /** See ReadTableOptions.match. */
  match?: (header: readonly string[] | null, count: number) => ResolvedColumns;
  /** Rows per shard (the fit's shard plan). */
  shardRows?: number;
  /** Standardise the fitted columns to z-scores (fitted in a second pass). */
  standardize?: boolean;
  /** Apply this standardisation to every shard (one fitted elsewhere, e.g. on the data in memory) instead. */
  standardization?: Standardization | null;
  /** Rows of the initialisation sample (0: none). */
  sampleRows?: number | ((cols: number) => number);
  /** The fit's seed (the sample's seed derives from it, see initSampleSeed). */
  seed?: number;
  onProgress?: (progress: { rows: number; bytesRead: number; totalBytes: number | null; pass: number }) => void;
  /** Stops the passes (between pieces of the file) when aborted. */
  signal?: AbortSignal;
}

/** An indexed file: the data as the driver sees it (rows on disk), its layout and the initialisation sample. */
export interface IndexedFile {
  readonly dataset: Dataset;
  readonly reference: ShardFileReference;
  readonly layout: TableLayout;
  /** Names of the fitted columns (null without a header). */
  readonly columns: readonly string[] | null;
  /** The reservoir sample (standardised when asked), or null without sampleRows. */
  readonly sample: Dataset | null;
  readonly standardization: Standardization | null;
  readonly bytes: number;
  locateRow(row: number): RowLocation;
}

/**
 * About what reading `path` into memory takes at its peak: the parsed values grow by doubling
 * and are copied once into shared memory (once more when standardised), so about three times
 * their size — for CSV, whose text is at least as long as its float64 values, three times the
 * file; for Parquet, three times 8 bytes per cell of its metadata's row count.
 */
export async function inMemoryEstimate(path: string, format: TableFormat): Promise<number> {
  const { size } = await fileInfo(path);
  if (format !== 'parquet') return 3 * size;
  const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
  const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path)).catch(() => null);
  if (metadata === null) return 3 * size;
  return Math.max(3 * size, 3 * 8 * Number(metadata.num_rows) * (metadata.schema.length - 1));
}

/** The ShardSource of an indexed file: read by this module's readShard on every thread. */
export function shardSourceOf(reference: ShardFileReference): ShardSource {
  return { moduleUrl: import.meta.url, reference, name: reference.path };
}

async function fileInfo(path: string): Promise<{ size: number; mtimeMs: number }> {
  const info = await stat(path).catch((error: unknown) => {
    throw new InputError({ file: path, detail: `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}` });
  });
  if (!info.isFile()) throw new InputError({ file: path, detail: 'out-of-core reading needs a regular file (not stdin, a pipe or a directory)', remedy: 'save the data to a file first, or fit it in memory' });
  return { size: info.size, mtimeMs: info.mtimeMs };
}

function changedError(reference: Pick<ShardFileReference, 'path' | 'size' | 'mtimeMs'>, now: { size: number; mtimeMs: number }): InputError {
  return new InputError({
    file: reference.path,
    detail: `changed since it was indexed (${reference.size} bytes modified ${new Date(reference.mtimeMs).toISOString()}, now ${now.size} bytes modified ${new Date(now.mtimeMs).toISOString()}); an out-of-core fit reads the file again on every pass`,
    remedy: 'leave the file unchanged until the fit ends, then run it again',
  });
}

/** Refuses a file whose size or modification time differs from the reference's. */
async function checkUnchanged(reference: ShardFileReference, handle?: Awaited<ReturnType<typeof open>>): Promise<void> {
  const info = handle ? await handle.stat() : await stat(reference.path);
  if (info.size !== reference.size || info.mtimeMs !== reference.mtimeMs) throw changedError(reference, info);
}

/**
 * Indexes `path` for an out-of-core fit in one pass that parses (and so validates) every row;
 * with `standardize`, a second pass over the shards adds the z-score spreads. Errors name the
 * file, line and column (CSV) or row group and row (Parquet).
 */
export async function indexFile(path: string, options: IndexFileOptions): Promise<IndexedFile> {
  const shardRows = options.shardRows ?? DEFAULT_SHARD_ROWS;
  const absolute = resolvePath(path);
  const before = await fileInfo(path);
  const pass1 = options.format === 'parquet' ? await indexParquet(path, options) : options.format === 'arrow' ? await indexArrow(path, options) : await indexCsv(path, options, shardRows);
  const after = await fileInfo(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw changedError({ path, ...before }, after);
  const { layout, rows, sums, sampler, locateRow } = pass1;
  const cols = layout.selection.features.length;
  let reference: ShardFileReference = {
    path: absolute,
    format: options.format === 'parquet' || options.format === 'arrow' ? options.format : 'csv',
    size: before.size,
    mtimeMs: before.mtimeMs,
    rows,
    cols,
    shardRows,
    selection: layout.selection,
    csv: pass1.csv,
    arrow: pass1.arrow,
    standardization: null,
    missing: options.missing ?? 'error',
  };
  let standardization: Standardization | null = options.standardization ?? null;
  if (standardization !== null) reference = { ...reference, standardization };
  else if (options.standardize) {
    if (options.missing === 'marginalize') throw new InputError({ file: path, detail: 'z-scores of data with missing cells are not fitted while indexing', remedy: 'fit the standardisation in memory and pass it as standardization' });
    standardization = await zscoresOf(reference, sums, options);
    reference = { ...reference, standardization };
  }
  const columns = layout.selection.names;
  let sample: Dataset | null = null;
  if (sampler !== null) {
    const raw: Dataset = { rows: Math.min(sampler.capacity, rows), cols, values: sampler.rows(), weights: null, columns };
    sample = standardization === null ? raw : applyStandardization(raw, standardization, path);
  }
  const dataset = externalDataset(shardSourceOf(reference), rows, cols, columns);
  return { dataset, reference, layout, columns, sample, standardization, bytes: before.size, locateRow };
}

interface FirstPass {
  readonly layout: TableLayout;
  readonly rows: number;
  /** Per fitted column, Σ x over the rows in row order (the z-score means' numerators). */
  readonly sums: Float64Array;
  readonly sampler: ReservoirSampler | null;
  readonly csv: ShardFileReference['csv'];
  readonly arrow: ShardFileReference['arrow'];
  locateRow(row: number): RowLocation;
}

/** Sums, sample and progress over the chunks of the first pass. */
function firstPassAccumulator(cols: number, options: IndexFileOptions) {
  const sums = new Float64Array(cols);
  // A function of the column count: the sample's size may depend on the row width (known now).
  const capacity = typeof options.sampleRows === 'function' ? options.sampleRows(cols) : (options.sampleRows ?? 0);
  const sampler = capacity > 0 ? new ReservoirSampler(capacity, cols, initSampleSeed(options.seed ?? 0)) : null;
  let rows = 0;
  return {
    sums,
    sampler,
    get rows() {
      return rows;
    },
    add(chunk: TableChunk): void {
      const { values } = chunk;
      // Row by row, so each column's sum is taken in row order as fitStandardization takes it.
      for (let i = 0; i < chunk.rows; i++) for (let j = 0; j < cols; j++) sums[j] += values[i * cols + j];
      sampler?.add(values, chunk.rows);
      rows += chunk.rows;
    },
  };
}

async function indexCsv(path: string, options: IndexFileOptions, shardRows: number): Promise<FirstPass> {
  const reader = new CsvReader(path, {
    header: options.header,
    delimiter: options.delimiter ?? (options.format === 'tsv' ? '\t' : 'auto'),
    columns: options.columns,
    drop: options.drop,
    label: options.label,
    target: options.target,
    missing: options.missing,
    match: options.match,
  });
  const decoder = new TextDecoder('utf-8');
  // Byte offsets of the lines that may start a shard: line 1 + m·shardRows (no header) and
  // 2 + m·shardRows (a header on line 1); which applies is known once line 1 is read.
  const startsNoHeader: number[] = [0];
  const startsHeader: number[] = [];
  let line = 1;
  let position = 0;
  // Made once the header has resolved the columns.
  const state: { accumulator: ReturnType<typeof firstPassAccumulator> | null } = { accumulator: null };
  const take = (): void => {
    const chunk = reader.takeChunk();
    if (chunk === null) return;
    state.accumulator ??= firstPassAccumulator(reader.layout!.selection.features.length, options);
    state.accumulator.add(chunk);
  };
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const piece = buffer.subarray(0, bytesRead);
      for (let at = piece.indexOf(10); at !== -1; at = piece.indexOf(10, at + 1)) {
        line++;
        if ((line - 1) % shardRows === 0) startsNoHeader.push(position + at + 1);
        if ((line - 2) % shardRows === 0) startsHeader.push(position + at + 1);
      }
      position += bytesRead;
      reader.write(decoder.decode(piece, { stream: true }));
      take();
      throwIfAborted(options.signal);
      options.onProgress?.({ rows: state.accumulator?.rows ?? 0, bytesRead: position, totalBytes: null, pass: 1 });
    }
  } finally {
    await handle.close();
  }
  const tail = decoder.decode();
  if (tail !== '') reader.write(tail);
  reader.close();
  take();
  const layout = reader.layout!;
  const acc = state.accumulator!;
  const firstDataLine = reader.firstDataLine;
  const shards = Math.ceil(acc.rows / shardRows);
  const starts = (firstDataLine === 1 ? startsNoHeader : startsHeader).slice(0, shards);
  const delimiter = reader.fieldDelimiter;
  return {
    layout,
    rows: acc.rows,
    sums: acc.sums,
    sampler: acc.sampler,
    csv: { delimiter, firstDataLine, offsets: [...starts, position] },
    arrow: null,
    locateRow: (row) => ({ line: row + firstDataLine, description: `line ${row + firstDataLine}` }),
  };
}

async function openParquet(path: string, options: { match?: IndexFileOptions['match'] } & Pick<IndexFileOptions, 'columns' | 'drop' | 'label' | 'target'>): Promise<TableReader & RandomAccessRows> {
  const [{ asyncBufferFromFile }, { parquetTableReader }] = await Promise.all([import('hyparquet'), import('./parquet.js')]);
  return parquetTableReader(await asyncBufferFromFile(path), path, options);
}

async function indexParquet(path: string, options: IndexFileOptions): Promise<FirstPass> {
  const reader = await openParquet(path, options);
  const layout = await reader.layout();
  const accumulator = firstPassAccumulator(layout.selection.features.length, options);
  for await (const chunk of reader.chunks()) {
    throwIfAborted(options.signal);
    accumulator.add(chunk);
    options.onProgress?.({ rows: accumulator.rows, bytesRead: reader.bytesRead, totalBytes: reader.totalBytes, pass: 1 });
  }
  if (accumulator.rows === 0) throw new InputError({ file: path, detail: 'no data rows' });
  return { layout, rows: accumulator.rows, sums: accumulator.sums, sampler: accumulator.sampler, csv: null, arrow: null, locateRow: (row) => reader.locateRow(row) };
}

/** An Arrow IPC file opened for random access to its record batches (the stream format has none). */
async function openArrowFile(path: string, options: Pick<IndexFileOptions, 'columns' | 'drop' | 'label' | 'target' | 'match'>) {
  const [{ RecordBatchReader }, { arrowLayout, batchChunk }] = await Promise.all([import('apache-arrow'), import('./arrow.js')]);
  const handle = await open(path, 'r');
  try {
    const reader = await RecordBatchReader.from(handle).catch((error: unknown) => {
      throw new InputError({ file: path, detail: `not a readable Arrow IPC file: ${error instanceof Error ? error.message : String(error)}` });
    });
    await reader.open();
    if (!reader.isFile())
      throw new InputError({ file: path, detail: 'is an Arrow IPC stream, whose record batches cannot be read out of order', remedy: 'write it in the Arrow IPC file format (.arrow) or as Parquet for an out-of-core fit, or raise --memory' });
    const layout = arrowLayout(reader.schema.fields, options, path);
    const batch = async (b: number, firstRow: number): Promise<TableChunk> => {
      const read = await reader.readRecordBatch(b).catch((error: unknown) => {
        throw new InputError({ file: path, detail: `record batch ${b + 1}: cannot decode: ${error instanceof Error ? error.message : String(error)}` });
      });
      if (read === null) throw new InputError({ file: path, detail: `record batch ${b + 1} is missing` });
      return batchChunk(read, b + 1, firstRow, layout, path);
    };
    return { layout, batches: reader.numRecordBatches, batch, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function indexArrow(path: string, options: IndexFileOptions): Promise<FirstPass> {
  const file = await openArrowFile(path, options);
  try {
    const accumulator = firstPassAccumulator(file.layout.selection.features.length, options);
    const batchStarts: number[] = [];
    for (let b = 0; b < file.batches; b++) {
      throwIfAborted(options.signal);
      batchStarts.push(accumulator.rows);
      accumulator.add(await file.batch(b, accumulator.rows));
      options.onProgress?.({ rows: accumulator.rows, bytesRead: 0, totalBytes: null, pass: 1 });
    }
    batchStarts.push(accumulator.rows);
    if (accumulator.rows === 0) throw new InputError({ file: path, detail: 'no data rows' });
    const locateRow = (row: number): RowLocation => {
      let b = batchStarts.length - 2;
      while (b > 0 && batchStarts[b] > row) b--;
      return { description: `record batch ${b + 1}, row ${row - batchStarts[b] + 1} (row ${row + 1} of the file)` };
    };
    return { layout: file.layout, rows: accumulator.rows, sums: accumulator.sums, sampler: accumulator.sampler, csv: null, arrow: { batchStarts }, locateRow };
  } finally {
    await file.close();
  }
}

/**
 * z-scores as fitStandardization computes them (mean, then the population standard deviation
 * around it, each summed in row order), the spreads from a second pass over the shards.
 */
async function zscoresOf(reference: ShardFileReference, sums: Float64Array, { onProgress, signal }: IndexFileOptions): Promise<Standardization> {
  const { cols, rows } = reference;
  const w = rows;
  const center = Array.from(sums, (s) => s / w);
  const ss = new Float64Array(cols);
  for (let start = 0; start < rows; start += reference.shardRows) {
    throwIfAborted(signal);
    const shard = await readShard(reference, { start, end: Math.min(rows, start + reference.shardRows) });
    const { values } = shard;
    for (let i = 0; i < shard.rows; i++)
      for (let j = 0; j < cols; j++) {
        const d = values[i * cols + j] - center[j];
        ss[j] += 1 * d * d;
      }
    onProgress?.({ rows: start + shard.rows, bytesRead: 0, totalBytes: null, pass: 2 });
  }
  const scale = Array.from(ss, (s) => Math.sqrt(s / w));
  scale.forEach((s, j) => {
    if (!(s > 0) || !Number.isFinite(s)) {
      const name = reference.selection.names?.[j] !== undefined ? `"${reference.selection.names[j]}" (column ${j + 1})` : `column ${j + 1}`;
      throw new InputError({ file: reference.path, detail: `${name} has no spread (its standard deviation is ${s}), so it cannot be standardised`, remedy: 'drop it' });
    }
  });
  return { method: 'zscore', center, scale };
}

const parquetReaders = new Map<string, Promise<TableReader & RandomAccessRows>>();

/**
 * Rows `range` of an indexed file (a whole number of its shards), standardised when the
 * reference says so — the `readShard` of a ShardSource, run on any thread. The file is checked
 * against the reference first: a file changed since it was indexed is refused.
 */
export async function readShard(referenceValue: unknown, range: RowRange): Promise<Dataset> {
  const reference = referenceValue as ShardFileReference;
  const { shardRows, rows, path } = reference;
  if (range.start % shardRows !== 0 || (range.end !== rows && range.end % shardRows !== 0) || range.end > rows || range.start >= range.end)
    throw new RangeError(`rows ${range.start}–${range.end} are not whole shards of ${shardRows} rows of ${path} (${rows} rows)`);
  let data: Dataset;
  if (reference.format === 'csv') data = await readCsvShard(reference, range);
  else if (reference.format === 'arrow') data = await readArrowShard(reference, range);
  else {
    await checkUnchanged(reference);
    const key = `${path}\u0000${reference.size}\u0000${reference.mtimeMs}\u0000${JSON.stringify(reference.selection)}`;
    let reader = parquetReaders.get(key);
    if (!reader) {
      const selection = reference.selection;
      reader = openParquet(path, { match: () => selection });
      reader.catch(() => parquetReaders.delete(key));
      // One file per thread at a time: a fit reads one file.
      parquetReaders.clear();
      parquetReaders.set(key, reader);
    }
    const chunk = await (await reader).readRows(range.start, range.end);
    data = { rows: chunk.rows, cols: reference.cols, values: chunk.values, weights: null, columns: reference.selection.names, target: chunk.target };
  }
  return reference.standardization === null ? data : applyStandardization(data, reference.standardization, path);
}

/** This thread's open Arrow file (one at a time: a fit reads one file) and its last decoded batch. */
let arrowFile: { key: string; file: ReturnType<typeof openArrowFile>; last: { b: number; chunk: TableChunk } | null } | null = null;

async function readArrowShard(reference: ShardFileReference, range: RowRange): Promise<Dataset> {
  await checkUnchanged(reference);
  const key = `${reference.path}\u0000${reference.size}\u0000${reference.mtimeMs}\u0000${JSON.stringify(reference.selection)}`;
  if (arrowFile === null || arrowFile.key !== key) {
    if (arrowFile !== null) void arrowFile.file.then((f) => f.close()).catch(() => undefined);
    const selection = reference.selection;
    arrowFile = { key, file: openArrowFile(reference.path, { match: () => selection }), last: null };
  }
  const cached = arrowFile;
  const file = await cached.file;
  const starts = reference.arrow!.batchStarts;
  const cols = reference.cols;
  const rows = range.end - range.start;
  const values = new Float64Array(rows * cols);
  const target = reference.selection.target === null ? null : new Float64Array(rows);
  let b = 0;
  while (starts[b + 1] <= range.start) b++;
  for (; b < starts.length - 1 && starts[b] < range.end; b++) {
    // Consecutive shards of one batch decode it once.
    if (cached.last?.b !== b) cached.last = { b, chunk: await file.batch(b, starts[b]) };
    const { chunk } = cached.last;
    if (chunk.rows !== starts[b + 1] - starts[b]) throw changedError(reference, await stat(reference.path));
    const from = Math.max(range.start, starts[b]);
    const to = Math.min(range.end, starts[b + 1]);
    values.set(chunk.values.subarray((from - starts[b]) * cols, (to - starts[b]) * cols), (from - range.start) * cols);
    if (target !== null) target.set(chunk.target!.subarray(from - starts[b], to - starts[b]), from - range.start);
  }
  return { rows, cols, values, weights: null, columns: reference.selection.names, target };
}

async function readCsvShard(reference: ShardFileReference, range: RowRange): Promise<Dataset> {
  const csv = reference.csv!;
  const first = range.start / reference.shardRows;
  const last = Math.ceil(range.end / reference.shardRows);
  const from = csv.offsets[first];
  const length = csv.offsets[last] - from;
  const bytes = Buffer.allocUnsafe(length);
  const handle = await open(reference.path, 'r').catch((error: unknown) => {
    throw new InputError({ file: reference.path, detail: `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is gone (it was indexed at the start of the fit)' : String(error)}` });
  });
  try {
    await checkUnchanged(reference, handle);
    for (let done = 0; done < length; ) {
      const { bytesRead } = await handle.read(bytes, done, length - done, from + done);
      if (bytesRead === 0) throw changedError(reference, await handle.stat());
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const selection = reference.selection;
  const reader = new CsvReader(reference.path, { header: 'no', delimiter: csv.delimiter, match: () => selection, missing: reference.missing, firstLine: csv.firstDataLine + range.start });
  // TextDecoder drops a BOM at the start of the file, as the index pass did.
  reader.write(new TextDecoder('utf-8').decode(bytes));
  const parsed = reader.end();
  return { ...parsed.dataset, columns: selection.names, target: parsed.target ?? null };
}
