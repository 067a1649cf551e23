import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './test-support/in-process.js';
import { emkitWithStdin, repoRoot } from './test-support/run.js';

/*
 * Every format and standard input give the fit of the CSV of the same data, bit for bit; the
 * column flags select, drop and label columns by name, number and range.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-formats-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const iris = readFileSync(join(repoRoot, 'examples/iris.csv'), 'utf8');
const names = iris.split('\n')[0].split(',').map((s) => s.replace(/"/g, ''));
const rows = iris.trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
const cols = names.map((_, j) => Float64Array.from(rows, (r) => r[j]));
// A labelled copy: an id column first and a species label last (by row blocks of 50).
const species = rows.map((_, i) => ['setosa', 'versicolor', 'virginica'][Math.floor(i / 50)] ?? 'other');
const labelled = ['id,' + names.join(',') + ',species', ...rows.map((r, i) => `${i + 1},${r.join(',')},${species[i]}`)].join('\n') + '\n';

let csvPath: string;
let labelledPath: string;

/** The model part of `fit --json` (everything but the wall time and the output path). */
function fitOf(stdout: string): Record<string, unknown> {
  const { wallTimeSeconds: _t, out: _o, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
}

beforeAll(() => {
  csvPath = join(temp, 'iris.csv');
  writeFileSync(csvPath, iris);
  labelledPath = join(temp, 'labelled.csv');
  writeFileSync(labelledPath, labelled);
  writeFileSync(join(temp, 'iris.tsv'), iris.replaceAll(',', '\t'));
  writeFileSync(join(temp, 'iris.parquet'), new Uint8Array(parquetWriteBuffer({ columnData: names.map((name, j) => ({ name, data: cols[j], type: 'DOUBLE' as const })), rowGroupSize: 40 })));
  writeFileSync(join(temp, 'iris.arrow'), tableToIPC(tableFromArrays(Object.fromEntries(names.map((n, j) => [n, cols[j]])))));
  writeFileSync(join(temp, 'iris.arrows'), tableToIPC(tableFromArrays(Object.fromEntries(names.map((n, j) => [n, cols[j]]))), 'stream'));
  writeFileSync(join(temp, 'iris.data'), iris);
});

describe('formats', () => {
  const fitArgs = ['--k', '3', '--covariance', 'full', '--restarts', '2', '--seed', '4', '--workers', '0', '--json'];

  it('CSV, TSV, Parquet, Arrow (file and stream) and stdin give the same fit, bit for bit', async () => {
    const reference = await runCli(['fit', 'gmm', '--data', csvPath, ...fitArgs]);
    expect(reference.code, reference.stderr).toBe(0);
    const expected = fitOf(reference.stdout);
    for (const file of ['iris.tsv', 'iris.parquet', 'iris.arrow', 'iris.arrows']) {
      const run = await runCli(['fit', 'gmm', '--data', join(temp, file), ...fitArgs]);
      expect(run.code, `${file}: ${run.stderr}`).toBe(0);
      expect(fitOf(run.stdout), file).toEqual(expected);
    }
    // --format overrides an extension that says nothing.
    const forced = await runCli(['fit', 'gmm', '--data', join(temp, 'iris.data'), '--format', 'csv', ...fitArgs]);
    expect(fitOf(forced.stdout)).toEqual(expected);
    const fromStdin = await emkitWithStdin(['fit', 'gmm', '--data', '-', ...fitArgs], iris);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fitOf(fromStdin.stdout)).toEqual(expected);
    expect(fromStdin.stderr).toMatch(/data +<stdin> \(150 rows × 4 columns\)/);
    const parquetStdin = await emkitWithStdin(['fit', 'gmm', '--data', '-', '--format', 'parquet', ...fitArgs], readFileSync(join(temp, 'iris.parquet')));
    expect(fitOf(parquetStdin.stdout)).toEqual(expected);
  });

  it('a semicolon file with --delimiter and predict from stdin', async () => {
    const semi = join(temp, 'semi.csv');
    writeFileSync(semi, iris.replaceAll(',', ';'));
    const run = await runCli(['fit', 'gmm', '--data', semi, '--delimiter', ';', '--k', '2', '--workers', '0', '--out', join(temp, 'semi.json')]);
    expect(run.code, run.stderr).toBe(0);
    const predicted = await emkitWithStdin(['predict', '--model', join(temp, 'semi.json'), '--data', '-', '--delimiter', ';'], iris.replaceAll(',', ';'));
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout.trim().split('\n')).toHaveLength(151);
  });

  it('errors in a Parquet file name the row group, row and column', async () => {
    const bad = join(temp, 'nulls.parquet');
    writeFileSync(bad, new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2, 3, 4, 5] }, { name: 'b', data: [1, 2, 3, null, 5] }], rowGroupSize: 2 })));
    const run = await runCli(['fit', 'gmm', '--data', bad, '--k', '1', '--workers', '0']);
    expect(run.code).toBe(2);
    expectOneLineError(run, /nulls\.parquet: row group 2, row 2, column "b" is missing \(null\)/);
  });
});

