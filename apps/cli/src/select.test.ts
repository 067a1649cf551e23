import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CandidateRow, LOG_LIKELIHOOD } from '@emkit/core';
import { InvalidArgumentError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { formatSelectionTable, isCandidateAxis, parseCandidateValues } from './select-command.js';
import { datasets, emkit } from './test-support/run.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-select-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const faithful = join(datasets, 'faithful.csv');

interface SelectJson {
  model: string;
  criterion: string;
  best: number | null;
  candidates: CandidateRow[];
  bestModel: Record<string, unknown> | null;
  out: string | null;
}

describe('emkit select', () => {
  it('fits every k × covariance on a worker pool, prints the table, writes the best model (faithful)', async () => {
    const dir = mkdtempSync(join(temp, 'case-'));
    const out = join(dir, 'best.json');
    const args = ['select', 'gmm', '--data', faithful, '--k', '1..3', '--covariance', 'full,diag,tied', '--restarts', '2', '--seed', '1', '--json'];
    const run = await emkit([...args, '--workers', '2', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as SelectJson;
    expect(json.candidates).toHaveLength(9);
    // categorical axes vary slowest: full 1..3, diag 1..3, tied 1..3
    expect(json.candidates.map((c) => `${c.options.covariance}${c.options.k}`)).toEqual(['full1', 'full2', 'full3', 'diag1', 'diag2', 'diag3', 'tied1', 'tied2', 'tied3']);
    const bics = json.candidates.map((c) => c.bic!);
    expect(json.best).toBe(bics.indexOf(Math.min(...bics)));
    expect(json.candidates.filter((c) => c.best).map((c) => c.index)).toEqual([json.best]);
    for (const c of json.candidates) expect(c.icl!).toBeGreaterThanOrEqual(c.bic!);
    // The table on stderr: a header, one line per candidate, the best marked.
    const lines = run.stderr.split('\n');
    expect(lines[0]).toMatch(/^k\s+covariance\s+mean log-lik\.\s+total log-lik\.\s+params\s+BIC\s+AIC\s+ICL\s+iterations$/);
    expect(lines.filter((l) => l.includes('← best BIC'))).toHaveLength(1);
    expect(run.stderr).toMatch(/selected\s+k = \d, covariance = \w+ \(smallest BIC, smaller is better\)/);
    expect(readdirSync(dir)).toEqual(['best.json']);

    // The model file is the best candidate's, equal to fitting that candidate alone.
    const model = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    const best = json.candidates[json.best!];
    expect(model).toMatchObject({ model: 'gmm', k: best.options.k, covariance: best.options.covariance, bic: best.bic, aic: best.aic, icl: best.icl });
    expect(model.selection).toMatchObject({ criterion: 'bic', candidates: 9, failed: 0 });
    const single = await emkit(['fit', 'gmm', '--data', faithful, '--k', String(best.options.k), '--covariance', String(best.options.covariance), '--restarts', '2', '--seed', '1', '--json']);
    expect((JSON.parse(single.stdout) as { meanLogLikelihood: number }).meanLogLikelihood).toBe(model.meanLogLikelihood);
    const score = await emkit(['score', '--model', out, '--data', faithful]);
    expect(score.code, score.stderr).toBe(0);

    // Worker count does not change the outcome.
    const inProcess = await emkit([...args, '--workers', '0']);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    expect((JSON.parse(inProcess.stdout) as SelectJson).candidates).toEqual(json.candidates);
  });

  it('picks by --criterion aic / icl', async () => {
    for (const criterion of ['aic', 'icl'] as const) {
      const run = await emkit(['select', 'gmm', '--data', faithful, '--k', '1,2,4', '--covariance', 'full', '--criterion', criterion, '--workers', '1', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const json = JSON.parse(run.stdout) as SelectJson;
      const values = json.candidates.map((c) => c[criterion]!);
      expect(json.best).toBe(values.indexOf(Math.min(...values)));
      expect(run.stderr).toContain(`← best ${criterion.toUpperCase()}`);
    }
  });

  it('works for other plugins with a parameter count (bernoulli picks k = 3 on bernoulli20)', async () => {
    const run = await emkit(['select', 'bernoulli', '--data', join(datasets, 'bernoulli20.csv'), '--k', '1..5', '--restarts', '2', '--workers', '2', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as SelectJson;
    expect(json.candidates[json.best!].options.k).toBe(3);
  });

  it('refuses k-means (no parameter count) with one clear line, exit 2', async () => {
    const run = await emkit(['select', 'kmeans', '--data', faithful, '--k', '1..4', '--workers', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^emkit: error: model: "kmeans" reports no parameter count .*BIC, AIC and ICL do not apply/);
  });

  it('reports failing candidates in the table and still writes the best; all failing is exit 1 with nothing written', async () => {
    const dir = mkdtempSync(join(temp, 'case-'));
    const data = join(dir, 'three.csv');
    writeFileSync(data, 'x\n0\n0.1\n5\n');
    const out = join(dir, 'best.json');
    const run = await emkit(['select', 'gmm', '--data', data, '--k', '1..4', '--reg-covar', '1e-3', '--workers', '2', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as SelectJson;
    expect(json.candidates.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'failed']);
    expect(json.candidates[3].error).toMatch(/4 components need at least 4 rows/);
    expect(run.stderr).toMatch(/^4\s+failed: .*4 components need at least 4 rows/m);
    expect(existsSync(out)).toBe(true);

    const none = join(dir, 'none.json');
    const all = await emkit(['select', 'gmm', '--data', data, '--k', '4,5', '--workers', '0', '--out', none]);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/emkit: error: gmm: every candidate failed \(.*\); nothing was written/);
    expect(existsSync(none)).toBe(false);
  });

  it('bad candidate values and unknown models are usage errors (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--k', '5..2'], /the range 5\.\.2 is empty/],
      [['--k', '1..x'], /--k: expected an integer ≥ 1, got "1\.\.x"/],
      [['--k', '2', '--covariance', 'full,bogus'], /--covariance: expected one of full, diag, spherical, tied, .* \(or all\), got "bogus"$/m],
      [['--k', '2', '--covariance', 'full,dag'], /--covariance: expected one of full, .*, got "dag"; did you mean "diag"\?$/m],
      [['--k', '0..2'], /--k: candidate 1 \(k=0\): expected an integer ≥ 1, got 0/],
      [['--k', '1.5'], /--k: candidate 1 \(k=1\.5\): expected an integer ≥ 1, got 1\.5/],
      [['--k', '2', '--restarts', '0'], /--restarts: must be an integer ≥ 1/],
    ];
    for (const [flags, pattern] of cases) {
      const run = await emkit(['select', 'gmm', '--data', faithful, '--workers', '0', ...flags]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(pattern);
    }
    const unknown = await emkit(['select', 'lda', '--data', faithful]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/emkit: error: select: unknown model "lda"/);
  });
});

describe('candidate flags', () => {
  const k = { name: 'k', type: 'integer', description: 'k' } as const;
  it('parses ranges and lists, keeping order and dropping duplicates', () => {
    expect(parseCandidateValues(k, '1..4')).toEqual([1, 2, 3, 4]);
    expect(parseCandidateValues(k, '2,3,5')).toEqual([2, 3, 5]);
    expect(parseCandidateValues(k, '1..3,2,8')).toEqual([1, 2, 3, 8]);
    expect(parseCandidateValues({ name: 'regCovar', type: 'number', description: '' }, '1e-6, 0.001')).toEqual([1e-6, 0.001]);
    expect(parseCandidateValues({ name: 'covariance', type: 'string', description: '', choices: ['full', 'diag'] }, 'diag,full')).toEqual(['diag', 'full']);
    for (const bad of ['', '1,,2', '3..1', '1..2000']) expect(() => parseCandidateValues(k, bad)).toThrow(InvalidArgumentError);
    // Text that is no number is refused as the library words it; bounds and integrality are the schema's.
    expect(() => parseCandidateValues({ ...k, expected: 'an integer ≥ 1' }, 'a..b')).toThrow(/^--k: expected an integer ≥ 1, got "a\.\.b"$/);
    expect(parseCandidateValues(k, '1.5')).toEqual([1.5]);
  });

  it('numbers and choice strings are axes; json files, lists and free text are not', () => {
    expect(isCandidateAxis(k)).toBe(true);
    expect(isCandidateAxis({ name: 'init', type: 'json', description: '' })).toBe(false);
    expect(isCandidateAxis({ name: 'freeze', type: 'list', description: '' })).toBe(false);
    expect(isCandidateAxis({ name: 'label', type: 'string', description: '' })).toBe(false);
  });

  it('formats the table with the best marked and failures explained', () => {
    const row = (index: number, options: Record<string, unknown>, bic: number | null, best = false): CandidateRow => ({
      index,
      options,
      status: bic === null ? 'failed' : 'ok',
      objective: bic === null ? null : LOG_LIKELIHOOD,
      logLikelihood: bic === null ? null : -bic / 2,
      meanLogLikelihood: bic === null ? null : -bic / 20,
      parameterCount: bic === null ? null : 3,
      bic,
      aic: bic,
      icl: bic,
      entropy: 0,
      converged: bic === null ? null : true,
      iterations: bic === null ? null : 4,
      error: bic === null ? 'k: cannot start' : null,
      errorCode: bic === null ? 'option' : null,
      best,
    });
    const text = formatSelectionTable([row(0, { k: 1 }, 10), row(1, { k: 2 }, 8.5, true), row(2, { k: 30 }, null)], ['k'], 'bic');
    expect(text.split('\n')).toEqual([
      'k   mean log-lik.  total log-lik.  params  BIC  AIC  ICL  iterations',
      '1            -0.5              -5       3   10   10   10           4',
      '2          -0.425           -4.25       3  8.5  8.5  8.5           4  ← best BIC',
      '30  failed: k: cannot start',
    ]);
  });
});
