import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../main.js';
import { registry } from '../registry.js';

/*
 * Table-driven CLI tests run hundreds of commands: `main(argv)` in this process (the code bin.js
 * runs, minus process start-up) keeps them to seconds. Output is captured from process.stdout
 * and process.stderr, so commands run one at a time.
 */

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

type Write = typeof process.stdout.write;

/** Runs `emkit ...args` in this process and returns its exit code and output. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (text: string) => void): Write =>
    ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as Write;
  const { write: outWrite } = process.stdout;
  const { write: errWrite } = process.stderr;
  process.stdout.write = capture((t) => (stdout += t));
  process.stderr.write = capture((t) => (stderr += t));
  let code: number;
  try {
    code = await main(args);
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
  }
  return { code, stdout, stderr };
}

/** One line `emkit: error: …` matching `pattern`, no stack trace, no "internal error". */
export function expectOneLineError(run: CliRun, pattern?: RegExp): void {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0], run.stderr).toMatch(/^emkit: error: /);
  expect(lines[0]).not.toMatch(/internal error/);
  if (pattern) expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/** Every number in a CSV output (header skipped) is finite. */
export function expectFiniteCsv(text: string, what: string): void {
  const lines = text.trimEnd().split('\n').slice(1);
  expect(lines.length, what).toBeGreaterThan(0);
  for (const line of lines) for (const cell of line.split(',')) expect(Number.isFinite(Number(cell)), `${what}: ${line}`).toBe(true);
}

/** No number in a parsed JSON value is null inside an array (JSON writes NaN and ±Infinity as null). */
export function expectFiniteJson(value: unknown, what: string, path = ''): void {
  if (Array.isArray(value)) value.forEach((v, i) => {
    expect(v, `${what}: ${path}[${i}]`).not.toBeNull();
    expectFiniteJson(v, what, `${path}[${i}]`);
  });
  else if (typeof value === 'number') expect(Number.isFinite(value), `${what}: ${path}`).toBe(true);
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) expectFiniteJson(v, what, path ? `${path}.${k}` : k);
}

/** What the rows of a model's data hold: real values, 0/1 values, or real values with a target column. */
export type DataKind = 'real' | 'binary' | 'regression';

export interface ModelUnderTest {
  /** `emkit fit <name> ...flags` for a model of `k` components (or factors, or latent dimensions). */
  readonly fitFlags: (k: number) => string[];
  /** The same as raw options for the library's fit. */
  readonly options: (k: number) => Record<string, unknown>;
  readonly data: DataKind;
  /** Flags predict and score need besides --model and --data. */
  readonly dataFlags: string[];
}

/**
 * How to fit each registered model quickly. The tests check that this covers the whole registry,
 * so a model added later gets every table-driven test.
 */
export const MODELS: Readonly<Record<string, ModelUnderTest>> = {
  gmm: { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'real', dataFlags: [] },
  kmeans: { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'real', dataFlags: [] },
  bernoulli: { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'binary', dataFlags: [] },
  'factor-analysis': { fitFlags: (k) => ['--factors', String(k)], options: (k) => ({ factors: k }), data: 'real', dataFlags: [] },
  'bayes-linreg': { fitFlags: () => [], options: () => ({}), data: 'regression', dataFlags: ['--target', 't'] },
  'soft-kmeans': { fitFlags: (k) => ['--k', String(k), '--c', '1'], options: (k) => ({ k, c: 1 }), data: 'real', dataFlags: [] },
  kmedoids: { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'real', dataFlags: [] },
  'online-kmeans': { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'real', dataFlags: [] },
  'minibatch-kmeans': { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'real', dataFlags: [] },
  bgmm: { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'real', dataFlags: [] },
  vae: {
    fitFlags: (k) => ['--latent', String(k), '--hidden', '4', '--decoder', 'gaussian', '--epochs', '3', '--batch-size', '16'],
    options: (k) => ({ latent: k, hidden: [4], decoder: 'gaussian', epochs: 3, batchSize: 16 }),
    data: 'real',
    dataFlags: [],
  },
  // No --sequence: the whole file is one sequence.
  hmm: { fitFlags: (k) => ['--k', String(k)], options: (k) => ({ k }), data: 'real', dataFlags: [] },
};

export function registeredNames(): string[] {
  return registry.map((m) => m.plugin.name);
}

export function canSample(name: string): boolean {
  return typeof registry.find((m) => m.plugin.name === name)?.plugin.sample === 'function';
}

/** A small seeded generator (tests must not depend on Math.random). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * Writes `rows` as a CSV file with a header x0, x1, …; for a regression model with a target
 * column t besides (a linear function of the row plus a little deterministic noise).
 */
export function writeRows(dir: string, name: string, rows: readonly (readonly number[])[], kind: DataKind): string {
  const d = rows[0].length;
  const header = Array.from({ length: d }, (_, j) => `x${j}`);
  let body: string[];
  if (kind === 'regression') {
    header.push('t');
    body = rows.map((row, i) => [...row, row.reduce((a, b) => a + b, 0) * 0.5 + (i % 3) * 0.1].join(','));
  } else body = rows.map((row) => row.join(','));
  const path = join(dir, name);
  writeFileSync(path, `${[header.join(','), ...body].join('\n')}\n`);
  return path;
}

/** N rows of D columns around two well-separated centres. */
export function blobs(n: number, d: number, seed = 1): number[][] {
  const next = lcg(seed);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => (i % 2) * 6 + j + next()));
}

/** N rows of D 0/1 columns from two prototypes with 10% flips. */
export function binaryRows(n: number, d: number, seed = 1): number[][] {
  const next = lcg(seed);
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => (((i % 2) + j) % 2 === 0) !== next() < 0.1 ? 1 : 0));
}
