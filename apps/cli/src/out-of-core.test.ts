import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@emkit/linalg';
import { type Table as ArrowTable, tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './test-support/in-process.js';
import { emkitInterrupted } from './test-support/run.js';

/*
 * A fit out of core (--memory below the data's size: the file is indexed, then read shard by
 * shard on every pass, by the workers themselves) writes the model file of the in-memory fit
 * started from the same reservoir sample (--init-sample), byte for byte: CSV and Parquet, on 1
 * and 2 workers and in the main thread, with a column selection and --standardize.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-out-of-core-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// Three shards of the default 8192 rows; an id column to drop and a label column to ignore.
const N = 20_000;
let csv: string;
let parquet: string;
let arrow: string;

beforeAll(() => {
  const random = new Random(11);
  const names = ['id', 'a', 'b', 'c', 'd', 'kind'];
  const columns: number[][] = names.map(() => []);
  const lines = [names.join(',')];
  const kinds: string[] = [];
  for (let i = 0; i < N; i++) {
    const k = random.nextInt(3);
    const row = [i, ...[0, 1, 2, 3].map((j) => Number((4 * k + (j + 1) * random.nextNormal()).toFixed(4)))];
    row.forEach((v, j) => columns[j].push(v));
    kinds.push(`k${k}`);
    lines.push(`${row.join(',')},k${k}`);
  }
  csv = join(temp, 'blobs.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  parquet = join(temp, 'blobs.parquet');
  const columnData = [
    ...names.slice(0, 5).map((name, j) => ({ name, data: Float64Array.from(columns[j]), type: 'DOUBLE' as const })),
    { name: 'kind', data: kinds, type: 'STRING' as const },
  ];
  writeFileSync(parquet, Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize: 3000 })));
  // An Arrow IPC file of 5000-row record batches.
  let table: ArrowTable | null = null;
  for (let start = 0; start < N; start += 5000) {
    const part = tableFromArrays(Object.fromEntries(names.slice(0, 5).map((name, j) => [name, Float64Array.from(columns[j].slice(start, start + 5000))])));
    table = table === null ? part : table.concat(part);
  }
  arrow = join(temp, 'blobs.arrow');
  writeFileSync(arrow, tableToIPC(table!, 'file'));
});

const common = ['--columns', 'd,a,c', '--standardize', '--k', '3', '--covariance', 'full', '--seed', '4', '--init-sample', '1500'];

async function modelFile(args: string[], name: string): Promise<string> {
  const out = join(temp, name);
  const run = await runCli(['fit', 'gmm', ...args, '--out', out]);
  expect(run.code, run.stderr).toBe(0);
  return readFileSync(out, 'utf8');
}

describe('emkit fit --memory (out of core)', () => {
  for (const format of ['csv', 'parquet', 'arrow'] as const) {
    it(`fits a ${format} file out of core exactly as in memory, on 0, 1 and 2 workers`, async () => {
      const data = { csv, parquet, arrow }[format];
      const inMemory = await modelFile(['--data', data, ...common, '--workers', '0'], `${format}-memory.json`);
      for (const workers of ['0', '1', '2']) {
        const outOfCore = await modelFile(['--data', data, ...common, '--memory', '64KiB', '--workers', workers], `${format}-ooc-${workers}.json`);
        expect(outOfCore, `${format}, ${workers} workers`).toBe(inMemory);
      }
      // On workers in memory too (the shared-memory path) the same bits.
      expect(await modelFile(['--data', data, ...common, '--workers', '2'], `${format}-memory-2.json`)).toBe(inMemory);
    });
  }

  it('k-means (per-shard states on pinned workers) and factor analysis too', async () => {
    for (const [model, ...options] of [
      ['kmeans', '--k', '4'],
      ['factor-analysis', '--factors', '2', '--max-iter', '15'],
    ]) {
      const args = ['fit', model, '--data', csv, '--drop', 'id,kind', '--seed', '2', '--init-sample', '3000', ...options];
      const run = async (extra: string[], name: string) => {
        const out = join(temp, name);
        const result = await runCli([...args, ...extra, '--out', out]);
        expect(result.code, result.stderr).toBe(0);
        return readFileSync(out, 'utf8');
      };
      const inMemory = await run(['--workers', '0'], `${model}-memory.json`);
      expect(await run(['--memory', '64KiB', '--workers', '2'], `${model}-ooc.json`), model).toBe(inMemory);
    }
  });

  it('says it fits out of core, and that the label is not read then', async () => {
    const run = await runCli(['fit', 'gmm', '--data', csv, '--drop', 'id', '--label', 'kind', '--k', '2', '--memory', '1MiB', '--init-sample', '500', '--workers', '0', '--max-iter', '2']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/out of core: read shard by shard on every pass/);
    expect(run.stderr).toMatch(/--label column is not read/);
    expect(run.stderr).toMatch(/initialisation +from a seeded reservoir sample of 500 rows \(--init-sample 500 starts an in-memory fit the same way\)/);
  });

  it('Ctrl-C stops an out-of-core fit: exit 130, no output file', async () => {
    const out = join(temp, 'interrupted.json');
    const run = await emkitInterrupted(['fit', 'gmm', '--data', csv, '--drop', 'id,kind', '--k', '5', '--tol', '0', '--max-iter', '1000000', '--memory', '1KiB', '--workers', '1', '--out', out], 1500);
    expect(run.code, run.stderr).toBe(130);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a bad line found while indexing with its file, line and column', async () => {
    const bad = join(temp, 'bad.csv');
    const text = readFileSync(csv, 'utf8').split('\n');
    text[12_345] = text[12_345].replace(/,([^,]*),/, ',x1,');
    writeFileSync(bad, text.join('\n'));
    const run = await runCli(['fit', 'gmm', '--data', bad, '--drop', 'id,kind', '--k', '2', '--memory', '1KiB']);
    expect(run.code).toBe(2);
    expectOneLineError(run, /bad\.csv:12346:2: cell "x1" is not a number/);
  });

  it('refuses what out-of-core reading cannot do, naming the flag', async () => {
    expectOneLineError(await runCli(['fit', 'gmm', '--data', csv, '--drop', 'kind', '--k', '2', '--memory', '1KiB', '--standardize', 'robust']), /--memory: .* does not support --standardize robust/);
    expectOneLineError(await runCli(['fit', 'gmm', '--data', csv, '--drop', 'kind', '--k', '2', '--memory', 'lots']), /--memory.*512MiB/);
    expectOneLineError(await runCli(['fit', 'gmm', '--data', csv, '--drop', 'kind', '--k', '2', '--init-sample', '0']), /init-sample.* ≥ 1/);
  });
});

describe('emkit predict and score --memory (streamed)', () => {
  let model: string;
  beforeAll(async () => {
    model = join(temp, 'for-predict.json');
    const run = await runCli(['fit', 'gmm', '--data', csv, '--columns', 'a,b,c', '--standardize', '--k', '3', '--max-iter', '5', '--workers', '0', '--out', model]);
    expect(run.code, run.stderr).toBe(0);
  });

  for (const format of ['csv', 'parquet'] as const) {
    it(`writes and prints what the in-memory commands do, chunk by chunk (${format})`, async () => {
      const data = format === 'csv' ? csv : parquet;
      for (const extra of [[], ['--proba']]) {
        const whole = join(temp, `whole-${format}${extra.join('')}.csv`);
        const streamed = join(temp, `streamed-${format}${extra.join('')}.csv`);
        expect((await runCli(['predict', '--model', model, '--data', data, ...extra, '--out', whole])).code).toBe(0);
        const run = await runCli(['predict', '--model', model, '--data', data, ...extra, '--memory', '1KiB', '--out', streamed]);
        expect(run.code, run.stderr).toBe(0);
        expect(readFileSync(streamed, 'utf8')).toBe(readFileSync(whole, 'utf8'));
      }
      const score = await runCli(['score', '--model', model, '--data', data]);
      const streamedScore = await runCli(['score', '--model', model, '--data', data, '--memory', '1KiB']);
      expect(streamedScore.stdout).toBe(score.stdout);
      expect(Number(score.stdout)).toBeLessThan(0);
    });
  }

  it('leaves the previous output in place when a chunk fails', async () => {
    const out = join(temp, 'kept.csv');
    writeFileSync(out, 'old\n');
    const bad = join(temp, 'bad-late.csv');
    const text = readFileSync(csv, 'utf8').split('\n');
    text[19_000] = text[19_000].replace(/,([^,]*),/, ',oops,');
    writeFileSync(bad, text.join('\n'));
    const run = await runCli(['predict', '--model', model, '--data', bad, '--memory', '1KiB', '--out', out]);
    expectOneLineError(run, /bad-late\.csv:19001:2: cell "oops" is not a number/);
    expect(readFileSync(out, 'utf8')).toBe('old\n');
    expect(readdirSync(temp).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
