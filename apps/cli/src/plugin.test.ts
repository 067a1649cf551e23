import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takePluginFlags } from './plugin-loader.js';
import { emkit, repoRoot } from './test-support/run.js';

const example = join(repoRoot, 'examples', 'plugin-poisson-mixture');
const temp = mkdtempSync(join(tmpdir(), 'emkit-plugin-'));
const counts = join(temp, 'counts.csv');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

beforeAll(async () => {
  // `pnpm test` builds every package first; a lone `vitest --project cli` may not have.
  if (!existsSync(join(example, 'dist', 'index.js'))) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(example, 'tsconfig.json')], { stdio: 'pipe' });
  }
  const { poissonMixturePlugin } = (await import(join(example, 'dist', 'index.js'))) as typeof import('../../../examples/plugin-poisson-mixture/src/index.js');
  const { Random } = await import('@emkit/linalg');
  const truth = { k: 2, d: 2, weights: Float64Array.of(0.4, 0.6), rates: Float64Array.of(2, 12, 9, 1) };
  const n = 600;
  const values = poissonMixturePlugin.sample!(truth, n, new Random(1));
  const lines = ['visits,purchases', ...Array.from({ length: n }, (_, i) => `${values[2 * i]},${values[2 * i + 1]}`)];
  writeFileSync(counts, `${lines.join('\n')}\n`);
});

/** One line `emkit: error: …`, no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^emkit: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe('--plugin', () => {
  it('fits the example plugin on workers and predicts with it (the README commands)', async () => {
    const out = join(temp, 'm.json');
    const fit = await emkit(['--plugin', './examples/plugin-poisson-mixture', 'fit', 'poisson-mixture', '--data', counts, '--k', '2', '--workers', '2', '--out', out]);
    expect(fit.code, fit.stderr).toBe(0);
    const model = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(model).toMatchObject({ format: 'emkit-model', model: 'poisson-mixture', k: 2, converged: true, parameterCount: 5, pluginModule: example });
    const rates = (model.rates as number[][]).map((r) => r.map(Math.round)).sort((a, b) => a[0] - b[0]);
    expect(rates).toEqual([[2, 12], [9, 1]]);

    const predict = await emkit(['predict', '--plugin', './examples/plugin-poisson-mixture', '--model', out, '--data', counts]);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.stdout.split('\n')[0]).toBe('label');
    expect(predict.stdout.trim().split('\n')).toHaveLength(601);

    // Without --plugin, the model file says which plugin to load (emkit never loads it by itself).
    const without = await emkit(['score', '--model', out, '--data', counts]);
    expect(without.code).toBe(2);
    expectOneLineError(without.stderr, /"poisson-mixture" is the model of a plugin; load it with --plugin .*plugin-poisson-mixture$/);
  });

  it('gives the same model for 1 and 2 workers and in-process, and the flag may stand anywhere', async () => {
    const files = await Promise.all(
      ['0', '1', '2'].map(async (workers) => {
        const out = join(temp, `w${workers}.json`);
        const run = await emkit(['fit', 'poisson-mixture', '--data', counts, '--k', '3', '--seed', '4', '--workers', workers, `--plugin=${example}`, '--out', out]);
        expect(run.code, run.stderr).toBe(0);
        return readFileSync(out, 'utf8');
      }),
    );
    expect(files[1]).toBe(files[0]);
    expect(files[2]).toBe(files[0]);
  });

  it("lists the plugin's options as flags in --help, in `emkit models`, and validates them", async () => {
    const help = await emkit(['--plugin', example, 'fit', 'poisson-mixture', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--k <integer>\s+number of components \(required\)/);
    expect(help.stdout).toMatch(/--rate-floor <number>\s+smallest rate the M-step returns \(default: 1e-10\)/);
    const models = await emkit(['models', '--json', '--plugin', example]);
    expect((JSON.parse(models.stdout) as { name: string }[]).map((m) => m.name)).toContain('poisson-mixture');
    const bad = await emkit(['--plugin', example, 'fit', 'poisson-mixture', '--data', counts, '--k', '2', '--rate-floor', '-1']);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, /^emkit: error: --rate-floor: expected a number > 0, got -1$/);
  });

  it('tells workers where a plugin without moduleUrl lives (its E-steps then run on worker threads only)', async () => {
    const plugin = './src/test-support/worker-only-plugin.mjs';
    const args = ['fit', 'worker-only-poisson', '--data', counts, '--k', '2', '--plugin', plugin];
    const onWorkers = await emkit([...args, '--workers', '2'], { cwd: join(repoRoot, 'apps', 'cli') });
    expect(onWorkers.code, onWorkers.stderr).toBe(0);
    const inProcess = await emkit([...args, '--workers', '0'], { cwd: join(repoRoot, 'apps', 'cli') });
    expect(inProcess.code).toBe(1);
    expect(inProcess.stderr).toContain('the E-step ran on the main thread');
  });

  it('a --plugin it cannot load is a one-line error with exit code 2', async () => {
    writeFileSync(join(temp, 'broken.mjs'), 'export const x = {;\n');
    writeFileSync(join(temp, 'empty.mjs'), 'export const answer = 42;\n');
    const cases: [string[], RegExp][] = [
      [['--plugin', './no/such/plugin', 'fit', 'poisson-mixture', '--data', counts, '--k', '2'], /^emkit: error: --plugin: \.\/no\/such\/plugin: .*no\/such\/plugin does not exist$/],
      [['--plugin', 'emkit-plugin-not-installed', 'models'], /--plugin: emkit-plugin-not-installed: cannot find package "emkit-plugin-not-installed"/],
      [['--plugin', join(temp, 'broken.mjs'), 'models'], /--plugin: .*broken\.mjs: cannot import file:/],
      [['--plugin', join(temp, 'empty.mjs'), 'models'], /--plugin: .*empty\.mjs: .* exports no emkit model plugin/],
      [['--plugin', join(repoRoot, 'packages', 'gmm'), 'models'], /its model "gmm" has the name of a model built into emkit/],
      [['fit', 'poisson-mixture', '--data', counts, '--k', '2', '--plugin'], /--plugin: expected a plugin module/],
    ];
    for (const [args, pattern] of cases) {
      const run = await emkit(args);
      expect(run.code, args.join(' ')).toBe(2);
      expectOneLineError(run.stderr, pattern);
    }
  });
});

describe('takePluginFlags', () => {
  it('takes --plugin <x> and --plugin=<x> from anywhere, before a --', () => {
    expect(takePluginFlags(['--plugin', 'a', 'fit', 'm', '--k', '2', '--plugin=./b', '--', '--plugin', 'c'])).toEqual({
      specs: ['a', './b'],
      rest: ['fit', 'm', '--k', '2', '--', '--plugin', 'c'],
    });
    expect(takePluginFlags(['fit', 'gmm'])).toEqual({ specs: [], rest: ['fit', 'gmm'] });
    expect(() => takePluginFlags(['--plugin', '--debug'])).toThrow(/--plugin: expected a plugin module/);
    expect(() => takePluginFlags(['--plugin='])).toThrow(/got nothing/);
  });
});
