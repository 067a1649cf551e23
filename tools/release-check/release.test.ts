/**
 * The release check: each published package installs and works alone, with only its declared
 * dependencies. `pnpm pack` turns the workspace packages into the tarballs `pnpm publish` would
 * upload (workspace:^ rewritten to real versions); plain npm installs them into empty folders,
 * outside the workspace, with zod, ml-matrix, piscina and commander from the registry; then a
 * script fits faithful through @emkit/core + @emkit/gmm, and `npx emkit` fits it through the CLI
 * (and loads the example third-party plugin by package name). Needs dist built (`pnpm test` and
 * `pnpm release-check` build first) and the npm registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const faithful = join(repoRoot, 'examples', 'faithful.csv');
const temp = mkdtempSync(join(tmpdir(), 'emkit-release-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** What a plugin user installs: the GMM plugin and what it declares it needs. */
const LIBRARY = ['@emkit/gmm'];
/** The command line, and a third-party plugin it loads by package name. */
const CLI = ['@emkit/cli', 'emkit-plugin-poisson-mixture'];

interface WorkspacePackage {
  name: string;
  dir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a package.json, read for any of its fields
  manifest: Record<string, any>;
}

function workspacePackages(): Map<string, WorkspacePackage> {
  const found = new Map<string, WorkspacePackage>();
  for (const group of ['packages', 'apps', 'examples']) {
    const base = join(repoRoot, group);
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const manifestPath = join(base, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WorkspacePackage['manifest'];
      found.set(manifest.name, { name: manifest.name, dir: join(base, entry.name), manifest });
    }
  }
  return found;
}

/** `roots` and every workspace package they depend on at run time (dependencies, not dev). */
function withWorkspaceDependencies(roots: readonly string[], all: Map<string, WorkspacePackage>): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    const pkg = all.get(name);
    if (!pkg) throw new Error(`${name} is not a workspace package`);
    seen.add(name);
    for (const [dep, range] of Object.entries<string>(pkg.manifest.dependencies ?? {})) if (range.startsWith('workspace:')) visit(dep);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

/** Runs a command; rejects with its output when it exits non-zero. */
function run(command: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  // Not the variables `pnpm test` sets for its own script (package name, lifecycle, user agent).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_(package|lifecycle|command|execpath|node_execpath)|npm_config_(user_agent|verify_deps)|pnpm_|PNPM_)/i.test(k)));
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}

interface Packed {
  tarball: string;
  files: string[];
}

const packed = new Map<string, Packed>();
let all: Map<string, WorkspacePackage>;

async function pack(pkg: WorkspacePackage, destination: string): Promise<Packed> {
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination, '--json'], pkg.dir);
  const result = JSON.parse(stdout) as { filename: string; files: { path: string }[] };
  return { tarball: result.filename, files: result.files.map((f) => f.path) };
}

/** A fresh folder with `npm init -y`, faithful.csv and the tarballs of `names` installed by npm. */
async function installAlone(folder: string, names: readonly string[]): Promise<string> {
  const dir = join(temp, folder);
  mkdirSync(dir);
  copyFileSync(faithful, join(dir, 'faithful.csv'));
  await run('npm', ['init', '-y'], dir);
  // All packages are at the same unpublished version, so their tarballs go in together.
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...names.map((n) => packed.get(n)!.tarball)], dir);
  return dir;
}

