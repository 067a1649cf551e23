import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-support/in-process.js';
import { repoRoot } from './test-support/run.js';

/* One vocabulary across summaries, tables and JSON. */

const iris = join(repoRoot, 'examples/iris.csv');
const binary = join(repoRoot, 'examples/bernoulli20.csv');

describe('summaries', () => {
  it('restarts are numbered from 0 in the summary, as in --json; mean and total log-likelihood side by side', async () => {
    const run = await runCli(['fit', 'gmm', '--data', iris, '--k', '3', '--restarts', '4', '--seed', '5', '--workers', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { restart: number; meanLogLikelihood: number };
    expect(run.stderr).toContain(`best: restart ${json.restart}, numbered from 0 as in the model file`);
    expect(run.stderr).toMatch(/^mean log-likelihood +-?\d/m);
    expect(run.stderr).toMatch(/^total log-likelihood +-?\d/m);
    const total = Number(/^total log-likelihood +(\S+)/m.exec(run.stderr)![1]);
    expect(total / 150).toBeCloseTo(json.meanLogLikelihood, 6);
  });

  it('a model trained by stochastic optimisation reports epochs and the ELBO, not convergence, monotonicity or BIC', async () => {
    const run = await runCli(['fit', 'vae', '--data', binary, '--latent', '2', '--hidden', '8', '--epochs', '3', '--workers', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^ELBO \(mean per row\) +-\d/m);
    expect(run.stderr).toMatch(/^training +stochastic optimisation: 3 epochs, \d+ steps$/m);
    expect(run.stderr).not.toMatch(/converged|BIC|decreased|iterations/);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    for (const field of ['bic', 'aic', 'converged', 'monotonicityViolations']) expect(json, field).not.toHaveProperty(field);
  });

  it('extra fields read as words, not raw keys (bgmm, k-means)', async () => {
    const bgmm = await runCli(['fit', 'bgmm', '--data', iris, '--k', '4', '--workers', '0']);
    expect(bgmm.code, bgmm.stderr).toBe(0);
    expect(bgmm.stderr).toMatch(/^effective components +\d/m);
    expect(bgmm.stderr).toMatch(/^ELBO history +\d+ values \(elboHistory in the model file\)/m);
    expect(bgmm.stderr).not.toMatch(/^(effectiveComponents|elboHistory) /m);
    const kmeans = await runCli(['fit', 'kmeans', '--data', iris, '--k', '3', '--workers', '0']);
    expect(kmeans.stderr).toMatch(/^inertia \(sum of squared distances\) +\d/m);
  });
});
