import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, emkit, repoRoot } from './test-support/run.js';

/*
 * Progress goes to stderr only when it is a terminal: here a pseudo-terminal from util-linux's
 * `script`, whose output is everything the terminal showed.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-progress-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let data: string;

beforeAll(() => {
  const lines = ['a,b,c'];
  let s = 7;
  const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 60_000; i++) lines.push([0, 1, 2].map((j) => (next() + (i % 3) * 3 + j).toFixed(4)).join(','));
  data = join(temp, 'rows.csv');
  writeFileSync(data, `${lines.join('\n')}\n`);
});

/** What a terminal shows when `emkit args` runs in it, escape sequences removed (`raw`: kept). */
function inTerminal(args: string[], { raw = false, failing = false } = {}): Promise<string> {
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qefc', command, '/dev/null'], { cwd: repoRoot, maxBuffer: 64 << 20 }, (error, stdout) => {
      if (error && !failing) reject(error);
      // eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
      else resolve(raw ? stdout : stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
    });
  });
}

describe('progress on a terminal', () => {
  it('shows loading (rows, bytes), initialisation and restarts as one aggregate line', async () => {
    const shown = await inTerminal(['fit', 'gmm', '--data', data, '--k', '3', '--restarts', '3', '--workers', '0', '--init-method', 'kmeans']);
    expect(shown).toMatch(/read(ing)? .*rows\.csv: [\d,]+ rows, [\d.]+ MB/);
    expect(shown).toMatch(/initialising gmm \(60,000 rows\)/);
    expect(shown).toMatch(/restarts [0-3]\/3 done(, 1 running)? {2}· {2}best mean log-likelihood -?\d/);
    // Each restart's init, numbered from 0 as in the model file.
    expect(shown).toMatch(/restarts 0\/3 done, 1 initialising \(restart 0: k-means\+\+ 1\/3 centres\)/);
    expect(shown).toMatch(/restarts 1\/3 done, 1 initialising \(restart 1: k-means\+\+ 1\/3 centres\) {2}· {2}best/);
    expect(shown).not.toMatch(/restart \d\/3 {2}iteration/);
    expect(shown).toMatch(/mean log-likelihood +-?\d/);
  });

  for (const workers of ['0', '2'])
    it(`shows how far the initialisation has got (--workers ${workers}): the k-means++ centres, then the k-means iterations`, async () => {
      const shown = await inTerminal(['fit', 'gmm', '--data', data, '--k', '5', '--workers', workers, '--init-method', 'kmeans']);
      expect(shown).toMatch(/initialising gmm: k-means\+\+ 1\/5 centres/);
      expect(shown).toMatch(/initialising gmm: k-means iteration 1 of ≤ 300/);
      expect(shown.indexOf('k-means++ 1/5')).toBeLessThan(shown.indexOf('k-means iteration 1'));
      expect(shown.indexOf('k-means iteration 1')).toBeLessThan(shown.search(/iteration 1 {2}mean log-likelihood/));
    });

  it('with the default emEM start it shows the short runs, then the best runs continued', async () => {
    const shown = await inTerminal(['fit', 'gmm', '--data', data, '--k', '3', '--workers', '0']);
    expect(shown).toMatch(/initialising gmm: emEM short runs 1\/20 runs/);
    expect(shown).toMatch(/initialising gmm: emEM best runs continued \d+\/\d+ runs/);
    expect(shown.indexOf('short runs 1/20')).toBeLessThan(shown.indexOf('best runs continued'));
    expect(shown.indexOf('best runs continued')).toBeLessThan(shown.search(/iteration 1 {2}mean log-likelihood/));
  });

  it('select shows candidates done, elapsed time and an estimate of the time left', async () => {
    const shown = await inTerminal(['select', 'gmm', '--data', data, '--k', '1..3', '--covariance', 'diag', '--workers', '0']);
    expect(shown).toMatch(/candidates 0\/3 done · [\d.]+ s elapsed · covariance=diag, k=1 at iteration \d+/);
    expect(shown).toMatch(/candidates [12]\/3 done · [\d.]+ s elapsed · about [\d.]+ s left/);
  });

  it('with --standardize the progress line is in the original units, as the summary', async () => {
    const shown = await inTerminal(['fit', 'gmm', '--data', data, '--k', '3', '--workers', '0', '--standardize']);
    const progress = [...shown.matchAll(/iteration \d+ {2}mean log-likelihood (-?[\d.]+)/g)].map((m) => Number(m[1]));
    const summary = Number(/^mean log-likelihood +(-?[\d.]+)/m.exec(shown)![1]);
    expect(progress.length).toBeGreaterThan(0);
    // The log-Jacobian here is about −2.8 per row: z-score units would be that far off.
    expect(Math.abs(progress.at(-1)! - summary)).toBeLessThan(0.2);
  });

  it('the first line is drawn before the models load, and the next output erases it (a status line, an error)', async () => {
    const shown = await inTerminal(['fit', 'gmm', '--data', data, '--k', '2', '--workers', '0'], { raw: true });
    // Carriage return and erase-line: nothing of it stays on the terminal.
    expect(shown.startsWith('emkit fit gmm: starting…\r\x1b[K')).toBe(true);
    expect(shown).toMatch(/reading .*rows\.csv/);
    // --out into a missing folder is refused before anything else is drawn.
    const failed = await inTerminal(['fit', 'gmm', '--data', data, '--k', '2', '--out', join(temp, 'absent', 'm.json')], { raw: true, failing: true });
    // eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
    expect(failed).toMatch(/^emkit fit gmm: starting…\r\x1b\[Kemkit: error: .*absent/);
    const quiet = await inTerminal(['fit', 'gmm', '--data', data, '--k', '2', '--workers', '0', '--quiet'], { raw: true });
    expect(quiet).not.toContain('starting');
  });

  it('--quiet silences it, and nothing is shown when stderr is not a terminal', async () => {
    const quiet = await inTerminal(['fit', 'gmm', '--data', data, '--k', '2', '--workers', '0', '--quiet']);
    expect(quiet).not.toMatch(/reading|initialising|iteration \d/);
    expect(quiet).toMatch(/mean log-likelihood/);
    const piped = await emkit(['fit', 'gmm', '--data', data, '--k', '2', '--workers', '0']);
    expect(piped.code).toBe(0);
    // eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
    expect(piped.stderr).not.toMatch(/reading|initialising|\x1b/);
  });
});
