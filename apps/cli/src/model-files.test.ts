import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS, binaryRows, blobs, expectFiniteCsv, expectOneLineError, registeredNames, runCli, writeRows } from './test-support/in-process.js';

/*
 * Every registered model's file, spoiled one top-level field at a time: `emkit predict` must
 * either refuse it with exit code 2 and one line naming the file and the field, or — only for
 * the fields listed below as optional — accept it. Never exit 1, never a stack trace.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-model-files-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Fit summary fields (core's and the CLI's): informational, so a file may lack them. */
const SUMMARY = ['meanLogLikelihood', 'iterations', 'converged', 'seed', 'restart', 'logLikelihoodHistory', 'monotonicityViolations', 'parameterCount', 'bic', 'aic', 'inertia', 'cost', 'elbo', 'elboHistory', 'effectiveComponents', 'columns', 'objective'];

/**
 * Fields a model file may leave out, per model: options with a documented default (hand-written
 * files need not state them) and values derived from the others. Everything else is required.
 */
const OPTIONAL: Readonly<Record<string, readonly string[]>> = {
  gmm: ['covariance', 'regCovar', 'freeze', 'regCovarScale', 'assignment'],
  kmeans: ['initMethod', 'dataVariance', 'algorithm'],
  bernoulli: ['clamp', 'betaPrior', 'dirichletPrior'],
  'factor-analysis': ['noise', 'noiseFloor', 'modelCovariance'],
  'bayes-linreg': ['update', 'initialAlpha', 'initialBeta', 'logEvidence', 'effectiveParameters', 'totalWeight'],
  'soft-kmeans': ['initMethod'],
  kmedoids: ['method', 'metric', 'initMethod', 'trainingRows'],
  'online-kmeans': ['counts', 'initMethod', 'learningRate', 'passes', 'dataVariance'],
  'minibatch-kmeans': ['counts', 'initMethod', 'batchSize', 'passes', 'dataVariance'],
  bgmm: ['covariance', 'weightPrior', 'regCovar', 'initMethod', 'weights'],
  vae: ['variance', 'epochs', 'batchSize', 'learningRate', 'iwaeSamples', 'epochElbo'],
  hmm: ['emission', 'covariance', 'topology', 'freeze', 'regCovar'],
};

/** Fields where null is a value of its own (no prior, not known, a learned variance). */
const NULLABLE: Readonly<Record<string, readonly string[]>> = {
  bernoulli: ['betaPrior', 'dirichletPrior'],
  'bayes-linreg': ['initialAlpha', 'initialBeta', 'logEvidence', 'totalWeight'],
  vae: ['variance'],
};

const data: Record<string, string> = {};
beforeAll(() => {
  data.real = writeRows(temp, 'real.csv', blobs(40, 3), 'real');
  data.binary = writeRows(temp, 'binary.csv', binaryRows(40, 4), 'binary');
  data.regression = writeRows(temp, 'regression.csv', blobs(40, 2), 'regression');
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A copy of `value` with its first number (depth first) replaced by a string, or null when it holds none. */
function withFirstNumberSpoiled(value: unknown): unknown {
  if (typeof value === 'number') return 'x';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const spoiled = withFirstNumberSpoiled(value[i]);
      if (spoiled !== null) return value.map((v, j) => (j === i ? spoiled : v));
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const spoiled = withFirstNumberSpoiled(v);
      if (spoiled !== null) return { ...value, [key]: spoiled };
    }
  }
  return null;
}

interface Variant {
  readonly label: string;
  readonly value: unknown;
  /** May predict accept the file? */
  readonly acceptable: boolean;
}

function variantsOf(name: string, field: string, value: unknown): Variant[] {
  const optional = SUMMARY.includes(field) || OPTIONAL[name]?.includes(field) === true;
  const out: Variant[] = [
    { label: 'deleted', value: undefined, acceptable: optional },
    { label: 'null', value: null, acceptable: NULLABLE[name]?.includes(field) === true },
    { label: 'of another type', value: typeof value === 'string' ? 42 : 'oops', acceptable: false },
  ];
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    const spoiled = withFirstNumberSpoiled(value);
    if (spoiled !== null) out.push({ label: 'with a number replaced by a string', value: spoiled, acceptable: false });
  }
  return out;
}

