import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets, emkit } from './test-support/run.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-bgmm-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('emkit fit bgmm', () => {
  it('blobs, K = 10, Dirichlet process: 3 effective components, the ELBO and its history in the model file', async () => {
    const out = join(temp, 'blobs.json');
    const run = await emkit(['fit', 'bgmm', '--data', join(datasets, 'blobs.csv'), '--k', '10', '--workers', '2', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/effective components\s+3/);
    const model = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(model).toMatchObject({ model: 'bgmm', k: 10, weightPrior: 'dirichlet-process', effectiveComponents: 3, converged: true });
    expect((model.weights as number[]).filter((w) => w > 0.01)).toHaveLength(3);
    const history = model.elboHistory as number[];
    expect(history.length).toBeGreaterThan(2);
    for (let i = 1; i < history.length; i++) expect(history[i]).toBeGreaterThanOrEqual(history[i - 1]);
    expect(model.elbo).toBe(history.at(-1));
    expect(model.elbo as number).toBeCloseTo((model.meanLogLikelihood as number) * 600, 6);
    expect(model).not.toHaveProperty('bic');

    // the model file works with predict / score / sample
    const predict = await emkit(['predict', '--model', out, '--data', join(datasets, 'blobs.csv')]);
    expect(predict.code, predict.stderr).toBe(0);
    expect(new Set(predict.stdout.trim().split('\n').slice(1)).size).toBe(3);
    const sample = await emkit(['sample', '--model', out, '--n', '5', '--seed', '1']);
    expect(sample.code, sample.stderr).toBe(0);
  });

  it('--covariance diag|spherical|tied: model files in scikit-learn\'s shapes that predict and score', async () => {
    const shapes = { diag: (c: unknown) => (c as number[][]).length === 4 && (c as number[][])[0].length === 2, spherical: (c: unknown) => (c as number[]).length === 4 && typeof (c as number[])[0] === 'number', tied: (c: unknown) => (c as number[][]).length === 2 && (c as number[][])[0].length === 2 };
    for (const covariance of ['diag', 'spherical', 'tied'] as const) {
      const out = join(temp, `faithful-${covariance}.json`);
      const run = await emkit(['fit', 'bgmm', '--data', join(datasets, 'faithful.csv'), '--k', '4', '--covariance', covariance, '--workers', '0', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      const model = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      expect(model).toMatchObject({ model: 'bgmm', covariance, converged: true });
      expect(shapes[covariance](model.covariances), JSON.stringify(model.covariances)).toBe(true);
      const history = model.elboHistory as number[];
      for (let i = 1; i < history.length; i++) expect(history[i]).toBeGreaterThanOrEqual(history[i - 1]);
      const score = await emkit(['score', '--model', out, '--data', join(datasets, 'faithful.csv')]);
      expect(score.code, score.stderr).toBe(0);
    }
  });

  it('faithful, K = 10: 2 effective components; --weight-prior dirichlet --weight-concentration are passed on', async () => {
    const dp = await emkit(['fit', 'bgmm', '--data', join(datasets, 'faithful.csv'), '--k', '10', '--workers', '0', '--json']);
    expect(dp.code, dp.stderr).toBe(0);
    expect(JSON.parse(dp.stdout)).toMatchObject({ effectiveComponents: 2 });
    const dirichlet = await emkit(['fit', 'bgmm', '--data', join(datasets, 'faithful.csv'), '--k', '4', '--weight-prior', 'dirichlet', '--weight-concentration', '0.5', '--seed', '1', '--json']);
    expect(dirichlet.code, dirichlet.stderr).toBe(0);
    const json = JSON.parse(dirichlet.stdout) as { weightPrior: string; prior: { weightConcentration: number }; weightConcentration: number[] };
    expect(json.weightPrior).toBe('dirichlet');
    expect(json.prior.weightConcentration).toBe(0.5);
    expect(json.weightConcentration).toHaveLength(4);
  });

  it('bad options name the flag', async () => {
    const run = await emkit(['fit', 'bgmm', '--data', join(datasets, 'faithful.csv'), '--k', '3', '--weight-concentration', '-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^emkit: error: --weight-concentration: /);
    const dof = await emkit(['fit', 'bgmm', '--data', join(datasets, 'faithful.csv'), '--k', '3', '--degrees-of-freedom', '0.5']);
    expect(dof.code).toBe(2);
    expect(dof.stderr).toMatch(/--degrees-of-freedom: must be greater than D − 1 = 1/);
  });
});
