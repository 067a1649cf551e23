import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError } from '@emkit/core';
import type { ShardFileReference } from '@emkit/io/node';
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

/** A data file shared with the workers: the reference jobs carry, and the shard index published once per run. */
export interface SharedDataFile {
  readonly reference: DataReference;
  /** The index as published (JSON); its SHA-256 is reference.index. */
  readonly indexJson: string;
}

/**
 * The data file of an indexed shard source (indexFile of @emkit/io) as shard jobs reference it:
 * its fingerprint and shape, and the digest of the index every worker reads its shards with —
 * the index of an out-of-core fit on one machine, so both read the same rows the same way.
 */
export async function shareDataFile(index: ShardFileReference): Promise<SharedDataFile> {
  const indexJson = JSON.stringify(index);
  return {
    reference: {
      path: index.path,
      sha256: await fileSha256(index.path),
      rows: index.rows,
      cols: index.cols,
      index: createHash('sha256').update(indexJson).digest('hex'),
    },
    indexJson,
  };
}
