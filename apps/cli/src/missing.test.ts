import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emkit } from './test-support/run.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-missing-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const data = join(temp, 'gappy.csv');
const complete = join(temp, 'complete.csv');

/** 300 rows of three clusters in 3 columns; about 15 % of cells empty, NA or NaN (never a whole row). */
beforeAll(() => {
  let state = 7;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['a,b,c'];
  const full = ['a,b,c'];
  for (let i = 0; i < 300; i++) {
    const row = [0, 1, 2].map((c) => (6 * ((i % 3) - 1) * (c === 1 ? -1 : 1) + 2 * (next() - 0.5)).toFixed(4));
    full.push(row.join(','));
    const spelled = row.map((x, c) => (c !== i % 3 && next() < 0.22 ? ['', 'NA', 'NaN'][Math.floor(next() * 3)] : x));
    lines.push(spelled.join(','));
  }
  writeFileSync(data, `${lines.join('\n')}\n`);
  writeFileSync(complete, `${full.join('\n')}\n`);
});

describe('--missing', () => {
  it('by default an empty cell is a located one-line error that names --missing marginalize', async () => {
    const run = await emkit(['fit', 'gmm', '--data', data, '--k', '3', '--workers', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/gappy\.csv:\d+:\d+: (empty cell|cell "NA" is a missing value|cell "NaN" is not a finite number).*--missing marginalize/);
  });

  it('gmm fits with --missing marginalize; predict --impute fills each missing cell and keeps the others', async () => {
    const model = join(temp, 'gmm.json');
    const fit = await emkit(['fit', 'gmm', '--data', data, '--k', '3', '--missing', 'marginalize', '--restarts', '2', '--workers', '2', '--out', model]);
    expect(fit.code, fit.stderr).toBe(0);
    const filled = join(temp, 'filled.csv');
    const impute = await emkit(['predict', '--model', model, '--data', data, '--missing', 'marginalize', '--impute', '--out', filled]);
    expect(impute.code, impute.stderr).toBe(0);
    const before = readFileSync(data, 'utf8').trim().split('\n');
    const after = readFileSync(filled, 'utf8').trim().split('\n');
    const truth = readFileSync(complete, 'utf8').trim().split('\n');
    expect(after[0]).toBe('a,b,c');
    expect(after).toHaveLength(before.length);
    let filledCells = 0;
    let worst = 0;
    for (let i = 1; i < before.length; i++) {
      const b = before[i].split(',');
      const a = after[i].split(',').map(Number);
      const t = truth[i].split(',').map(Number);
      b.forEach((cell, c) => {
        if (cell === '' || cell === 'NA' || cell === 'NaN') {
          filledCells++;
          worst = Math.max(worst, Math.abs(a[c] - t[c]));
        } else expect(a[c]).toBe(Number(cell));
      });
    }
    expect(filledCells).toBeGreaterThan(50);
    // The clusters are 6 apart with noise within ±1: a conditional expectation lands in the right one.
    expect(worst).toBeLessThan(2);
    const score = await emkit(['score', '--model', model, '--data', data, '--missing', 'marginalize']);
    expect(score.code, score.stderr).toBe(0);
    expect(Number.isFinite(Number(score.stdout))).toBe(true);
  });

  it('k-means and factor analysis refuse missing cells clearly; so does predict --impute for a model without it', async () => {
    for (const args of [
      ['fit', 'kmeans', '--k', '3'],
      ['fit', 'factor-analysis', '--factors', '1'],
    ]) {
      const run = await emkit([...args, '--data', data, '--missing', 'marginalize', '--workers', '0']);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(new RegExp(`gappy\\.csv:\\d+:\\d+: row \\d+, column \\d+ is missing, and ${args[1]} cannot marginalise missing values`));
    }
    const model = join(temp, 'kmeans.json');
    expect((await emkit(['fit', 'kmeans', '--k', '3', '--data', complete, '--workers', '0', '--out', model])).code).toBe(0);
    const run = await emkit(['predict', '--model', model, '--data', data, '--missing', 'marginalize', '--impute']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--impute: .*a kmeans model cannot impute missing cells/);
  });
});
