import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectiveOf } from '@emkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { restartProgress } from './fit-plumbing.js';
import { selectExample } from './select-command.js';
import { findModel } from './registry.js';
import { MODELS, binaryRows, blobs, registeredNames, runCli, writeRows } from './test-support/in-process.js';
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
    expect(run.stderr).toMatch(/^mean ELBO +-\d/m);
    expect(run.stderr).toMatch(/^total ELBO +-\d/m);
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

/* Each plugin names what its E-step sums (core's objectiveOf); every output says that name. */
describe('objectives', () => {
  const temp = mkdtempSync(join(tmpdir(), 'emkit-vocabulary-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const data = { real: writeRows(temp, 'real.csv', blobs(60, 3), 'real'), binary: writeRows(temp, 'binary.csv', binaryRows(60, 4), 'binary'), regression: writeRows(temp, 'regression.csv', blobs(60, 2), 'regression') };
  const label = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

  it.each(registeredNames())('%s: the summary and --json name its declared objective, never another', async (name) => {
    const spec = MODELS[name];
    const run = await runCli(['fit', name, '--data', data[spec.data], ...spec.dataFlags, ...spec.fitFlags(2), '--workers', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { objective: string; meanLogLikelihood: number };
    const { plugin } = findModel(name)!;
    expect(json.objective).toBe(objectiveOf(plugin, plugin.parseOptions(spec.options(2))).name);
    expect(run.stderr).toMatch(new RegExp(`^mean ${label(json.objective)} +-?\\d`, 'm'));
    expect(run.stderr).toMatch(new RegExp(`^total ${label(json.objective)} +-?\\d`, 'm'));
    if (json.objective !== 'log-likelihood') expect(run.stderr).not.toContain('log-likelihood');
  });

  it('bgmm reports its ELBO as the ELBO (mean and total), not as a log-likelihood, and does not repeat the total', async () => {
    const run = await runCli(['fit', 'bgmm', '--data', iris, '--k', '4', '--workers', '0']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^mean ELBO +-\d/m);
    expect(run.stderr).not.toMatch(/log-likelihood|ELBO \(total\)/);
  });

  it('MAP-EM reports a log-posterior; k-means −inertia; k-medoids its cost (summed distances, not squared)', async () => {
    const map = await runCli(['fit', 'gmm', '--data', iris, '--k', '2', '--prior', 'default', '--workers', '0', '--json']);
    expect(map.stderr).toMatch(/^mean log-posterior +-\d/m);
    expect((JSON.parse(map.stdout) as { objective: string }).objective).toBe('log-posterior');
    const select = await runCli(['select', 'gmm', '--data', iris, '--k', '1..2', '--prior', 'default', '--workers', '0']);
    expect(select.code, select.stderr).toBe(0);
    expect(select.stderr).toMatch(/^k\s+mean log-post\.\s+total log-post\.\s+params/m);
    const kmedoids = await runCli(['fit', 'kmedoids', '--data', iris, '--k', '3', '--workers', '0', '--json']);
    const json = JSON.parse(kmedoids.stdout) as { cost: number; meanLogLikelihood: number; inertia?: number };
    expect(json.inertia).toBeUndefined();
    expect(json.cost).toBeCloseTo(-150 * json.meanLogLikelihood, 9);
    expect(kmedoids.stderr).toMatch(/^cost \(sum of distances to the medoids\) +\d/m);
    expect(kmedoids.stderr).toMatch(/^mean −cost +-\d/m);
  });

  it('--standardize moves an ELBO into the original units (a bound on a density) but leaves −inertia as fitted', async () => {
    const fitJson = async (args: string[]) => {
      const run = await runCli([...args, '--data', iris, '--workers', '0', '--json']);
      expect(run.code, run.stderr).toBe(0);
      return { json: JSON.parse(run.stdout) as { meanLogLikelihood: number; standardize: { center: number[]; scale: number[] } }, stderr: run.stderr };
    };
    // Fitted on the z-scores themselves (written out): the same fit without the transform.
    const { json: z } = await fitJson(['fit', 'bgmm', '--k', '2', '--standardize']);
    const perRow = -z.standardize.scale.reduce((a, s) => a + Math.log(s), 0);
    const inertia = await fitJson(['fit', 'kmeans', '--k', '3', '--standardize']);
    expect(inertia.stderr).toMatch(/^standardised +z-scores; −inertia as fitted/m);
    const { center, scale } = z.standardize;
    const irisRows = readFileSync(iris, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
    // As core's applyStandardization computes them, so the fit below sees the same bits.
    const zscores = writeRows(temp, 'iris-z.csv', irisRows.map((row) => row.map((x, j) => (x - center[j]) / scale[j])), 'real');
    const onZ = await runCli(['fit', 'bgmm', '--k', '2', '--data', zscores, '--workers', '0', '--json']);
    expect(onZ.code, onZ.stderr).toBe(0);
    expect(z.meanLogLikelihood).toBeCloseTo((JSON.parse(onZ.stdout) as { meanLogLikelihood: number }).meanLogLikelihood + perRow, 9);
    const kmZ = await runCli(['fit', 'kmeans', '--k', '3', '--data', zscores, '--workers', '0', '--json']);
    expect(inertia.json.meanLogLikelihood).toBeCloseTo((JSON.parse(kmZ.stdout) as { meanLogLikelihood: number }).meanLogLikelihood, 9);
  });

  it('the progress line names the objective', () => {
    expect(restartProgress(1, 100, { name: 'ELBO', density: true }).fit({ restart: 0, iteration: 3, meanLogLikelihood: -2, change: 0.1, converged: false } as never)).toMatch(/^iteration 3 {2}mean ELBO -2/);
    expect(restartProgress(2, 100, { name: '−inertia', density: false }).fit({ restart: 1, iteration: 3, meanLogLikelihood: -2, change: 0.1, converged: false } as never)).toMatch(/best mean −inertia -2/);
  });
  it.each(registeredNames())('%s: --restarts help names the objective the best restart is chosen by', async (name) => {
    const { plugin } = findModel(name)!;
    const help = await runCli(['fit', name, '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(`the one with the best ${objectiveOf(plugin, {}).name} wins`);
  });

  it("select's example comes from the plugin's options (its count as a range, the option that says what `all` is), not from its name", () => {
    expect(selectExample(findModel('gmm')!.plugin)).toBe('emkit select gmm --data x.csv --k 1..10 --covariance all --criterion bic --out best.json');
    expect(selectExample(findModel('factor-analysis')!.plugin)).toBe('emkit select factor-analysis --data x.csv --factors 1..10 --criterion bic --out best.json');
    const renamed = { ...findModel('gmm')!.plugin, name: 'my-gmm' };
    expect(selectExample(renamed)).toContain('emkit select my-gmm --data x.csv --k 1..10 --covariance all');
  });
});
