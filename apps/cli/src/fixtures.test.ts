import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets, emkit, references } from './test-support/run.js';

/**
 * The acceptance checks of issue 3 through the CLI: fit from each fixture's `init`, read the
 * model file, and compare with scikit-learn's result; then predict and score with that file.
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-cli-fixtures-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface GmmFixture {
  dataset: string;
  k: number;
  covariance: string;
  regCovar: number;
  tol: number;
  init: Record<string, unknown>;
  sklearn: {
    weights: number[];
    means: number[][];
    covariances: unknown;
    meanLogLikelihood: number;
    iterations: number;
    bic: number;
    aic: number;
    labels: number[];
    probaFirst5: number[][];
  };
}

interface KMeansFixture {
  dataset: string;
  k: number;
  init: Record<string, unknown>;
  sklearn: { centers: number[][]; inertia: number; iterations: number; labels: number[] };
}

function fixtures(prefix: string): string[] {
  return readdirSync(references).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort();
}

function flat(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flat) : [value as number];
}

function expectClose(actual: unknown, expected: unknown, tolerance: number, what: string): void {
  const a = flat(actual);
  const e = flat(expected);
  expect(a.length, `${what}: shape`).toBe(e.length);
  const worst = Math.max(0, ...a.map((x, i) => Math.abs(x - e[i])));
  expect(worst, `${what}: largest difference`).toBeLessThanOrEqual(tolerance);
}

function expectRelative(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE), what).toBeLessThanOrEqual(tolerance);
}

function readCsvColumns(text: string): { header: string[]; rows: number[][] } {
  const [head, ...lines] = text.trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

describe('gmm fixtures through the CLI', () => {
  const files = fixtures('gmm-');
  it('finds the 12 gmm fixtures', () => expect(files).toHaveLength(12));

  describe.each(files)('%s', (file) => {
    const fixture = JSON.parse(readFileSync(join(references, file), 'utf8')) as GmmFixture;
    const ref = fixture.sklearn;
    const data = join(datasets, `${fixture.dataset}.csv`);
    const dir = mkdtempSync(join(temp, `${file}-`));
    const modelPath = join(dir, 'm.json');

    it('fit --init reaches the reference optimum', async () => {
      const initPath = join(dir, 'init.json');
      writeFileSync(initPath, JSON.stringify(fixture.init));
      const args = ['fit', 'gmm', '--data', data, '--k', String(fixture.k), '--covariance', fixture.covariance, '--init', initPath];
      args.push('--tol', String(fixture.tol), '--reg-covar', String(fixture.regCovar), '--reg-covar-scale', 'none', '--max-iter', '5000', '--out', modelPath);
      const run = await emkit(args);
      expect(run.stderr).toContain('mean log-likelihood');
      expect(run.code, run.stderr).toBe(0);
      const model = JSON.parse(readFileSync(modelPath, 'utf8')) as Record<string, unknown>;
      expect(model).toMatchObject({ format: 'emkit-model', version: 1, model: 'gmm', k: fixture.k, covariance: fixture.covariance, converged: true });
      expect(Math.abs((model.meanLogLikelihood as number) - ref.meanLogLikelihood), 'meanLogLikelihood').toBeLessThanOrEqual(1e-6);
      expectClose(model.weights, ref.weights, 1e-4, 'weights');
      expectClose(model.means, ref.means, 1e-4, 'means');
      expectClose(model.covariances, ref.covariances, 1e-4, 'covariances');
      expect(Math.abs((model.iterations as number) - ref.iterations), `iterations ${model.iterations as number} vs ${ref.iterations}`).toBeLessThanOrEqual(2);
      expectRelative(model.bic as number, ref.bic, 1e-6, 'bic');
      expectRelative(model.aic as number, ref.aic, 1e-6, 'aic');
    });

    it('predict gives the reference labels and responsibilities', async () => {
      const labels = await emkit(['predict', '--model', modelPath, '--data', data]);
      expect(labels.code, labels.stderr).toBe(0);
      const parsed = readCsvColumns(labels.stdout);
      expect(parsed.header).toEqual(['label']);
      const agree = parsed.rows.filter((r, i) => r[0] === ref.labels[i]).length;
      expect(parsed.rows).toHaveLength(ref.labels.length);
      expect(agree / ref.labels.length).toBeGreaterThanOrEqual(0.995);

      const proba = await emkit(['predict', '--model', modelPath, '--data', data, '--proba']);
      expect(proba.code, proba.stderr).toBe(0);
      const p = readCsvColumns(proba.stdout);
      expect(p.header).toEqual(Array.from({ length: fixture.k }, (_, j) => `p${j}`));
      expectClose(p.rows.slice(0, 5), ref.probaFirst5, 1e-4, 'probaFirst5');
    });

    it('score equals the fitted mean log-likelihood', async () => {
      const model = JSON.parse(readFileSync(modelPath, 'utf8')) as { meanLogLikelihood: number };
      const score = await emkit(['score', '--model', modelPath, '--data', data, '--json']);
      expect(score.code, score.stderr).toBe(0);
      const { meanLogLikelihood } = JSON.parse(score.stdout) as { meanLogLikelihood: number };
      expect(Math.abs(meanLogLikelihood - model.meanLogLikelihood)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(model.meanLogLikelihood)));
    });
  });
});

describe('kmeans fixtures through the CLI', () => {
  const files = fixtures('kmeans-');
  it('finds the 3 kmeans fixtures', () => expect(files).toHaveLength(3));

  it.each(files)('%s: fit --init, then predict', async (file) => {
    const fixture = JSON.parse(readFileSync(join(references, file), 'utf8')) as KMeansFixture;
    const ref = fixture.sklearn;
    const data = join(datasets, `${fixture.dataset}.csv`);
    const dir = mkdtempSync(join(temp, `${file}-`));
    const initPath = join(dir, 'init.json');
    const modelPath = join(dir, 'm.json');
    writeFileSync(initPath, JSON.stringify(fixture.init));
    const run = await emkit(['fit', 'kmeans', '--data', data, '--k', String(fixture.k), '--init', initPath, '--out', modelPath]);
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(readFileSync(modelPath, 'utf8')) as { format: string; model: string; k: number; centers: number[][]; inertia: number; iterations: number };
    expect(model).toMatchObject({ format: 'emkit-model', model: 'kmeans', k: fixture.k });
    expect(Math.abs(model.iterations - ref.iterations), `iterations ${model.iterations} vs ${ref.iterations}`).toBeLessThanOrEqual(1);
    expectRelative(model.inertia, ref.inertia, 1e-9, 'inertia');
    expectClose(model.centers, ref.centers, 1e-6, 'centers');

    const labels = await emkit(['predict', '--model', modelPath, '--data', data]);
    expect(labels.code, labels.stderr).toBe(0);
    expect(readCsvColumns(labels.stdout).rows.map((r) => r[0])).toEqual(ref.labels);
  });
});

interface BernoulliFixture {
  dataset: string;
  k: number;
  init: Record<string, unknown>;
  reference: { weights: number[]; probabilities: number[][]; meanLogLikelihood: number; iterations: number };
}

describe('bernoulli fixtures through the CLI', () => {
  const files = fixtures('bernoulli-');
  it('finds the bernoulli fixture', () => expect(files.length).toBeGreaterThanOrEqual(1));

  it.each(files)('%s: fit --init with the defaults reaches the reference', async (file) => {
    const fixture = JSON.parse(readFileSync(join(references, file), 'utf8')) as BernoulliFixture;
    const ref = fixture.reference;
    const data = join(datasets, `${fixture.dataset}.csv`);
    const dir = mkdtempSync(join(temp, `${file}-`));
    const initPath = join(dir, 'init.json');
    const modelPath = join(dir, 'm.json');
    writeFileSync(initPath, JSON.stringify(fixture.init));
    const run = await emkit(['fit', 'bernoulli', '--data', data, '--k', String(fixture.k), '--init', initPath, '--out', modelPath]);
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(readFileSync(modelPath, 'utf8')) as { weights: number[]; probabilities: number[][]; meanLogLikelihood: number; iterations: number; converged: boolean };
    expect(Math.abs(model.meanLogLikelihood - ref.meanLogLikelihood)).toBeLessThanOrEqual(1e-8);
    expectClose(model.probabilities, ref.probabilities, 1e-5, 'probabilities');
    expectClose(model.weights, ref.weights, 1e-5, 'weights');
    expect(Math.abs(model.iterations - ref.iterations)).toBeLessThanOrEqual(2);
    expect(model.converged).toBe(true);
  });
});

interface FactorFixture {
  dataset: string;
  factors: number;
  sklearn: { meanLogLikelihood: number; modelCovariance: number[][]; noiseVariance: number[]; mean: number[] };
}

describe('factor-analysis fixtures through the CLI', () => {
  it('factor-analysis-factors6: mean log-likelihood within 1e-6, model covariance within 1e-4', async () => {
    const fixture = JSON.parse(readFileSync(join(references, 'factor-analysis-factors6.json'), 'utf8')) as FactorFixture;
    const data = join(datasets, `${fixture.dataset}.csv`);
    const modelPath = join(mkdtempSync(join(temp, 'fa-')), 'm.json');
    const run = await emkit(['fit', 'factor-analysis', '--data', data, '--factors', String(fixture.factors), '--tol', '1e-12', '--max-iter', '5000', '--out', modelPath]);
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(readFileSync(modelPath, 'utf8')) as { meanLogLikelihood: number; modelCovariance: number[][]; mean: number[]; loadings: number[][]; noiseVariance: number[] };
    expect(Math.abs(model.meanLogLikelihood - fixture.sklearn.meanLogLikelihood)).toBeLessThanOrEqual(1e-6);
    expectClose(model.modelCovariance, fixture.sklearn.modelCovariance, 1e-4, 'modelCovariance');
    expectClose(model.mean, fixture.sklearn.mean, 1e-9, 'mean');
    expect(model.loadings).toHaveLength(fixture.sklearn.mean.length);
  });
});

describe('bayes-linreg fixture through the CLI', () => {
  const fixture = JSON.parse(readFileSync(join(references, 'bayes-linreg-sinusoid.json'), 'utf8')) as {
    dataset: string;
    sklearn: { alpha: number; beta: number; posteriorMean: number[] };
  };
  it.each(['em', 'mackay'])('update %s: alpha and beta within 1e-4 relative, posterior mean within 1e-5; predict writes mean and variance', async (update) => {
    const data = join(datasets, `${fixture.dataset}.csv`);
    const modelPath = join(mkdtempSync(join(temp, 'blr-')), 'm.json');
    const run = await emkit(['fit', 'bayes-linreg', '--data', data, '--target', 't', '--update', update, '--out', modelPath]);
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(readFileSync(modelPath, 'utf8')) as { alpha: number; beta: number; posteriorMean: number[]; logEvidence: number };
    expectRelative(model.alpha, fixture.sklearn.alpha, 1e-4, 'alpha');
    expectRelative(model.beta, fixture.sklearn.beta, 1e-4, 'beta');
    expectClose(model.posteriorMean, fixture.sklearn.posteriorMean, 1e-5, 'posteriorMean');
    const predicted = await emkit(['predict', '--model', modelPath, '--data', data, '--target', 't']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const table = readCsvColumns(predicted.stdout);
    expect(table.header).toEqual(['mean', 'variance']);
    expect(table.rows.every(([, v]) => v > 1 / model.beta)).toBe(true);
  });
});
