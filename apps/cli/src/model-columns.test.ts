import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './test-support/in-process.js';
import { repoRoot } from './test-support/run.js';

/* The model file remembers its columns: predict, score and sample find them again by name. */

const temp = mkdtempSync(join(tmpdir(), 'emkit-model-columns-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const iris = readFileSync(join(repoRoot, 'examples/iris.csv'), 'utf8').trim().split('\n');
const names = iris[0].split(',').map((s) => s.replace(/"/g, ''));
const rows = iris.slice(1).map((l) => l.split(','));
const species = rows.map((_, i) => ['setosa', 'versicolor', 'virginica'][Math.floor(i / 50)]);

/** The iris rows with columns in `order` (indices into names; -1 the id, -2 the label) under `header`. */
function table(order: number[], header: string[] | null): string {
  const cell = (r: string[], i: number, j: number): string => (j === -1 ? String(i + 1) : j === -2 ? species[i] : r[j]);
  return [...(header ? [header.join(',')] : []), ...rows.map((r, i) => order.map((j) => cell(r, i, j)).join(','))].join('\n') + '\n';
}

let model: string;
let original: string;

beforeAll(async () => {
  original = join(temp, 'labelled.csv');
  writeFileSync(original, table([-1, 0, 1, 2, 3, -2], ['id', ...names, 'species']));
  model = join(temp, 'model.json');
  const run = await runCli(['fit', 'gmm', '--data', original, '--drop', 'id', '--label', 'species', '--k', '3', '--workers', '0', '--seed', '3', '--out', model]);
  expect(run.code, run.stderr).toBe(0);
});

describe('the model file remembers its columns', () => {
  it('stores the names, the selection, the label', () => {
    const file = JSON.parse(readFileSync(model, 'utf8')) as { columns: unknown; version: number };
    expect(file.columns).toEqual({ names, fileColumns: 6, fileHeader: ['id', ...names, 'species'], selected: [2, 3, 4, 5], label: 'species' });
    expect(file.version).toBe(1);
  });

  it('predict, predict --proba and score match columns by name, reordering; other columns are ignored', async () => {
    const reordered = join(temp, 'reordered.csv');
    writeFileSync(reordered, table([3, -2, 1, 0, 2], [names[3], 'species', names[1], names[0], names[2]]));
    const plain = join(temp, 'plain.csv');
    writeFileSync(plain, table([0, 1, 2, 3], names));
    for (const command of [['predict'], ['predict', '--proba'], ['score']]) {
      const expected = await runCli([...command, '--model', model, '--data', original]);
      expect(expected.code, expected.stderr).toBe(0);
      for (const data of [reordered, plain]) {
        const run = await runCli([...command, '--model', model, '--data', data]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout, `${command.join(' ')} ${data}`).toBe(expected.stdout);
      }
    }
    // The label column is found by its name in the model file: agreement is reported.
    expect((await runCli(['predict', '--model', model, '--data', reordered])).stderr).toMatch(/agreement with --label species: adjusted Rand index/);
  });

  it('refuses missing or renamed columns, naming them', async () => {
    const renamed = join(temp, 'renamed.csv');
    writeFileSync(renamed, table([0, 1, 2, 3], [names[0], names[1], 'petal_len', names[3]]));
    for (const command of ['predict', 'score']) {
      const run = await runCli([command, '--model', model, '--data', renamed]);
      expect(run.code).toBe(2);
      expectOneLineError(run, new RegExp(`renamed\\.csv: the model was fitted on columns .*; this file lacks "${names[2]}" and has "petal_len" instead; rename the columns`));
    }
    // The id the fit left out is in this file too: it is not offered as the renamed column.
    const renamedWithId = join(temp, 'renamed-id.csv');
    writeFileSync(renamedWithId, table([-1, 0, 1, 2, 3, -2], ['id', names[0], names[1], 'petal_len', names[3], 'species']));
    expectOneLineError(await runCli(['score', '--model', model, '--data', renamedWithId]), new RegExp(`this file lacks "${names[2]}" and has "petal_len" instead; rename`));
    const wrongSelection = await runCli(['score', '--model', model, '--data', original, '--columns', '2..4']);
    expectOneLineError(wrongSelection, new RegExp(`the selected columns lack "${names[3]}"`));
  });

  it('--header no matches by position, on the training layout or on the model’s columns alone', async () => {
    const expected = (await runCli(['score', '--model', model, '--data', original])).stdout;
    const sameLayout = join(temp, 'nohead6.csv');
    writeFileSync(sameLayout, table([-1, 0, 1, 2, 3, -2], null));
    const justFeatures = join(temp, 'nohead4.csv');
    writeFileSync(justFeatures, table([0, 1, 2, 3], null));
    for (const data of [sameLayout, justFeatures]) {
      const run = await runCli(['score', '--model', model, '--data', data, '--header', 'no']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(expected);
    }
    const wrong = join(temp, 'nohead3.csv');
    writeFileSync(wrong, table([0, 1, 2], null));
    expectOneLineError(await runCli(['score', '--model', model, '--data', wrong, '--header', 'no']), /has 3 columns, but the model was fitted on 4 of 6/);
  });

  it('sample writes the column names', async () => {
    const run = await runCli(['sample', '--model', model, '--n', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(names.join(','));
  });

  it('model files without the columns field still load and match by position', async () => {
    const old = JSON.parse(readFileSync(model, 'utf8')) as Record<string, unknown>;
    delete old.columns;
    const oldPath = join(temp, 'old.json');
    writeFileSync(oldPath, JSON.stringify(old));
    const run = await runCli(['score', '--model', oldPath, '--data', original, '--drop', 'id', '--label', 'species']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe((await runCli(['score', '--model', model, '--data', original])).stdout);
    expect((await runCli(['sample', '--model', oldPath, '--n', '1'])).stdout.split('\n')[0]).toBe('x0,x1,x2,x3');
  });
});

describe('select with a label column', () => {
  it('reports the selected model’s agreement with --label, as fit of the same options does, and says it standardised', async () => {
    const args = ['--data', original, '--drop', 'id', '--label', 'species', '--covariance', 'diag', '--standardize', '--workers', '0', '--seed', '3', '--json'];
    const select = await runCli(['select', 'gmm', '--k', '2..3', ...args]);
    expect(select.code, select.stderr).toBe(0);
    const chosen = JSON.parse(select.stdout) as { best: number; candidates: { options: { k: number } }[]; agreement: { adjustedRandIndex: number; confusion: unknown } };
    expect(select.stderr).toMatch(/^standardised +z-scores; log-likelihood in the original units$/m);
    expect(select.stderr).toMatch(/agreement with --label species: adjusted Rand index/);
    const fit = await runCli(['fit', 'gmm', '--k', String(chosen.candidates[chosen.best].options.k), ...args]);
    expect(chosen.agreement).toEqual((JSON.parse(fit.stdout) as { agreement: unknown }).agreement);
  });
});
