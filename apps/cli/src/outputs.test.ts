import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './test-support/in-process.js';
import { repoRoot } from './test-support/run.js';
import { readFromNewFifo } from '../../../tools/test-support/fifo.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-cli-outputs-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const iris = join(repoRoot, 'examples/iris.csv');

describe('--out', () => {
  it('- writes the model file to stdout, the same as the file', async () => {
    const file = join(temp, 'm.json');
    const args = ['fit', 'gmm', '--data', iris, '--k', '2', '--workers', '0'];
    const toFile = await runCli([...args, '--out', file]);
    expect(toFile.code, toFile.stderr).toBe(0);
    const toStdout = await runCli([...args, '--out', '-']);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'));
    const predicted = await runCli(['predict', '--model', file, '--data', iris, '--out', '-']);
    expect(predicted.stdout.split('\n')[0]).toBe('label');
    expectOneLineError(await runCli([...args, '--out', '-', '--json']), /--out: - writes the model file to standard output, where --json writes too/);
  });

  it('through a symbolic link: the link is kept and its target replaced', async () => {
    const target = join(temp, 'target.csv');
    writeFileSync(target, 'old\n');
    const link = join(temp, 'link.csv');
    symlinkSync(target, link);
    const model = join(temp, 'linked-model.json');
    expect((await runCli(['fit', 'gmm', '--data', iris, '--k', '2', '--workers', '0', '--out', model])).code).toBe(0);
    const run = await runCli(['predict', '--model', model, '--data', iris, '--out', link]);
    expect(run.code, run.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8').split('\n')[0]).toBe('label');
  });

  it('to a FIFO: written directly, the pipe stays a pipe', async () => {
    const fifo = join(temp, 'model.fifo');
    const received = readFromNewFifo(fifo);
    const run = await runCli(['fit', 'gmm', '--data', iris, '--k', '2', '--workers', '0', '--out', fifo]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(await received)).toMatchObject({ format: 'emkit-model', model: 'gmm', k: 2 });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});
