import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support/in-process.js';
import { repoRoot } from './test-support/run.js';

/* `emkit score` reports the fitted model's own objective and names it as the fit's JSON does. */

const temp = mkdtempSync(join(tmpdir(), 'emkit-score-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const irisPath = join(repoRoot, 'examples/iris.csv');

describe('score', () => {
  it.each([
    ['kmeans', [], '−inertia'],
    ['gmm', ['--standardize', 'zscore'], 'log-likelihood'],
  ])('%s: --json names the objective and gives the fit its mean on the training rows', async (model, extra, objective) => {
    const out = join(temp, `${model}.json`);
    const fit = await runCli(['fit', model, '--data', irisPath, '--k', '3', '--seed', '1', '--workers', '0', '--json', '--out', out, ...extra]);
    expect(fit.code, fit.stderr).toBe(0);
    const fitted = JSON.parse(fit.stdout) as { objective: string; meanLogLikelihood: number };
    const score = await runCli(['score', '--model', out, '--data', irisPath, '--json']);
    expect(score.code, score.stderr).toBe(0);
    const scored = JSON.parse(score.stdout) as { objective: string; meanLogLikelihood: number };
    expect(scored.objective).toBe(objective);
    expect(scored.objective).toBe(fitted.objective);
    expect(scored.meanLogLikelihood).toBeCloseTo(fitted.meanLogLikelihood, 10);
  });

  it('--help says what it prints for models that are not densities', async () => {
    const help = await runCli(['score', '--help']);
    expect(help.stdout).toMatch(/mean per-row objective/);
    expect(help.stdout).toMatch(/−inertia/);
  });
});