describe('columns', () => {
  it('a label column is refused naming it and offering --drop and --label', async () => {
    const run = await runCli(['fit', 'gmm', '--data', labelledPath, '--k', '3', '--workers', '0']);
    expect(run.code).toBe(2);
    expectOneLineError(run, /labelled\.csv:2:6: "species" \(column 6\) is not numeric \(it holds "setosa"\); leave it out with --drop species, or keep it as ground truth with --label species/);
  });

  it('an id column gets a row-id warning; --drop, --columns and ranges give the same fit as the plain file', async () => {
    const args = ['--k', '3', '--workers', '0', '--seed', '1', '--json'];
    const plain = fitOf((await runCli(['fit', 'gmm', '--data', csvPath, ...args])).stdout);
    const withId = await runCli(['fit', 'gmm', '--data', labelledPath, '--drop', 'species', ...args]);
    expect(withId.stderr).toMatch(/warning: column "id" is 1, 2, … 150: it looks like a row id, not a feature; leave it out with --drop id/);
    for (const selection of [['--drop', 'id', '--label', 'species'], ['--columns', '2..5'], ['--columns', `${names[0]},${names[1]},4..5`], ['--drop', '1,6']]) {
      const run = await runCli(['fit', 'gmm', '--data', labelledPath, ...selection, ...args]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/row id/);
      const { columns: _c, agreement: _a, ...fit } = fitOf(run.stdout);
      const { columns: _pc, ...plainFit } = plain;
      expect(fit, selection.join(' ')).toEqual(plainFit);
    }
    const unknown = await runCli(['fit', 'gmm', '--data', labelledPath, '--columns', 'petal', ...args]);
    expectOneLineError(unknown, /--columns: no column "petal" \(columns: id, .*species\)/);
  });

  it('--label: ARI, NMI and the confusion table after fit (stderr and --json) and after predict', async () => {
    const model = join(temp, 'labelled.json');
    const run = await runCli(['fit', 'gmm', '--data', labelledPath, '--drop', 'id', '--label', 'species', '--k', '3', '--workers', '0', '--seed', '1', '--json', '--out', model]);
    expect(run.code, run.stderr).toBe(0);
    const { agreement } = JSON.parse(run.stdout) as { agreement: { label: string; adjustedRandIndex: number; normalizedMutualInformation: number; labels: string[]; confusion: number[][] } };
    expect(agreement.label).toBe('species');
    expect(agreement.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(agreement.confusion.flat().reduce((a, b) => a + b)).toBe(150);
    expect(agreement.adjustedRandIndex).toBeGreaterThan(0.5);
    expect(agreement.normalizedMutualInformation).toBeGreaterThan(0.5);
    expect(run.stderr).toMatch(/agreement with --label species: adjusted Rand index 0\.\d+, NMI 0\.\d+\ncomponent \\ species +setosa +versicolor +virginica\n0 /);
    const predicted = await runCli(['predict', '--model', model, '--data', labelledPath, '--drop', 'id', '--label', 'species']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stderr).toContain(`adjusted Rand index ${String(Number(agreement.adjustedRandIndex.toPrecision(10)))}`);
  });
});
