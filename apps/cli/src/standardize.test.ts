import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './test-support/in-process.js';
import { repoRoot } from './test-support/run.js';

/* --standardize: the transform lives in the model file; likelihoods stay in the original units. */

const temp = mkdtempSync(join(tmpdir(), 'emkit-standardize-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const irisPath = join(repoRoot, 'examples/iris.csv');
const rows = readFileSync(irisPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
const d = rows[0].length;
const n = rows.length;
const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j], 0) / n);
const sd = Array.from({ length: d }, (_, j) => Math.sqrt(rows.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / n));

interface FitJson {
  meanLogLikelihood: number;
  bic: number;
  aic: number;
  parameterCount: number;
  version: number;
  standardize?: { method: string; center: number[]; scale: number[] };
  regCovar: number;
}

describe('--standardize', () => {
  it('one diagonal Gaussian: the mean log-likelihood in original units equals the hand calculation', async () => {
    const model = join(temp, 'one.json');
    const run = await runCli(['fit', 'gmm', '--data', irisPath, '--k', '1', '--covariance', 'diag', '--standardize', '--workers', '0', '--json', '--out', model]);
    expect(run.code, run.stderr).toBe(0);
    const fit = JSON.parse(run.stdout) as FitJson;
    // In z-units each column has variance 1 (+ regCovar on the diagonal); the density of x is
    // that of z times the Jacobian Π 1/sd_j.
    const r = fit.regCovar;
    const zPerRow = -0.5 * d * Math.log(2 * Math.PI * (1 + r)) - (0.5 * d) / (1 + r);
    const hand = zPerRow - sd.reduce((a, s) => a + Math.log(s), 0);
    expect(fit.meanLogLikelihood).toBeCloseTo(hand, 10);
    expect(fit.bic).toBeCloseTo(-2 * n * hand + fit.parameterCount * Math.log(n), 7);
    expect(fit.aic).toBeCloseTo(-2 * n * hand + 2 * fit.parameterCount, 7);
    // Without standardisation the same model gives the same likelihood up to regCovar's scale.
    const plain = JSON.parse((await runCli(['fit', 'gmm', '--data', irisPath, '--k', '1', '--covariance', 'diag', '--workers', '0', '--json'])).stdout) as FitJson;
    expect(plain.meanLogLikelihood).toBeCloseTo(fit.meanLogLikelihood, 4);
    expect(fit.version).toBe(2);
    expect(fit.standardize!.method).toBe('zscore');
    fit.standardize!.center.forEach((c, j) => expect(c).toBeCloseTo(mean[j], 12));
    fit.standardize!.scale.forEach((s, j) => expect(s).toBeCloseTo(sd[j], 12));
    // score applies the transform and the Jacobian: it gives back the fitted likelihood.
    const score = await runCli(['score', '--model', model, '--data', irisPath, '--json']);
    expect((JSON.parse(score.stdout) as { meanLogLikelihood: number }).meanLogLikelihood).toBeCloseTo(fit.meanLogLikelihood, 12);
  });

  it('round trips through predict and sample (original units), robust too', async () => {
    for (const method of ['zscore', 'robust']) {
      const model = join(temp, `${method}.json`);
      const run = await runCli(['fit', 'gmm', '--data', irisPath, '--k', '3', '--standardize', method, '--seed', '2', '--workers', '0', '--json', '--out', model]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/standardised +(z-scores|robust \(median, IQR\)); log-likelihood in the original units/);
      const fit = JSON.parse(run.stdout) as FitJson;
      const score = JSON.parse((await runCli(['score', '--model', model, '--data', irisPath, '--json'])).stdout) as { meanLogLikelihood: number };
      expect(score.meanLogLikelihood).toBeCloseTo(fit.meanLogLikelihood, 10);
      const predicted = await runCli(['predict', '--model', model, '--data', irisPath]);
      expect(new Set(predicted.stdout.trim().split('\n').slice(1)).size).toBe(3);
      const sample = await runCli(['sample', '--model', model, '--n', '20000', '--seed', '1']);
      const drawn = sample.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
      for (let j = 0; j < d; j++) {
        const m = drawn.reduce((a, r) => a + r[j], 0) / drawn.length;
        expect(Math.abs(m - mean[j]) / sd[j], `column ${j} of ${method}`).toBeLessThan(0.05);
      }
    }
  });

  it('select reports every candidate in the original units; a constant column is refused naming it', async () => {
    const run = await runCli(['select', 'gmm', '--data', irisPath, '--k', '1..2', '--covariance', 'diag', '--standardize', '--workers', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const { candidates } = JSON.parse(run.stdout) as { candidates: { options: { k: number }; meanLogLikelihood: number }[] };
    const one = JSON.parse((await runCli(['fit', 'gmm', '--data', irisPath, '--k', '1', '--covariance', 'diag', '--standardize', '--workers', '0', '--json'])).stdout) as FitJson;
    expect(candidates[0].meanLogLikelihood).toBeCloseTo(one.meanLogLikelihood, 10);
    const constant = join(temp, 'constant.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(constant, 'a,b\n1.5,5\n2,5\n0.25,5\n');
    expectOneLineError(await runCli(['fit', 'gmm', '--data', constant, '--k', '1', '--standardize', '--workers', '0']), /constant\.csv: "b" \(column 2\) has no spread/);
  });
});