let cases = 0;
afterAll(() => {
  // A figure for the README's Reliability section.
  console.log(`model-file cases: ${cases}`);
});

describe('spoiled model files', () => {
  it('the table covers every registered model', () => {
    expect(Object.keys(MODELS).sort()).toEqual(registeredNames().sort());
    expect(Object.keys(OPTIONAL).sort()).toEqual(registeredNames().sort());
  });

  it.each(registeredNames())('%s: each top-level field deleted, null, of another type, or with a bad number', async (name) => {
    const spec = MODELS[name];
    const dataPath = data[spec.data];
    const model = join(temp, `${name}.json`);
    const fit = await runCli(['fit', name, '--data', dataPath, ...spec.dataFlags, ...spec.fitFlags(2), '--workers', '0', '--out', model]);
    expect(fit.code, fit.stderr).toBe(0);
    const original = JSON.parse(readFileSync(model, 'utf8')) as Record<string, unknown>;
    const predict = (path: string) => runCli(['predict', '--model', path, '--data', dataPath, ...spec.dataFlags, '--out', join(temp, `${name}-out.csv`)]);
    expect((await predict(model)).code).toBe(0);

    for (const field of Object.keys(original)) {
      for (const variant of variantsOf(name, field, original[field])) {
        cases++;
        const copy = { ...original };
        if (variant.value === undefined) delete copy[field];
        else copy[field] = variant.value;
        const path = join(temp, `${name}-spoiled.json`);
        writeFileSync(path, JSON.stringify(copy));
        const run = await predict(path);
        const what = `${name}: ${field} ${variant.label}`;
        if (run.code === 0 && variant.acceptable) {
          expectFiniteCsv(readFileSync(join(temp, `${name}-out.csv`), 'utf8'), what);
          continue;
        }
        expect(run.code, `${what}: ${run.stderr}`).toBe(2);
        // `<file>: <field>: …` or `<file>: <field>[0][1]: …`
        expectOneLineError(run, new RegExp(`^emkit: error: ${escape(path)}: ${escape(field)}[:[.]`));
      }
    }
  });

  it.each(registeredNames())('%s: another format, another version, another model, not JSON', async (name) => {
    const spec = MODELS[name];
    const dataPath = data[spec.data];
    const model = join(temp, `${name}-header.json`);
    const fit = await runCli(['fit', name, '--data', dataPath, ...spec.dataFlags, ...spec.fitFlags(1), '--workers', '0', '--out', model]);
    expect(fit.code, fit.stderr).toBe(0);
    const original = JSON.parse(readFileSync(model, 'utf8')) as Record<string, unknown>;
    const cases: [string, RegExp][] = [
      [JSON.stringify({ ...original, format: 'sklearn-pickle' }), /format: expected "emkit-model", got "sklearn-pickle": not an emkit model file$/],
      [JSON.stringify({ ...original, version: 3 }), /version: version 3 is not supported; this emkit reads versions 1 and 2$/],
      [JSON.stringify({ ...original, model: 'lda' }), /model: unknown model "lda"; known: gmm, /],
      [JSON.stringify([original]), /not an emkit model file: expected a JSON object$/],
      [JSON.stringify(original).slice(0, 200), /not an emkit model file: not valid JSON/],
      ['', /not an emkit model file: not valid JSON/],
    ];
    for (const [text, pattern] of cases) {
      writeFileSync(model, text);
      for (const command of [['predict'], ['score'], ['sample', '--n', '3']]) {
        const args = command[0] === 'sample' ? [...command, '--model', model] : [...command, '--model', model, '--data', dataPath, ...spec.dataFlags];
        const run = await runCli(args);
        expect(run.code, `${name} ${command[0]}: ${run.stderr}`).toBe(2);
        expectOneLineError(run, pattern);
        expect(run.stderr).toContain(model);
      }
    }
  });
});
