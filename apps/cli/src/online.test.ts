import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, emkit, repoRoot } from './test-support/run.js';

/* `emkit fit --online`: stepwise EM from a file and from an endless stream on stdin. */

const temp = mkdtempSync(join(tmpdir(), 'emkit-online-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let state = 424242;
const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
/** `n` rows of three well-separated 2-D clusters, without a header. */
function rows(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = Math.floor(next() * 3);
    out.push(`${(c * 6 + next() + next() - 1).toFixed(5)},${(c * -4 + next() + next() - 1).toFixed(5)}`);
  }
  return `${out.join('\n')}\n`;
}

let file: string;
beforeAll(() => {
  file = join(temp, 'easy.csv');
  writeFileSync(file, `x,y\n${rows(20_000)}`);
});

describe('emkit fit --online from a file', () => {
  it('writes a model file that records the online run, which score and predict read', async () => {
    const out = join(temp, 'online.json');
    const run = await emkit(['fit', 'gmm', '--data', file, '--k', '3', '--online', '--batch-size', '500', '--step-power', '0.6', '--passes', '4', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/online +\d+ mini-batch steps over [1-4] pass\(es\) of 500 rows/);
    const model = JSON.parse(readFileSync(out, 'utf8'));
    expect(model.online).toMatchObject({ batchSize: 500, stepPower: 0.6, heldOutRows: 1000 });
    expect(model.online.heldOutHistory.length).toBe(model.online.passes);
    const batch = await emkit(['fit', 'gmm', '--data', file, '--k', '3', '--workers', '0', '--json']);
    const score = await emkit(['score', '--model', out, '--data', file]);
    expect(score.code, score.stderr).toBe(0);
    const batchMean = JSON.parse(batch.stdout).meanLogLikelihood as number;
    expect(Math.abs(model.meanLogLikelihood - batchMean)).toBeLessThan(0.005 * Math.abs(batchMean));
  });

  it('refuses flags that need --online, and models that cannot be fitted online have no --online', async () => {
    const polyak = await emkit(['fit', 'gmm', '--data', file, '--k', '3', '--polyak']);
    expect(polyak.code).toBe(2);
    expect(polyak.stderr.trim()).toBe('emkit: error: polyak: needs --online');
    const alpha = await emkit(['fit', 'gmm', '--data', file, '--k', '3', '--online', '--step-power', '0.5']);
    expect(alpha.code).toBe(2);
    expect(alpha.stderr).toMatch(/step-power: must be in \(0\.5, 1\], got 0\.5/);
    const bgmm = await emkit(['fit', 'bgmm', '--data', file, '--k', '2', '--online']);
    expect(bgmm.code).toBe(2);
    expect(bgmm.stderr).toMatch(/unknown option '--online'/);
  });
});

/** Runs the CLI with a stdin the test writes to. */
function streaming(args: readonly string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return { child, done };
}

async function until(condition: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('emkit fit --online --data - (a stream)', () => {
  it('checkpoints the model file atomically every M batches while the stream flows, and once more at its end', async () => {
    const dir = mkdtempSync(join(temp, 'stream-'));
    const out = join(dir, 'model.json');
    const { child, done } = streaming(['fit', 'gmm', '--data', '-', '--k', '3', '--online', '--batch-size', '200', '--checkpoint-every', '5', '--out', out]);
    child.stdin.write(`x,y\n${rows(200 + 200 * 5)}`);
    // The stream is still open: the first checkpoint is there anyway, complete.
    await until(() => existsSync(out));
    const first = JSON.parse(readFileSync(out, 'utf8'));
    expect(first.online).toMatchObject({ steps: 5, rowsSeen: 1200, heldOutRows: 200 });
    expect(first.columns).toEqual(['x', 'y']);
    const seen: number[] = [first.online.steps];
    for (let round = 0; round < 3; round++) {
      child.stdin.write(rows(200 * 5));
      await until(() => JSON.parse(readFileSync(out, 'utf8')).online.steps > seen[seen.length - 1]);
      seen.push(JSON.parse(readFileSync(out, 'utf8')).online.steps);
    }
    expect(seen).toEqual([5, 10, 15, 20]);
    child.stdin.end(rows(50));
    const { code, stderr } = await done;
    expect(code, stderr).toBe(0);
    const last = JSON.parse(readFileSync(out, 'utf8'));
    expect(last.online).toMatchObject({ steps: 21, rowsSeen: 4250 });
    expect(stderr).toMatch(/checkpoints +5 \(every 5 batches and at the end\)/);
    // Written by rename: no temporary file is left beside the model.
    expect(readdirSync(dir)).toEqual(['model.json']);
    const score = await emkit(['score', '--model', out, '--data', file]);
    expect(score.code, score.stderr).toBe(0);
    expect(last.online.heldOutMeanLogLikelihood).toBeGreaterThan(first.online.heldOutMeanLogLikelihood - 0.05);
  });

  it('a bad row names its line in the stream', async () => {
    const { child, done } = streaming(['fit', 'gmm', '--data', '-', '--k', '2', '--online', '--batch-size', '100', '--out', join(temp, 'bad.json')]);
    child.stdin.end(`x,y\n${rows(250)}1,oops\n${rows(10)}`);
    const { code, stderr } = await done;
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^emkit: error: stdin:252:2: cell "oops" is not a number/);
  });

  it('SIGINT ends an endless stream: a final checkpoint, a summary, exit 0', async () => {
    const out = join(temp, 'interrupted.json');
    const { child, done } = streaming(['fit', 'gmm', '--data', '-', '--k', '3', '--online', '--batch-size', '100', '--checkpoint-every', '2', '--out', out]);
    child.stdin.write(rows(100 + 100 * 4));
    await until(() => existsSync(out));
    child.kill('SIGINT');
    const { code, stderr } = await done;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/ended +by Ctrl-C \(SIGINT\): the model file holds the final checkpoint/);
    const { online } = JSON.parse(readFileSync(out, 'utf8'));
    expect(online.steps).toBeGreaterThanOrEqual(2);
    expect(online.rowsSeen).toBe(100 + online.steps * 100);
  });
});
