import { createReadStream } from 'node:fs';
import { type Stats } from 'node:fs';
import { lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EmkitError, type ErrorDetails, InputError, isEmkitError } from '@emkit/core';
import { CsvReader, type ParseCsvOptions, type ParsedCsv, csvTableReader } from './csv.js';
import { type ReadTableOptions, type Table, type TableFormat, type TableReader, collectTable, formatFromName } from './table.js';

// The Parquet and Arrow readers are imported when a file needs them: apache-arrow alone takes
// a good part of a second to load, which every CSV command would otherwise pay at start-up.
export * from './base.js';
export { indexFile, readShard, shardSourceOf, inMemoryEstimate, type ShardFileReference, type IndexedFile, type IndexFileOptions } from './out-of-core.js';

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Reads a numeric CSV file by streaming it through CsvReader in chunks, so files larger than
 * the longest string V8 can hold (about 512 MiB) are read too. Errors name the path as given.
 */
export async function readDatasetFile(path: string, options: ParseCsvOptions = {}): Promise<ParsedCsv> {
  const reader = new CsvReader(path, options);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) reader.write(chunk as string);
  } catch (error) {
    if (isEmkitError(error)) throw error;
    throw new InputError({ file: path, detail: `cannot read: ${describeFsError(error)}` });
  } finally {
    stream.destroy();
  }
  return reader.end();
}

/** The name stdin goes by in messages. */
export const STDIN_NAME = '<stdin>';

export interface OpenTableOptions extends ReadTableOptions {
  /** The file's format; by default from its extension, CSV for stdin and unknown extensions. */
  format?: TableFormat;
  /** Where `-` reads from (process.stdin by default; tests pass their own stream). */
  stdin?: AsyncIterable<Uint8Array | string>;
}

async function readAll(input: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const piece of input) parts.push(typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
  return Buffer.concat(parts);
}

/**
 * A table reader for a path (`-` for standard input) in any format emkit reads: CSV/TSV
 * streamed in 1 MiB pieces, Parquet by row group (random access; stdin is read into memory
 * first), Arrow IPC by record batch. Nothing is read until `layout()` or `chunks()`.
 */
export async function openTable(path: string, options: OpenTableOptions = {}): Promise<TableReader> {
  const isStdin = path === '-';
  const source = isStdin ? STDIN_NAME : path;
  const format = options.format ?? (isStdin ? 'csv' : (formatFromName(path) ?? 'csv'));
  let totalBytes: number | null = null;
  if (!isStdin) {
    const info = await stat(path).catch((error: unknown) => {
      throw new InputError({ file: path, detail: `cannot read: ${describeFsError(error)}` });
    });
    if (info.isDirectory()) throw new InputError({ file: path, detail: 'cannot read: is a directory, not a file' });
    if (info.isFile()) totalBytes = info.size;
  }
  const csvOptions = { ...options, delimiter: options.delimiter ?? (format === 'tsv' ? '\t' : 'auto') } as ParseCsvOptions;
  const stream = (): AsyncIterable<Uint8Array | string> => (isStdin ? (options.stdin ?? process.stdin) : fsChunks(path));
  switch (format) {
    case 'csv':
    case 'tsv':
      return csvTableReader(stream(), source, csvOptions, totalBytes);
    case 'arrow': {
      const { arrowTableReader } = await import('./arrow.js');
      return arrowTableReader(stream() as AsyncIterable<Uint8Array>, source, options, totalBytes);
    }
    case 'parquet': {
      const { parquetTableReader } = await import('./parquet.js');
      if (isStdin) {
        const bytes = await readAll(stream());
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        return parquetTableReader({ byteLength: buffer.byteLength, slice: (start, end) => buffer.slice(start, end) }, source, options);
      }
      const { asyncBufferFromFile } = await import('hyparquet');
      return parquetTableReader(await asyncBufferFromFile(path), source, options);
    }
    default:
      throw new InputError({ file: source, detail: `unknown format ${JSON.stringify(format)}; emkit reads csv, tsv, parquet and arrow` });
  }
}

