import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './node.js';
import { readFromNewFifo } from '../../../tools/test-support/fifo.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-outputs-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('writeFileAtomic by what the path is', () => {
  it('through a symbolic link: replaces the target, keeps the link (also a chain, a relative and a dangling link)', async () => {
    const dir = join(temp, 'links');
    mkdirSync(dir);
    writeFileSync(join(dir, 'target.json'), 'old');
    symlinkSync('target.json', join(dir, 'link.json'));
    symlinkSync(join(dir, 'link.json'), join(dir, 'chain.json'));
    await writeFileAtomic(join(dir, 'chain.json'), 'new');
    expect(lstatSync(join(dir, 'chain.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.json'))).toBe('target.json');
    expect(readFileSync(join(dir, 'target.json'), 'utf8')).toBe('new');
    symlinkSync('not-yet.json', join(dir, 'dangling.json'));
    await writeFileAtomic(join(dir, 'dangling.json'), 'created');
    expect(lstatSync(join(dir, 'dangling.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'not-yet.json'), 'utf8')).toBe('created');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a FIFO is written directly, not replaced', async () => {
    const fifo = join(temp, 'out.fifo');
    const received = readFromNewFifo(fifo);
    await writeFileAtomic(fifo, 'through the pipe\n');
    expect(await received).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a character device is written directly: /dev/null stays a device', async () => {
    await writeFileAtomic('/dev/null', 'discarded');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('refuses a directory or a socket, leaving it alone', async () => {
    const dir = join(temp, 'a-dir');
    mkdirSync(dir);
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow(/a-dir: cannot write: it is a directory, not a regular file/);
    const socketPath = join(temp, 's.sock');
    const server = createServer().listen(socketPath);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await expect(writeFileAtomic(socketPath, 'x')).rejects.toThrow(/s\.sock: cannot write: it is a socket, not a regular file/);
      expect(lstatSync(socketPath).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });
});
