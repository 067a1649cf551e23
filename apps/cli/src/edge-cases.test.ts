import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Dataset, createDataset, fit, firstNonFinite, isEmkitError } from '@emkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from './registry.js';
import { type DataKind, MODELS, canSample, expectFiniteCsv, expectFiniteJson, expectOneLineError, lcg, registeredNames, runCli, writeRows } from './test-support/in-process.js';

/*
 * Numerical edge cases for every registered model, through the CLI and through the library:
 * each either fits — and then no output (model file, --json, predict, predict --proba, score,
 * sample) holds NaN or Infinity — or fails with exit code 2 (input or options refused) or 1 (the
 * fit cannot go on) and one line saying why. EXPECTED pins which, per model and case; the
 * README's Reliability section documents the same table.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-edge-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface EdgeCase {
  readonly name: string;
  /** Components (factors, latent dimensions) to ask for. */
  readonly k: number;
  readonly rows: () => number[][];
}

const around = (n: number, d: number, scale: number, seed: number): number[][] => {
  const next = lcg(seed);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, () => scale * ((i % 2) * 5 + next())));
};

export const EDGE_CASES: readonly EdgeCase[] = [
  // six columns, so that factor analysis can have more factors than rows
  { name: 'K > N', k: 5, rows: () => around(3, 6, 1, 1) },
  { name: 'K = N', k: 4, rows: () => around(4, 6, 1, 2) },
  // two distinct rows, each six times, and three components
  { name: 'duplicate rows', k: 3, rows: () => Array.from({ length: 12 }, (_, i) => around(2, 2, 1, 3)[i % 2]) },
  { name: 'a constant column', k: 2, rows: () => around(30, 3, 1, 4).map((r) => [r[0], 7, r[2]]) },
  { name: 'D = 1', k: 2, rows: () => around(30, 1, 1, 5) },
  { name: 'N = 1', k: 1, rows: () => around(1, 2, 1, 6) },
  { name: 'values near 1e150', k: 2, rows: () => around(30, 2, 1e149, 7) },
  { name: 'values near 1e-300', k: 2, rows: () => around(30, 2, 1e-300, 8) },
  { name: 'all rows identical', k: 2, rows: () => Array.from({ length: 20 }, () => [1.5, -2.5]) },
  { name: 'values beyond 1e150', k: 2, rows: () => around(30, 2, 1e299, 9) },
];

/**
 * The rows a model of this kind reads: 0/1 models get each value thresholded at its column's
 * mean (so duplicates stay duplicates and a constant column stays constant) — except for the
 * magnitude cases, which keep their values so that the model's refusal of non-0/1 data is tested.
 */
function rowsFor(kind: DataKind, edge: EdgeCase): number[][] {
  const rows = edge.rows();
  if (kind !== 'binary' || edge.name.startsWith('values')) return rows;
  const means = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  return rows.map((r) => r.map((x, j) => (x > means[j] ? 1 : 0)));
}

/** Components to ask for; factor analysis needs fewer factors than columns, so it gets 1 but where K is the point. */
function kFor(name: string, edge: EdgeCase): number {
  return name === 'factor-analysis' && !edge.name.startsWith('K ') ? 1 : edge.k;
}

type Outcome = 'fits' | 'exit 2' | 'exit 1';

/** What each model does with each case, where it does not fit (README: Reliability). */
const EXPECTED: Readonly<Record<string, Readonly<Record<string, Outcome>>>> = {
  gmm: { 'K > N': 'exit 2' },
  kmeans: { 'K > N': 'exit 2' },
  // 0/1 data only: values near 1e150 or 1e-300 are not 0 or 1
  bernoulli: { 'K > N': 'exit 2', 'values near 1e150': 'exit 2', 'values near 1e-300': 'exit 2' },
  // needs fewer factors than columns, and a column that varies (1e-300 apart: the variance underflows)
  'factor-analysis': { 'D = 1': 'exit 2', 'N = 1': 'exit 1', 'values near 1e-300': 'exit 1', 'all rows identical': 'exit 1' },
  // the target (0.5 × row sum + 0.1-sized noise) is fitted exactly at 1e150: no finite noise precision
  'bayes-linreg': { 'values near 1e150': 'exit 1' },
  'soft-kmeans': { 'K > N': 'exit 2' },
  kmedoids: { 'K > N': 'exit 2' },
  'online-kmeans': { 'K > N': 'exit 2' },
  'minibatch-kmeans': { 'K > N': 'exit 2' },
  // the default covariance prior is the data covariance, undefined for one row
  bgmm: { 'K > N': 'exit 2', 'N = 1': 'exit 2' },
  vae: {},
  // Gaussian emissions start from gmm's k-means start, which needs K ≤ N rows
  hmm: { 'K > N': 'exit 2' },
};

function expected(name: string, edge: EdgeCase): Outcome {
  // refused by the CSV reader (and createDataset) for every model
  if (edge.name === 'values beyond 1e150') return 'exit 2';
  return EXPECTED[name]?.[edge.name] ?? 'fits';
}

let cliCases = 0;
let libraryCases = 0;
afterAll(() => {
  // Figures for the README's Reliability section.
  console.log(`edge cases: ${cliCases} CLI fits (with their predict/score/sample), ${libraryCases} library fits`);
});

