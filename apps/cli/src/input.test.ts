import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './test-support/in-process.js';

/*
 * Malformed data files through every command that reads one (fit, select, predict, score):
 * exit code 2 and one line naming the file, the line and where it applies the column.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-input-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const good = 'x,y\n1,2\n1.5,2.5\n8,9\n8.5,9.5\n2,1\n9,8\n';
let gmmModel: string;
let bernoulliModel: string;

beforeAll(async () => {
  const data = join(temp, 'good.csv');
  writeFileSync(data, good);
  gmmModel = join(temp, 'gmm.json');
  expect((await runCli(['fit', 'gmm', '--data', data, '--k', '2', '--workers', '0', '--out', gmmModel])).code).toBe(0);
  const binary = join(temp, 'binary.csv');
  writeFileSync(binary, 'a,b\n0,1\n1,0\n1,1\n0,0\n');
  bernoulliModel = join(temp, 'bernoulli.json');
  expect((await runCli(['fit', 'bernoulli', '--data', binary, '--k', '2', '--workers', '0', '--out', bernoulliModel])).code).toBe(0);
});

/** [name, file contents, the message after `emkit: error: <path>`] */
const MALFORMED: [string, string, RegExp][] = [
  ['a ragged row', 'x,y\n1,2\n3\n4,5\n', /^:3: line 3 has 1 field, expected 2 as on line 1/],
  ['a non-numeric cell', 'x,y\n1,2\n3,abc\n', /^:3:2: cell "abc" is not a number; a header is allowed on line 1 only/],
  ['a NaN', 'x,y\n1,2\nNaN,3\n', /^:3:1: cell "NaN" is not a finite number/],
  ['an Inf', 'x,y\n1,2\n3,-Inf\n', /^:3:2: cell "-Inf" is not a finite number/],
  ['a value beyond float64', 'x,y\n1,2\n3,1e400\n', /^:3:2: cell "1e400" is beyond the range of a 64-bit float/],
  ['a value beyond ±1e150', 'x,y\n1,2\n3,-2e200\n', /^:3:2: cell "-2e200" is beyond ±1e\+150, where squares .* overflow; rescale that column/],
  ['an empty cell', 'x,y\n1,2\n3,\n', /^:3:2: empty cell/],
  ['an empty file', '', /^: the file is empty; expected comma-separated numbers, one row per line$/],
  ['a BOM and nothing else', '\uFEFF', /^: the file is empty/],
  ['a header only', 'x,y\r\n', /^:1: only a header row, no data rows$/],
  ['a blank line inside the data', 'x,y\n1,2\n\n3,4\n', /^:3: blank line inside the data/],
  ['an unterminated quote', '"x,y\n1,2\n', /^:1:1: unterminated quoted cell/],
  ['a text cell on line 1 with --header no', 'x,y\n1,2\n', /^:1:1: cell "x" is not a number; this looks like a header/],
];

function commands(data: string): string[][] {
  return [
    ['fit', 'gmm', '--data', data, '--k', '1', '--workers', '0'],
    ['select', 'gmm', '--data', data, '--k', '1..2', '--workers', '0'],
    ['predict', '--model', gmmModel, '--data', data],
    ['score', '--model', gmmModel, '--data', data],
  ];
}

describe('malformed data files', () => {
  it.each(MALFORMED)('%s: exit 2, one line naming the file and line', async (name, contents, after) => {
    const data = join(temp, `${name.replace(/\W+/g, '-')}.csv`);
    writeFileSync(data, contents);
    for (const args of commands(data)) {
      const run = await runCli(name.includes('--header no') ? [...args, '--header', 'no'] : args);
      expect(run.code, `${args[0]}: ${run.stderr}`).toBe(2);
      expectOneLineError(run);
      const line = run.stderr.trim();
      const prefix = `emkit: error: ${data}`;
      expect(line.startsWith(prefix), line).toBe(true);
      expect(line.slice(prefix.length)).toMatch(after);
    }
  });

  it('a missing file, a directory', async () => {
    const dir = join(temp, 'a-directory.csv');
    mkdirSync(dir);
    for (const [path, why] of [
      [join(temp, 'missing.csv'), 'no such file'],
      [dir, 'is a directory, not a file'],
    ]) {
      for (const args of commands(path)) {
        const run = await runCli(args);
        expect(run.code, `${args[0]}: ${run.stderr}`).toBe(2);
        expectOneLineError(run, new RegExp(`^emkit: error: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read: ${why}$`));
      }
    }
  });
});