function readFaithfulRows(): number[][] {
  return readFileSync(faithful, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
}

/** The in-repository fit the installed copies must reproduce bit for bit. */
async function referenceFit(): Promise<number> {
  const core = (await import(join(repoRoot, 'packages/core/dist/index.js'))) as typeof import('../../packages/core/src/index.js');
  const { gmmPlugin } = (await import(join(repoRoot, 'packages/gmm/dist/index.js'))) as typeof import('../../packages/gmm/src/index.js');
  const rows = readFaithfulRows();
  const data = core.createDataset(Float64Array.from(rows.flat()), rows.length, 2);
  return (await core.fit(gmmPlugin, data, { k: 2 }, { seed: 0 })).meanLogLikelihood;
}

beforeAll(async () => {
  all = workspacePackages();
  const names = withWorkspaceDependencies([...LIBRARY, ...CLI], all);
  const tarballs = join(temp, 'tarballs');
  mkdirSync(tarballs);
  for (const name of names) {
    const pkg = all.get(name)!;
    if (!existsSync(join(pkg.dir, 'dist'))) throw new Error(`${name} has no dist folder: run \`pnpm build\` first`);
  }
  const results = await Promise.all(names.map(async (name) => [name, await pack(all.get(name)!, tarballs)] as const));
  for (const [name, result] of results) packed.set(name, result);
});

describe('the packed packages', () => {
  it('each ship a built dist with types for every export, and no tests', () => {
    expect(packed.size).toBeGreaterThanOrEqual(5);
    for (const [name, { files }] of packed) {
      const manifest = all.get(name)!.manifest;
      expect(manifest.files, `${name}: "files"`).toContain('dist');
      expect(manifest.type, `${name}: "type"`).toBe('module');
      if (!manifest.private) expect(manifest.publishConfig?.access, `${name}: publishConfig.access`).toBe('public');
      expect(Object.keys(manifest.exports ?? {}), `${name}: "exports"`).toEqual(expect.arrayContaining(['.', './package.json']));
      for (const [subpath, target] of Object.entries<Record<string, string> | string>(manifest.exports)) {
        if (typeof target === 'string') continue;
        expect(Object.keys(target), `${name} exports["${subpath}"]`).toEqual(expect.arrayContaining(['types', 'import', 'default']));
        for (const condition of ['types', 'import', 'default']) expect(files, `${name} exports["${subpath}"].${condition}`).toContain(target[condition].replace(/^\.\//, ''));
      }
      if (!manifest.private) {
        expect(manifest.engines?.node, `${name}: engines.node`).toMatch(/^>=\d+/);
        expect(manifest.repository, `${name}: repository`).toMatchObject({ type: 'git', directory: relative(repoRoot, all.get(name)!.dir) });
      }
      for (const bin of Object.values<string>(manifest.bin ?? {})) expect(files, `${name} bin`).toContain(bin.replace(/^\.\//, ''));
      // Tests and their helpers are compiled by nothing that ships; a stale dist can still hold
      // them (rm -rf the package's dist and rebuild).
      expect(files.filter((f) => /\.test\.|test-support\/|\.test-helpers\./.test(f)), `${name}: test files in the tarball`).toEqual([]);
    }
  });

  it('ship source maps whose sources are in the tarball', () => {
    for (const [name, { files }] of packed) {
      const dir = all.get(name)!.dir;
      const maps = files.filter((f) => f.endsWith('.map'));
      expect(maps.length, `${name}: source maps`).toBeGreaterThan(0);
      for (const map of maps) {
        const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] };
        for (const source of sources) expect(files, `${name}: ${map} points at ${source}`).toContain(join(dirname(map), source));
      }
    }
  });

  it('take zod as a peer dependency, so that plugins and core share one copy', () => {
    for (const [name] of packed) {
      const manifest = all.get(name)!.manifest;
      // The command line is an application: it provides the copy its plugins share.
      if (name === '@emkit/cli') continue;
      expect(manifest.dependencies?.zod, `${name}: zod in dependencies`).toBeUndefined();
      const usesZod = manifest.peerDependencies?.zod !== undefined;
      if (usesZod) expect(manifest.devDependencies?.zod, `${name}: zod for its own build`).toBeDefined();
    }
  });
});

describe.concurrent('installed alone with npm, outside the workspace', () => {
  it('@emkit/core + @emkit/gmm (with kmeans and linalg, which gmm declares) fit faithful from a script and type-check', async () => {
    const dir = await installAlone('library', withWorkspaceDependencies(LIBRARY, all));
    const installed = readdirSync(join(dir, 'node_modules', '@emkit')).sort();
    expect(installed).toEqual(['core', 'gmm', 'kmeans', 'linalg']);

    writeFileSync(
      join(dir, 'fit.mjs'),
      `import { readFileSync } from 'node:fs';
import { createDataset, fit } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { gmmPlugin } from '@emkit/gmm';

const rows = readFileSync('faithful.csv', 'utf8').trim().split('\\n').slice(1).map((line) => line.split(',').map(Number));
const data = createDataset(Float64Array.from(rows.flat()), rows.length, 2);
const result = await fit(gmmPlugin, data, { k: 2 }, { seed: 0 });
console.log(JSON.stringify({ meanLogLikelihood: result.meanLogLikelihood, converged: result.converged, weights: Array.from(result.params.weights), testing: typeof assertConformance }));
`,
    );
    const { stdout } = await run(process.execPath, ['fit.mjs'], dir);
    const result = JSON.parse(stdout) as { meanLogLikelihood: number; converged: boolean; weights: number[]; testing: string };
    expect(result.converged).toBe(true);
    expect(result.testing).toBe('function');
    expect(result.meanLogLikelihood).toBe(await referenceFit());
    expect(Math.min(...result.weights)).toBeGreaterThan(0.3);

    // The published .d.ts files resolve with only these packages installed.
    writeFileSync(
      join(dir, 'check.ts'),
      `import { createDataset, fit, type FitResult, type ModelPlugin } from '@emkit/core';
import { assertConformance } from '@emkit/core/testing';
import { gmmPlugin, type GmmOptions, type GmmParams } from '@emkit/gmm';

const plugin: ModelPlugin<GmmParams, GmmOptions> = gmmPlugin;
const data = createDataset(Float64Array.of(0, 1, 5, 6), 4, 1);
export const result: Promise<FitResult<GmmParams, GmmOptions>> = fit(plugin, data, { k: 2 });
export const check: typeof assertConformance = assertConformance;
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [] }, files: ['check.ts'] }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
  });

  it('@emkit/cli: npx emkit fits faithful, and loads a plugin package installed beside it', async () => {
    const dir = await installAlone('cli', withWorkspaceDependencies(CLI, all));
    const emkit = (...args: string[]) => run('npx', ['--no', '--', 'emkit', ...args], dir);

    await emkit('fit', 'gmm', '--data', 'faithful.csv', '--k', '2', '--out', 'm.json');
    const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as Record<string, unknown>;
    expect(model).toMatchObject({ format: 'emkit-model', model: 'gmm', k: 2, converged: true });
    // On worker threads (the default) the CLI gives the in-process result bit for bit.
    expect(model.meanLogLikelihood).toBe(await referenceFit());

    // The example third-party plugin, by package name: draw counts from a hand-written model,
    // then fit them on two worker threads, which import the plugin from node_modules.
    writeFileSync(
      join(dir, 'truth.json'),
      JSON.stringify({ format: 'emkit-model', version: 1, model: 'poisson-mixture', k: 2, weights: [0.4, 0.6], rates: [[2, 12], [9, 1]] }),
    );
    const plugin = ['--plugin', 'emkit-plugin-poisson-mixture'];
    await emkit(...plugin, 'sample', '--model', 'truth.json', '--n', '600', '--seed', '1', '--out', 'counts.csv');
    await emkit(...plugin, 'fit', 'poisson-mixture', '--data', 'counts.csv', '--k', '2', '--workers', '2', '--out', 'p.json');
    const fitted = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as { rates: number[][]; pluginModule: string };
    expect(fitted.pluginModule).toBe('emkit-plugin-poisson-mixture');
    expect(fitted.rates.map((r) => r.map(Math.round)).sort((a, b) => a[0] - b[0])).toEqual([[2, 12], [9, 1]]);
    const { stdout } = await emkit(...plugin, 'predict', '--model', 'p.json', '--data', 'counts.csv');
    expect(stdout.trim().split('\n')).toHaveLength(601);
  });
});