async function* fsChunks(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    if (isEmkitError(error)) throw error;
    throw new InputError({ file: path, detail: `cannot read: ${describeFsError(error)}` });
  } finally {
    stream.destroy();
  }
}

/** A whole table from a path (`-` for stdin), read with openTable. */
export async function readTable(path: string, options: OpenTableOptions = {}): Promise<Table> {
  return collectTable(await openTable(path, options), options.onProgress);
}

/** A file that could not be written. Code 'input': the path the user gave is unusable (exit 2 in the CLI). */
export class OutputError extends EmkitError {
  declare readonly file: string;
  constructor(details: ErrorDetails & { readonly file: string }) {
    super('input', details);
    this.name = 'OutputError';
  }
}

/** What a non-regular file is, for messages. */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isSocket()) return 'a socket';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isFIFO()) return 'a named pipe';
  return 'not a regular file';
}

/**
 * The file a path finally names: a symbolic link (or a chain of them) is followed to its target,
 * even when that target does not exist yet, so that writing replaces the target and keeps the link.
 */
async function finalTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const info = await lstat(current).catch(() => null);
    if (info === null || !info.isSymbolicLink()) return current;
    const link = await readlink(current);
    current = isAbsolute(link) ? link : join(dirname(current), link);
  }
  throw new OutputError({ file: path, detail: 'cannot write: too many levels of symbolic links' });
}

/**
 * Writes `text` to `path` the safe way for what `path` is:
 * - a regular file (or none yet): to a temporary file in the same directory, flushed, then
 *   renamed over it — a reader sees the old file or the complete new one, and an interrupted
 *   write leaves no partial output; the temporary file is removed on failure;
 * - a symbolic link: the same, to the link's target, so the link is kept;
 * - a FIFO or a character device (/dev/stdout, a terminal, /dev/null): written directly, since
 *   renaming over it would replace the device node itself;
 * - anything else (a directory, a socket, a block device) is refused and left alone.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const writer = await openAtomicWriter(path);
  await writer.write(text);
  await writer.commit();
}

/** Output written piece by piece (see openAtomicWriter); nothing is visible at the path until `commit`. */
export interface AtomicWriter {
  write(text: string): Promise<void>;
  /** Flushes and moves the complete output into place. */
  commit(): Promise<void>;
  /** Drops what was written: the path keeps what it held before. */
  abort(): Promise<void>;
}

/**
 * writeFileAtomic for output too large to hold as one string (a prediction per row of a file
 * read out of core): pieces go to a temporary file beside the target, which `commit` flushes
 * and renames over it; FIFOs and character devices are written directly, as writeFileAtomic does.
 */
export async function openAtomicWriter(path: string): Promise<AtomicWriter> {
  const info = await stat(path).catch(() => null);
  if (info !== null && !info.isFile() && !info.isFIFO() && !info.isCharacterDevice())
    throw new OutputError({ file: path, detail: `cannot write: it is ${kindOf(info)}, not a regular file; emkit replaces only regular files` });
  const direct = info !== null && !info.isFile();
  const target = direct ? path : await finalTarget(path);
  const temp = direct ? path : join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fail = (error: unknown): OutputError => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return new OutputError({ file: path, detail: code === 'ENOENT' ? `cannot write: the directory ${dirname(target)} does not exist` : `cannot write: ${describeFsError(error)}`, cause: error });
  };
  const handle = await open(temp, direct ? 'w' : 'wx').catch((error: unknown) => {
    throw fail(error);
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    async write(text) {
      await handle.writeFile(text, 'utf8').catch(async (error: unknown) => {
        await close().catch(() => undefined);
        if (!direct) await unlink(temp).catch(() => undefined);
        throw fail(error);
      });
    },
    async commit() {
      try {
        if (!direct) await handle.sync();
        await close();
        if (!direct) await rename(temp, target);
      } catch (error) {
        if (!direct) await unlink(temp).catch(() => undefined);
        throw fail(error);
      }
    },
    async abort() {
      await close().catch(() => undefined);
      if (!direct) await unlink(temp).catch(() => undefined);
    },
  };
}
