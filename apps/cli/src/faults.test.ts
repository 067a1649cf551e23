import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDir, emkit, emkitInterrupted } from './test-support/run.js';

/*
 * Faults through the real binary: Ctrl-C during a fit on worker threads, a worker that dies, an
 * E-step that throws, and a plugin whose errors come from its own copy of @emkit/core.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-faults-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const faulty = './src/test-support/faulty-plugins.mjs';

let big: string;
let small: string;
beforeAll(() => {
  // 20 000 rows: three E-step shards, so a fit on workers runs them in parallel.
  const lines: string[] = ['a,b,c,d'];
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20_000; i++) lines.push([0, 1, 2, 3].map((j) => (next() * 10 + (i % 5) * j).toFixed(5)).join(','));
  big = join(temp, 'big.csv');
  writeFileSync(big, `${lines.join('\n')}\n`);
  small = join(temp, 'small.csv');
  writeFileSync(small, `x,y\n${Array.from({ length: 40 }, (_, i) => `${(i % 2) * 5 + (i % 7) / 7},${i % 3}`).join('\n')}\n`);
});

/** One line `emkit: error: …`, no stack trace, no "internal error". */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^emkit: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).not.toMatch(/internal error/);
}

describe('SIGINT during a fit on workers', () => {
  it.each([
    ['E-step shards on 2 workers', ['--workers', '2']],
    ['whole restarts on 2 workers', ['--workers', '2', '--restarts', '4']],
    ['in the main thread', ['--workers', '0']],
  ])('%s: exit 130, workers stopped, no output file', async (_, flags) => {
    const dir = mkdtempSync(join(temp, 'sigint-'));
    const out = join(dir, 'm.json');
    const run = await emkitInterrupted(['fit', 'gmm', '--data', big, '--k', '5', '--tol', '0', '--max-iter', '1000000', ...flags, '--out', out], 1500);
    // The process ends by itself once the workers are closed (lingering threads would keep it
    // alive and time the test out); how fast is measured in bench/latency.mjs.
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr.trim()).toBe('emkit: interrupted; no output was written');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a failing worker is an error, not a hang', () => {
  it.each([
    ['E-step shards', []],
    ['whole restarts', ['--restarts', '2']],
  ])('a worker that exits in the E-step (%s): exit 1, one line naming the plugin', async (_, flags) => {
    const out = join(temp, 'exits.json');
    const run = await emkit(['--plugin', faulty, 'fit', 'exits-on-worker', '--data', big, '--k', '2', '--workers', '2', ...flags, '--out', out], { cwd: cliDir });
    expect(run.code, run.stderr).toBe(1);
    expectOneLineError(run.stderr, /plugin "exits-on-worker" failed on a worker at (shard \d+ \(rows \d+–\d+\)|restart \d+): .*exit/i);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['on workers', ['--workers', '2']],
    ['on workers, whole restarts', ['--workers', '2', '--restarts', '2']],
    ['in the main thread', ['--workers', '0']],
  ])('an E-step that throws (%s): exit 1, one line with its message', async (_, flags) => {
    const run = await emkit(['--plugin', faulty, 'fit', 'throws-in-e-step', '--data', big, '--k', '2', ...flags], { cwd: cliDir });
    expect(run.code, run.stderr).toBe(1);
    expectOneLineError(run.stderr, /throws-in-e-step.*deliberate failure in the E-step$/);
    // --debug adds where it happened
    const debug = await emkit(['--plugin', faulty, 'fit', 'throws-in-e-step', '--data', big, '--k', '2', ...flags, '--debug'], { cwd: cliDir });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('errors of a plugin with its own copy of @emkit/core', () => {
  it('an option error is a usage error (exit 2) naming the flag', async () => {
    const run = await emkit(['--plugin', faulty, 'fit', 'foreign-errors', '--data', small, '--k', '13'], { cwd: cliDir });
    expect(run.code, run.stderr).toBe(2);
    expectOneLineError(run.stderr, /^emkit: error: --k: thirteen components are unlucky$/);
  });

  it.each([['0'], ['2']])('an input error from its E-step names the file, line and column (workers %s)', async (workers) => {
    const data = join(temp, 'thirteen.csv');
    writeFileSync(data, 'x,y\n1,2\n5,6\n13,1\n2,2\n6,5\n');
    const run = await emkit(['--plugin', faulty, 'fit', 'foreign-errors', '--data', data, '--k', '2', '--workers', workers], { cwd: cliDir });
    expect(run.code, run.stderr).toBe(2);
    expectOneLineError(run.stderr, new RegExp(`^emkit: error: ${data.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:1: row 3, column 1 is 13; this plugin refuses it$`));
  });
});
