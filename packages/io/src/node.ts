import { createReadStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EmkitError, type ErrorDetails, InputError, isEmkitError } from '@emkit/core';
import { CsvReader, type ParseCsvOptions, type ParsedCsv } from './csv.js';

export { CsvReader, parseCsv, formatCsv, type ParseCsvOptions, type ParsedCsv, type HeaderMode } from './csv.js';

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

/** A file that could not be written. Code 'input': the path the user gave is unusable (exit 2 in the CLI). */
export class OutputError extends EmkitError {
  declare readonly file: string;
  constructor(details: ErrorDetails & { readonly file: string }) {
    super('input', details);
    this.name = 'OutputError';
  }
}

/**
 * Writes `text` to a temporary file in the target's directory, flushes it to disk, then
 * renames it over `path` — so a reader sees the old file or the complete new one, and an
 * interrupted write leaves no partial output. The temporary file is removed on failure.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    created = false;
  } catch (error) {
    if (created) await unlink(temp).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const why = code === 'ENOENT' ? `cannot write: the directory ${dir} does not exist` : `cannot write: ${describeFsError(error)}`;
    throw new OutputError({ file: path, detail: why, cause: error });
  }
}
