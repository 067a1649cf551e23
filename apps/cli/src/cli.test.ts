import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets, emkit, emkitInterrupted, references } from './test-support/run.js';
import { runCli } from './test-support/in-process.js';
import { registry } from './registry.js';

const temp = mkdtempSync(join(tmpdir(), 'emkit-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const iris = join(datasets, 'iris.csv');
const faithful = join(datasets, 'faithful.csv');

function tempDir(): string {
  return mkdtempSync(join(temp, 'case-'));
}

/** One line `emkit: error: …`, no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^emkit: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

const handWrittenGmm = {
  format: 'emkit-model',
  version: 1,
  model: 'gmm',
  k: 2,
  covariance: 'spherical',
  weights: [0.25, 0.75],
  means: [
    [0, 0],
    [10, 10],
  ],
  covariances: [1, 1],
};

describe('fit', () => {
  it('writes a model file with the fit summary, a human summary on stderr and JSON with --json', async () => {
    const dir = tempDir();
    const out = join(dir, 'model.json');
    const run = await emkit(['fit', 'gmm', '--data', faithful, '--k', '2', '--restarts', '2', '--seed', '3', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    for (const label of ['model', 'mean log-likelihood', 'iterations', 'BIC / AIC', 'restarts', 'wall time', 'model file'])
      expect(run.stderr).toContain(label);
    expect(run.stderr).toContain(out);
    const model = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    for (const field of ['format', 'version', 'model', 'k', 'covariance', 'weights', 'means', 'covariances', 'meanLogLikelihood', 'iterations', 'converged', 'bic', 'aic'])
      expect(model, field).toHaveProperty(field);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ model: 'gmm', k: 2, restarts: 2, out, meanLogLikelihood: model.meanLogLikelihood });
    expect(readdirSync(dir)).toEqual(['model.json']);
  });

  it("without --restarts gmm runs its default count ('auto': ten on faithful's 272 rows; one with --init-method hc), as --restarts auto and --restarts 10 do", async () => {
    const restartsOf = async (...flags: string[]) => {
      const run = await emkit(['fit', 'gmm', '--data', faithful, '--k', '2', '--covariance', 'diag', '--workers', '0', ...flags, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const json = JSON.parse(run.stdout) as { restarts: number; meanLogLikelihood: number; restart: number };
      expect(run.stderr).toMatch(new RegExp(`^restarts\\s+${json.restarts}( \\(best: restart ${json.restart},|$)`, 'm'));
      return { restarts: json.restarts, mean: json.meanLogLikelihood, restart: json.restart };
    };
    const byDefault = await restartsOf();
    expect(byDefault.restarts).toBe(10);
    expect(await restartsOf('--restarts', 'auto')).toEqual(byDefault);
    expect(await restartsOf('--restarts', '10')).toEqual(byDefault);
    expect((await restartsOf('--init-method', 'hc')).restarts).toBe(1);
    for (const bad of ['0', 'some', '2.5']) {
      const run = await emkit(['fit', 'gmm', '--data', faithful, '--k', '2', '--restarts', bad]);
      expect(run.code).toBe(2);
      expectOneLineError(run.stderr, /--restarts/);
    }
  });

  it('is reproducible for the same seed', async () => {
    const dir = tempDir();
    const args = (out: string) => ['fit', 'gmm', '--data', iris, '--k', '3', '--covariance', 'diag', '--init-method', 'random', '--seed', '7', '--out', out];
    await emkit(args(join(dir, 'a.json')));
    await emkit(args(join(dir, 'b.json')));
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe(readFileSync(join(dir, 'b.json'), 'utf8'));
  });

  it('--kernels js and wasm give the same fit to round-off; a bad choice names the flag', async () => {
    const fitWith = async (kernels: string) => {
      const run = await emkit(['fit', 'gmm', '--data', iris, '--k', '3', '--covariance', 'full', '--seed', '7', '--kernels', kernels, '--json']);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { meanLogLikelihood: number; iterations: number };
    };
    const [wasm, js] = [await fitWith('wasm'), await fitWith('js')];
    expect(wasm.iterations).toBe(js.iterations);
    expect(Math.abs(wasm.meanLogLikelihood - js.meanLogLikelihood)).toBeLessThanOrEqual(1e-12 * Math.abs(js.meanLogLikelihood));
    const bad = await emkit(['fit', 'gmm', '--data', iris, '--k', '3', '--kernels', 'gpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/kernels/);
  });

  it('passes list options (--freeze) and kmeans inertia', async () => {
    const dir = tempDir();
    const gmm = await emkit(['fit', 'gmm', '--data', iris, '--k', '2', '--freeze', 'weights,means', '--out', join(dir, 'g.json')]);
    expect(gmm.code, gmm.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'g.json'), 'utf8'))).toMatchObject({ freeze: ['weights', 'means'], weights: [0.5, 0.5] });
    const km = await emkit(['fit', 'kmeans', '--data', iris, '--k', '3', '--json']);
    expect(km.code, km.stderr).toBe(0);
    const json = JSON.parse(km.stdout) as { inertia: number; meanLogLikelihood: number; out: null };
    expect(json.out).toBeNull();
    expect(json.inertia).toBeCloseTo(-json.meanLogLikelihood * 150, 9);
    expect(km.stderr).toContain('not written (no --out)');
  });

  it('--target leaves a column out of the data', async () => {
    const run = await emkit(['fit', 'gmm', '--data', join(datasets, 'sinusoid.csv'), '--target', 't', '--k', '1', '--covariance', 'diag', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { means: number[][] }).means[0]).toHaveLength(10);
  });
});

describe('errors', () => {
  it('missing --data', async () => {
    const run = await emkit(['fit', 'gmm', '--k', '3']);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /required option '--data <file>' not specified/);
  });

  it('bad --k', async () => {
    for (const [value, pattern] of [
      ['abc', /^emkit: error: --k: expected an integer ≥ 1, got "abc"$/],
      ['2.5', /^emkit: error: --k: expected an integer ≥ 1, got 2\.5$/],
      ['0', /^emkit: error: --k: expected an integer ≥ 1, got 0$/],
    ] as const) {
      const run = await emkit(['fit', 'gmm', '--data', iris, '--k', value]);
      expect(run.code, value).toBe(2);
      expectOneLineError(run.stderr, pattern);
    }
  });

  it('bad driver and plugin options name the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--k', '2', '--tol', '-1'], /--tol: must be a finite number ≥ 0/],
      [['--k', '2', '--max-iter', '0'], /--max-iter: must be an integer ≥ 1/],
      // Plugin options are refused in the library's words, naming the flag.
      [['--k', '2', '--reg-covar', 'x'], /^emkit: error: --reg-covar: expected a number ≥ 0, got "x"$/],
      [['--k', '2', '--covariance', 'round'], /^emkit: error: --covariance: expected one of full, diag, spherical, tied, .*, got "round"$/],
      [['--k', '2', '--covariance', 'diagg'], /^emkit: error: --covariance: expected one of full, diag, .*, got "diagg"; did you mean "diag"\?$/],
      [['--k', '2', '--freeze', 'weights,nothing'], /^emkit: error: --freeze: expected one of weights, means, covariances, got "nothing"$/],
      [['--k', '2', '--init', join(temp, 'nope.json')], /nope\.json: cannot read the --init file: no such file/],
    ];
    for (const [flags, pattern] of cases) {
      const run = await emkit(['fit', 'gmm', '--data', iris, ...flags]);
      expect(run.code, flags.join(' ')).toBe(2);
      expectOneLineError(run.stderr, pattern);
    }
  });

  it('an --init file of the wrong shape names the file and the field', async () => {
    const dir = tempDir();
    const init = join(dir, 'init.json');
    writeFileSync(init, JSON.stringify({ means: [[1, 2, 3, 4]] }));
    const run = await emkit(['fit', 'gmm', '--data', iris, '--k', '3', '--init', init]);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, new RegExp(`--init ${init.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: means`));
  });

  it('an unknown model', async () => {
    const run = await emkit(['fit', 'lda', '--data', iris]);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /unknown model "lda"; known models: gmm, kmeans/);
  });

  it('a ragged CSV names the file and line, exit 2, no stack trace', async () => {
    const dir = tempDir();
    const data = join(dir, 'ragged.csv');
    writeFileSync(data, 'a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3\n');
    const run = await emkit(['fit', 'gmm', '--data', data, '--k', '2', '--out', join(dir, 'm.json')]);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /ragged\.csv:7: line 7 has 3 fields, expected 4/);
    expect(readdirSync(dir)).toEqual(['ragged.csv']);
  });

  it('--debug adds the stack trace', async () => {
    const dir = tempDir();
    const data = join(dir, 'bad.csv');
    writeFileSync(data, 'a\n1\nNaN\n');
    const run = await emkit(['fit', 'gmm', '--data', data, '--k', '1', '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^emkit: error: .*bad\.csv:3:1: cell "NaN" is not a finite number/);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('a missing data file', async () => {
    const run = await emkit(['score', '--model', join(temp, 'none.json'), '--data', iris]);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /none\.json: cannot read the model file: no such file/);
  });

  it('a model file of another format, version or model', async () => {
    const dir = tempDir();
    const cases: [unknown, RegExp][] = [
      [JSON.parse(readFileSync(join(references, 'gmm-iris-full.json'), 'utf8')), /format: expected "emkit-model", got undefined: not an emkit model file/],
      [{ ...handWrittenGmm, version: 99 }, /version: version 99 is not supported/],
      [{ ...handWrittenGmm, model: 'lda' }, /model: unknown model "lda"/],
      [{ ...handWrittenGmm, means: [[0, 0]] }, /means: expected 2 rows, got 1/],
    ];
    for (const [content, pattern] of cases) {
      const path = join(dir, 'model.json');
      writeFileSync(path, JSON.stringify(content));
      const run = await emkit(['predict', '--model', path, '--data', faithful]);
      expect(run.code, String(pattern)).toBe(2);
      expectOneLineError(run.stderr, pattern);
      expect(run.stderr).toContain(path);
    }
    writeFileSync(join(dir, 'text.json'), 'not json');
    const run = await emkit(['score', '--model', join(dir, 'text.json'), '--data', faithful]);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /text\.json: not an emkit model file: not valid JSON/);
  });

  it('data of the wrong width for the model', async () => {
    const dir = tempDir();
    const path = join(dir, 'model.json');
    writeFileSync(path, JSON.stringify(handWrittenGmm));
    const run = await emkit(['predict', '--model', path, '--data', iris]);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /2 dimensions but the data has 4 columns/);
  });
});

describe('predict, score, sample', () => {
  it('predict writes labels or responsibilities to --out, the same as to stdout', async () => {
    const dir = tempDir();
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(handWrittenGmm));
    const stdout = await emkit(['predict', '--model', model, '--data', faithful]);
    expect(stdout.code, stdout.stderr).toBe(0);
    const out = join(dir, 'labels.csv');
    const file = await emkit(['predict', '--model', model, '--data', faithful, '--out', out]);
    expect(file.code).toBe(0);
    expect(file.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(stdout.stdout);
    expect(stdout.stdout.split('\n')[0]).toBe('label');
    expect(stdout.stdout.trimEnd().split('\n')).toHaveLength(273);
    const proba = await emkit(['predict', '--model', model, '--data', faithful, '--proba']);
    const rows = proba.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('p0,p1');
    for (const row of rows.slice(1)) expect(row.split(',').map(Number).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
  });

  it('score prints the mean log-likelihood', async () => {
    const dir = tempDir();
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(handWrittenGmm));
    const run = await emkit(['score', '--model', model, '--data', faithful]);
    expect(run.code, run.stderr).toBe(0);
    expect(Number.isFinite(Number(run.stdout.trim()))).toBe(true);
    const json = await emkit(['score', '--model', model, '--data', faithful, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ objective: 'log-likelihood', meanLogLikelihood: Number(run.stdout.trim()) });
  });

  it('samples from a hand-written gmm model file, reproducibly', async () => {
    const dir = tempDir();
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(handWrittenGmm));
    const run = await emkit(['sample', '--model', model, '--n', '1000', '--seed', '0']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('x0,x1');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(1000);
    const far = rows.filter(([x, y]) => x + y > 10).length;
    expect(far / 1000).toBeGreaterThan(0.7);
    expect(far / 1000).toBeLessThan(0.8);
    const again = await emkit(['sample', '--model', model, '--n', '1000', '--seed', '0', '--out', join(dir, 's.csv')]);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 's.csv'), 'utf8')).toBe(run.stdout);
    // and the sample reads back as data
    const score = await emkit(['score', '--model', model, '--data', join(dir, 's.csv')]);
    expect(score.code, score.stderr).toBe(0);
  });

  it('refuses to sample from a model that cannot', async () => {
    const dir = tempDir();
    const model = join(dir, 'km.json');
    const fit = await emkit(['fit', 'kmeans', '--data', iris, '--k', '2', '--out', model]);
    expect(fit.code, fit.stderr).toBe(0);
    const run = await emkit(['sample', '--model', model, '--n', '5']);
    if (run.code === 0) return; // a kmeans plugin that grows a sample() is fine too
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /cannot draw samples/);
  });

  it('--n must be positive', async () => {
    const dir = tempDir();
    const model = join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(handWrittenGmm));
    const run = await emkit(['sample', '--model', model, '--n', '0']);
    expect(run.code).toBe(2);
    expectOneLineError(run.stderr, /--n: expected an integer ≥ 1/);
  });
});

describe('outputs are written atomically', () => {
  it('--out into a missing directory fails cleanly before fitting, leaving no temp file', async () => {
    const dir = tempDir();
    for (const args of [
      ['fit', 'gmm', '--data', iris, '--k', '2', '--out', join(dir, 'missing', 'm.json')],
      ['sample', '--model', join(dir, 'hand.json'), '--n', '3', '--out', join(dir, 'missing', 's.csv')],
    ]) {
      writeFileSync(join(dir, 'hand.json'), JSON.stringify(handWrittenGmm));
      const run = await emkit(args);
      expect(run.code).toBe(2);
      expectOneLineError(run.stderr, /--out: .*missing.*: the directory .*missing does not exist/);
      expect(readdirSync(dir)).toEqual(['hand.json']);
    }
  });

  it('SIGINT aborts a fit: exit 130, nothing written', async () => {
    const dir = tempDir();
    const data = join(dir, 'big.csv');
    const lines: string[] = ['a,b,c,d'];
    let state = 12345;
    const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 20_000; i++) lines.push([0, 1, 2, 3].map((j) => (next() * 10 + (i % 5) * j).toFixed(5)).join(','));
    writeFileSync(data, `${lines.join('\n')}\n`);
    const out = join(dir, 'm.json');
    const run = await emkitInterrupted(['fit', 'gmm', '--data', data, '--k', '5', '--tol', '0', '--max-iter', '1000000', '--out', out], 1500);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr.trim()).toBe('emkit: interrupted; no output was written');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['big.csv']);
  });
});

describe('help and listings', () => {
  it('models lists every plugin with its options', async () => {
    const run = await emkit(['models']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/gmm: Gaussian mixture/);
    expect(run.stdout).toMatch(/--reg-covar <number>/);
    expect(run.stdout).toMatch(/kmeans: /);
    const json = JSON.parse((await emkit(['models', '--json'])).stdout) as { name: string; options: { name: string }[] }[];
    expect(json.map((m) => m.name)).toEqual(expect.arrayContaining(['gmm', 'kmeans', 'bernoulli', 'factor-analysis', 'bayes-linreg', 'soft-kmeans']));
    expect(json.every((m) => m.options.length > 0)).toBe(true);
  });

  it('--help works for every command and lists the model options', async () => {
    for (const args of [['--help'], ['fit', '--help'], ['fit', 'gmm', '--help'], ['fit', 'kmeans', '--help'], ['predict', '--help'], ['score', '--help'], ['sample', '--help'], ['models', '--help']]) {
      const run = await emkit(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).toMatch(/^Usage: emkit/);
    }
    const fit = await emkit(['fit', 'gmm', '--help']);
    for (const flag of ['--data', '--k <integer>', '--covariance <choice>', '--reg-covar', '--init <file.json>', '--init-method', '--freeze', '--tol', '--max-iter', '--restarts', '--seed', '--out', '--json'])
      expect(fit.stdout).toContain(flag);
  });

  it('no command is a usage error', async () => {
    const run = await emkit([]);
    expect(run.code).toBe(2);
  });
});

describe('--help', () => {
  it('says each thing once on every line of every fitting command’s help', async () => {
    for (const { plugin } of registry)
      for (const command of ['fit', 'select']) {
        const { stdout, code } = await runCli([command, plugin.name, '--help']);
        expect(code).toBe(0);
        // One line per option: commander wraps long descriptions onto indented lines.
        const options = stdout.replace(/\n {3,}/g, ' ');
        for (const line of options.split('\n')) {
          const notes = line.match(/\([^()]*\)/g) ?? [];
          expect(new Set(notes).size, `${command} ${plugin.name}: ${line}`).toBe(notes.length);
          expect(line.match(/atomically/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
        }
        expect(options).toMatch(/--out <model\.json> +write the (best )?model file here \(atomically; through a symbolic link its target is replaced; - for standard output\)/);
      }
  });
});
