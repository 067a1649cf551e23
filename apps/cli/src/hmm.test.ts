import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHmmFixture } from '../../../tools/test-support/hmm.js';
import { emkit } from './test-support/run.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-hmm-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The fixture's sequences as CSV: a `walk` id column (ids 10, 11, …) between the features. */
function writeSequences(name: Parameters<typeof readHmmFixture>[0]): { path: string; rows: number } {
  const fx = readHmmFixture(name);
  const d = fx.sequences[0][0].length;
  const header = ['x0', 'walk', ...Array.from({ length: d - 1 }, (_, c) => `x${c + 1}`)];
  const lines = [header.join(',')];
  fx.sequences.forEach((sequence, s) => sequence.forEach((row) => lines.push([row[0], 10 + s, ...row.slice(1)].join(','))));
  const path = join(temp, `${name}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, rows: lines.length - 1 };
}

describe('emkit fit hmm --sequence', () => {
  it('reproduces the reference Baum–Welch from its init, then predicts its Viterbi paths, posteriors and scores', async () => {
    const fx = readHmmFixture('gaussian-full');
    const { path, rows } = writeSequences('gaussian-full');
    const init = join(temp, 'init.json');
    writeFileSync(init, JSON.stringify(fx.init));
    const out = join(temp, 'hmm.json');
    const run = await emkit(['fit', 'hmm', '--data', path, '--sequence', 'walk', '--k', String(fx.k), '--init', init, '--tol', '0', '--max-iter', String(fx.iterations), '--workers', '2', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`${rows} rows × 2 columns, ${fx.sequences.length} sequences`));
    const model = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(model).toMatchObject({ model: 'hmm', k: 3, emission: 'gaussian', covariance: 'full', iterations: fx.iterations });
    const relative = Math.abs((model.meanLogLikelihood as number) * rows - fx.logLikelihoods[fx.iterations]) / Math.abs(fx.logLikelihoods[fx.iterations]);
    expect(relative).toBeLessThan(1e-8);

    const predict = await emkit(['predict', '--model', out, '--data', path, '--sequence', 'walk']);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.stdout.trim().split('\n').slice(1).map(Number)).toEqual(fx.viterbiFinal.flat());

    const proba = await emkit(['predict', '--model', out, '--data', path, '--sequence', 'walk', '--proba']);
    expect(proba.code, proba.stderr).toBe(0);
    const probaRows = proba.stdout.trim().split('\n');
    expect(probaRows[0]).toBe('p0,p1,p2');
    for (const line of probaRows.slice(1)) expect(Math.abs(line.split(',').map(Number).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);

    const score = await emkit(['score', '--model', out, '--data', path, '--sequence', 'walk', '--json']);
    expect(score.code, score.stderr).toBe(0);
    expect(Math.abs(JSON.parse(score.stdout).meanLogLikelihood - (model.meanLogLikelihood as number))).toBeLessThan(1e-12);
  });

  it('categorical emissions by column number; sample --sequences writes ids that read back as sequences', async () => {
    const { path } = writeSequences('categorical');
    const out = join(temp, 'categorical.json');
    const run = await emkit(['fit', 'hmm', '--data', path, '--sequence', '2', '--k', '3', '--emission', 'categorical', '--restarts', '2', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(model).toMatchObject({ model: 'hmm', emission: 'categorical', symbols: 5 });
    const sampled = join(temp, 'sampled.csv');
    const sample = await emkit(['sample', '--model', out, '--n', '50', '--sequences', '4', '--seed', '3', '--out', sampled]);
    expect(sample.code, sample.stderr).toBe(0);
    const lines = readFileSync(sampled, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('sequence,x0');
    expect(lines).toHaveLength(201);
    const refit = await emkit(['fit', 'hmm', '--data', sampled, '--sequence', 'sequence', '--k', '2', '--emission', 'categorical', '--symbols', '5']);
    expect(refit.code, refit.stderr).toBe(0);
    expect(refit.stderr).toMatch(/200 rows × 1 column, 4 sequences/);
  });

  it('select hmm --k 1..6 picks the generating number of states (4) by BIC', async () => {
    const { path } = writeSequences('gaussian-diag');
    const run = await emkit(['select', 'hmm', '--data', path, '--sequence', 'walk', '--k', '1..6', '--covariance', 'diag', '--restarts', '2', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { bestModel: { k: number }; candidates: { status: string }[] };
    expect(result.candidates.map((c) => c.status)).toEqual(Array(6).fill('ok'));
    expect(result.bestModel.k).toBe(4);
  });

  it('refuses a sequence column that is not there, naming the file and the columns', async () => {
    const { path } = writeSequences('gaussian-full');
    const run = await emkit(['fit', 'hmm', '--data', path, '--sequence', 'trip', '--k', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(path);
    expect(run.stderr).toMatch(/no sequence column "trip" \(columns: x0, walk, x1\)/);
  });
});