/** fit through the CLI (in-process and on 2 workers with whole restarts on them), then use the model file every way. */
async function cliOutcome(name: string, edge: EdgeCase): Promise<{ outcome: Outcome; message: string }> {
  const spec = MODELS[name];
  const data = writeRows(temp, `${name}-${edge.name.replace(/\W+/g, '_')}.csv`, rowsFor(spec.data, edge), spec.data);
  const results = [];
  for (const workers of ['0', '2']) {
    cliCases++;
    const out = join(temp, `${name}-w${workers}.json`);
    const run = await runCli(['fit', name, '--data', data, ...spec.dataFlags, ...spec.fitFlags(kFor(name, edge)), '--restarts', '2', '--workers', workers, '--out', out, '--json']);
    results.push({ run, out });
  }
  const [inProcess, onWorkers] = results;
  // The same outcome and message whether the fit ran in this thread or on workers.
  expect(onWorkers.run.code, onWorkers.run.stderr).toBe(inProcess.run.code);
  if (inProcess.run.code !== 0) {
    expect(onWorkers.run.stderr).toBe(inProcess.run.stderr);
    expect([1, 2]).toContain(inProcess.run.code);
    expectOneLineError(inProcess.run);
    return { outcome: inProcess.run.code === 2 ? 'exit 2' : 'exit 1', message: inProcess.run.stderr.trim() };
  }
  const model = readFileSync(inProcess.out, 'utf8');
  expect(readFileSync(onWorkers.out, 'utf8')).toBe(model);
  expectFiniteJson(JSON.parse(model), `${name} ${edge.name}: model file`);
  expectFiniteJson(JSON.parse(inProcess.run.stdout), `${name} ${edge.name}: fit --json`);

  const using = ['--model', inProcess.out, '--data', data, ...spec.dataFlags];
  const predict = await runCli(['predict', ...using]);
  expect(predict.code, predict.stderr).toBe(0);
  expectFiniteCsv(predict.stdout, `${name} ${edge.name}: predict`);
  const proba = await runCli(['predict', ...using, '--proba']);
  expect(proba.code, proba.stderr).toBe(0);
  expectFiniteCsv(proba.stdout, `${name} ${edge.name}: predict --proba`);
  const score = await runCli(['score', ...using, '--json']);
  expect(score.code, score.stderr).toBe(0);
  expect(Number.isFinite((JSON.parse(score.stdout) as { meanLogLikelihood: number }).meanLogLikelihood)).toBe(true);
  if (canSample(name)) {
    const sample = await runCli(['sample', '--model', inProcess.out, '--n', '20', '--seed', '1']);
    expect(sample.code, sample.stderr).toBe(0);
    expectFiniteCsv(sample.stdout, `${name} ${edge.name}: sample`);
  }
  return { outcome: 'fits', message: '' };
}

/** The same fit through core's fit on a Dataset. */
async function libraryOutcome(name: string, edge: EdgeCase): Promise<Outcome> {
  libraryCases++;
  const spec = MODELS[name];
  const plugin = registry.find((m) => m.plugin.name === name)!.plugin;
  const rows = rowsFor(spec.data, edge);
  let data: Dataset;
  try {
    const values = Float64Array.from(rows.flat());
    const target = spec.data === 'regression' ? rows.map((r, i) => r.reduce((a, b) => a + b, 0) * 0.5 + (i % 3) * 0.1) : undefined;
    data = createDataset(values, rows.length, rows[0].length, { target });
  } catch (error) {
    expect(isEmkitError(error) && error.code === 'input', String(error)).toBe(true);
    return 'exit 2';
  }
  try {
    const result = await fit(plugin, data, spec.options(kFor(name, edge)), { restarts: 2, seed: 0 });
    expect(Number.isFinite(result.meanLogLikelihood)).toBe(true);
    expect(firstNonFinite(plugin.toJSON(result.params, result.options))).toBeNull();
    for (const v of plugin.scoreSamples(result.params, data)) expect(Number.isFinite(v)).toBe(true);
    for (const v of plugin.responsibilities(result.params, data)) expect(Number.isFinite(v)).toBe(true);
    return 'fits';
  } catch (error) {
    expect(isEmkitError(error), String(error)).toBe(true);
    if (!isEmkitError(error)) throw error;
    expect(error.message).not.toMatch(/\n/);
    expect(['option', 'input', 'model-file', 'fit']).toContain(error.code);
    return error.code === 'fit' ? 'exit 1' : 'exit 2';
  }
}

describe('edge cases', () => {
  it('every registered model is in the tables', () => {
    expect(Object.keys(MODELS).sort()).toEqual(registeredNames().sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(registeredNames().sort());
  });

  describe.each(registeredNames())('%s', (name) => {
    it.each(EDGE_CASES.map((e) => [e.name, e] as const))('%s', async (_, edge) => {
      const cli = await cliOutcome(name, edge);
      expect(cli.outcome, cli.message).toBe(expected(name, edge));
      expect(await libraryOutcome(name, edge)).toBe(cli.outcome);
    });
  });
});
