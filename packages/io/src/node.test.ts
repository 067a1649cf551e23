import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmkitError, InputError } from '@emkit/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CsvReader, OutputError, parseCsv, readDatasetFile, writeFileAtomic } from './node.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const datasets = resolve(repoRoot, '../shared/fixtures/datasets');
const temp = mkdtempSync(join(tmpdir(), 'emkit-io-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('readDatasetFile', () => {
  it('reads every fixture dataset like parseCsv does', async () => {
    for (const file of readdirSync(datasets).filter((f) => f.endsWith('.csv'))) {
      const path = join(datasets, file);
      const streamed = await readDatasetFile(path);
      const whole = parseCsv(readFileSync(path, 'utf8'), path);
      expect(streamed.columns).toEqual(whole.columns);
      expect(streamed.dataset.values).toEqual(whole.dataset.values);
    }
  });

  it('streams a file of many chunks', async () => {
    const rows = 200_000;
    const lines = ['"x","y","z"'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${i * 0.5},${-i}`);
    const path = join(temp, 'big.csv');
    writeFileSync(path, `\uFEFF${lines.join('\r\n')}\r\n`);
    const { dataset, columns } = await readDatasetFile(path);
    expect(columns).toEqual(['x', 'y', 'z']);
    expect([dataset.rows, dataset.cols]).toEqual([rows, 3]);
    expect(Array.from(dataset.values.subarray(3 * (rows - 1)))).toEqual([rows - 1, (rows - 1) * 0.5, -(rows - 1)]);
  });

  it('streams tens of MB from a pipe in bounded chunks, holding no more than one partial line of text', async () => {
    // A file too large for one string (V8 strings stop near 512 MiB) must not need one: here a
    // generated stream through a named pipe — no file on disk — and the reader is watched.
    if (process.platform === 'win32') return;
    const fifo = join(temp, 'stream.csv');
    execFileSync('mkfifo', [fifo]);
    const rows = 1_500_000; // about 26 MB
    const writer = (async () => {
      const handle = await open(fifo, 'w');
      try {
        await handle.write('x,y,z\n');
        for (let start = 0; start < rows; start += 50_000) {
          const block: string[] = [];
          for (let i = start; i < start + 50_000; i++) block.push(`${i},${i % 997},-${i % 13}.25\n`);
          await handle.write(block.join(''));
        }
      } finally {
        await handle.close();
      }
    })();
    let chunks = 0;
    let characters = 0;
    let largestChunk = 0;
    let largestCarry = 0;
    const write = CsvReader.prototype.write;
    const spy = vi.spyOn(CsvReader.prototype, 'write').mockImplementation(function (this: CsvReader, chunk: string) {
      chunks++;
      characters += chunk.length;
      largestChunk = Math.max(largestChunk, chunk.length);
      write.call(this, chunk);
      largestCarry = Math.max(largestCarry, (this as unknown as { rest: string }).rest.length);
    });
    try {
      const { dataset } = await readDatasetFile(fifo);
      await writer;
      expect([dataset.rows, dataset.cols]).toEqual([rows, 3]);
      expect(Array.from(dataset.values.subarray(3 * (rows - 1)))).toEqual([rows - 1, (rows - 1) % 997, -(((rows - 1) % 13) + 0.25)]);
    } finally {
      spy.mockRestore();
    }
    expect(characters).toBeGreaterThan(25_000_000);
    expect(chunks).toBeGreaterThan(20);
    expect(largestChunk).toBeLessThanOrEqual(1 << 20);
    expect(largestCarry).toBeLessThan(64);
  }, 60_000); // 26 MB through a pipe: seconds on a machine shared by parallel builds

  it('names the file and line of a bad row', async () => {
    const path = join(temp, 'ragged.csv');
    writeFileSync(path, 'a,b\n1,2\n3\n');
    await expect(readDatasetFile(path)).rejects.toThrow(`${path}:3: line 3 has 1 field, expected 2`);
  });

  it('reports a missing file as an InputError', async () => {
    const path = join(temp, 'missing.csv');
    const error = await readDatasetFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${path}: cannot read: no such file`);
    await expect(readDatasetFile(temp)).rejects.toThrow(/is a directory/);
  });
});

describe('writeFileAtomic', () => {
  it('writes and replaces a file, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(temp, 'w-'));
    const path = join(dir, 'out.csv');
    await writeFileAtomic(path, 'one\n');
    await writeFileAtomic(path, 'two\n');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('fails cleanly for a missing directory', async () => {
    const dir = mkdtempSync(join(temp, 'w-'));
    const path = join(dir, 'nope', 'out.csv');
    const error = await writeFileAtomic(path, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect(error).toBeInstanceOf(EmkitError);
    expect((error as Error).message).toBe(`${path}: cannot write: the directory ${join(dir, 'nope')} does not exist`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the temporary file when the rename fails', async () => {
    const dir = mkdtempSync(join(temp, 'w-'));
    const path = join(dir, 'sub');
    writeFileSync(join(dir, 'keep'), '');
    // Renaming a file over a non-empty directory fails after the temporary file was written.
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), '');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(OutputError);
    expect(readdirSync(dir).sort()).toEqual(['keep', 'sub']);
  });
});

describe('browser safety', () => {
  it('the main entry imports nothing from node:', () => {
    for (const file of ['index.ts', 'csv.ts']) expect(readFileSync(join(here, file), 'utf8')).not.toMatch(/from ['"]node:/);
  });
});
