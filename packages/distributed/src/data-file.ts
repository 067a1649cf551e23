import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError, type Dataset } from '@emkit/core';
import { readDatasetFile } from '@emkit/io/node';
import type { DataReference } from './protocol.js';

/** SHA-256 of a file's bytes, streamed (hex). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({
      file: path,
      detail: code === 'ENOENT' ? 'no such file on this machine (workers need the data on a path they all can read)' : `cannot read: ${(error as Error).message}`,
    });
  }
  return hash.digest('hex');
}

/**
 * Reads the data a reference names exactly as `emkit fit` reads it, so every machine parses the
 * same bytes into the same float64 values.
 */
export async function readReferencedData(ref: Pick<DataReference, 'path' | 'header' | 'target'>): Promise<Dataset> {
  const parsed = await readDatasetFile(ref.path, { header: ref.header, ...(ref.target !== null ? { target: ref.target } : {}) });
  return parsed.target ? { ...parsed.dataset, target: parsed.target } : parsed.dataset;
}

/** A reference to `path` for shard jobs: its fingerprint and shape, checked by every worker. */
export async function referenceData(path: string, data: Dataset, options: { header: DataReference['header']; target: string | null }): Promise<DataReference> {
  return { path, format: 'csv', header: options.header, target: options.target, sha256: await fileSha256(path), rows: data.rows, cols: data.cols };
}