describe('well-formed variants read as the plain file does', () => {
  it.each([
    ['CRLF line ends', good.replace(/\n/g, '\r\n')],
    ['a BOM', `\uFEFF${good}`],
    ['a BOM, CRLF, spaces and trailing blank lines', `\uFEFF${good.replace(/,/g, ' , ').replace(/\n/g, '\r\n')}\r\n\r\n  \r\n`],
    ['no final newline', good.trimEnd()],
    ['quoted header names', good.replace('x,y', '"x","y"')],
  ])('%s', async (name, contents) => {
    const data = join(temp, `${name.replace(/\W+/g, '-')}.csv`);
    writeFileSync(data, contents);
    const plain = join(temp, 'plain.csv');
    writeFileSync(plain, good);
    const expected = await runCli(['score', '--model', gmmModel, '--data', plain]);
    const run = await runCli(['score', '--model', gmmModel, '--data', data]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
  });

  it('one column', async () => {
    const data = join(temp, 'one-column.csv');
    writeFileSync(data, 'x\n1\n1.2\n5\n5.5\n');
    const out = join(temp, 'one.json');
    const fit = await runCli(['fit', 'gmm', '--data', data, '--k', '2', '--workers', '0', '--out', out]);
    expect(fit.code, fit.stderr).toBe(0);
    const predict = await runCli(['predict', '--model', out, '--data', data]);
    expect(predict.stdout.trim().split('\n')).toHaveLength(5);
  });
});

describe("data a model cannot use names the file's line and column", () => {
  it('a value that is not 0 or 1 for a Bernoulli mixture (fit on 0 and 2 workers, predict, score)', async () => {
    const data = join(temp, 'not-binary.csv');
    writeFileSync(data, 'a,b\n0,1\n1,0\n1,0.5\n0,0\n');
    const expected = new RegExp(`^emkit: error: ${data.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:2: row 3, column 2 \\(b\\) is 0\\.5; a Bernoulli mixture needs 0/1 values$`);
    for (const args of [
      ['fit', 'bernoulli', '--data', data, '--k', '2', '--workers', '0'],
      ['fit', 'bernoulli', '--data', data, '--k', '2', '--workers', '2', '--restarts', '2'],
      ['predict', '--model', bernoulliModel, '--data', data],
      ['score', '--model', bernoulliModel, '--data', data],
    ]) {
      const run = await runCli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expectOneLineError(run, expected);
    }
  });

  it('a column count that does not match the model', async () => {
    const data = join(temp, 'three-columns.csv');
    writeFileSync(data, 'a,b,c\n0,1,1\n1,0,1\n');
    const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    // The model file names its columns: the extra one is named, with the remedy.
    const named = await runCli(['score', '--model', bernoulliModel, '--data', data]);
    expect(named.code).toBe(2);
    expectOneLineError(named, new RegExp(`^emkit: error: ${escape(data)}: has a column "c" that the model's training data did not have \\(the model was fitted on "a", "b"\\); leave it out with --drop c$`));
    // Model files without column names (hand-written, or older) are checked by the model itself.
    const strip = (path: string): string => {
      const { columns: _columns, ...rest } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      const stripped = path.replace(/\.json$/, '-nocolumns.json');
      writeFileSync(stripped, JSON.stringify(rest));
      return stripped;
    };
    const bernoulliPlain = strip(bernoulliModel);
    const run = await runCli(['score', '--model', bernoulliPlain, '--data', data]);
    expect(run.code).toBe(2);
    expectOneLineError(run, new RegExp(`^emkit: error: ${escape(data)}: has 3 columns; the model has 2$`));
    // a model that reports the mismatch against its own field names the model file
    const gmmPlain = strip(gmmModel);
    const gmm = await runCli(['predict', '--model', gmmPlain, '--data', data]);
    expect(gmm.code).toBe(2);
    expectOneLineError(gmm, new RegExp(`^emkit: error: ${escape(gmmPlain)}: means: the model has 2 dimensions but the data has 3 columns$`));
  });

  it('a missing --target for a regression names the file', async () => {
    const data = join(temp, 'good.csv');
    const run = await runCli(['fit', 'bayes-linreg', '--data', data, '--workers', '0']);
    expect(run.code).toBe(2);
    expectOneLineError(run, /good\.csv: Bayesian linear regression needs a target/);
  });

  it('rows at zero density under a hand-written model: exit 2 naming the row, never -Infinity or NaN', async () => {
    const model = join(temp, 'narrow.json');
    writeFileSync(
      model,
      JSON.stringify({ format: 'emkit-model', version: 1, model: 'gmm', k: 2, covariance: 'spherical', weights: [0.5, 0.5], means: [[0, 0], [1, 1]], covariances: [1e-300, 1e-300] }),
    );
    const data = join(temp, 'far.csv');
    writeFileSync(data, 'a,b\n0,0\n1e5,1e5\n');
    for (const [args, what] of [
      [['score'], 'a log-likelihood of -Infinity'],
      [['predict', '--proba'], 'a membership probability of NaN'],
    ] as const) {
      const run = await runCli([...args, '--model', model, '--data', data]);
      expect(run.code, run.stderr).toBe(2);
      expectOneLineError(run, new RegExp(`far\\.csv:3: row 2: the model gives ${what} \\(the row has zero density`));
      expect(run.stdout).toBe('');
    }
  });
});
