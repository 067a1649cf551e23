import {
  type AnyModelPlugin,
  objectiveOf,
  type Dataset,
  type DriverOptions,
  type FitProgress,
  type FitResult,
  type InitProgress,
  type RestartInitProgress,
  FitAbortedError,
  LOG_LIKELIHOOD,
  type Objective,
  OptionError,
  type Standardization,
  type StandardizeMethod,
  fit as fitInProcess,
  modelFileFromFit,
  resolveDriverOptions,
  AUTO_RESTARTS,
  type RestartCount,
} from '@emkit/core';
import { shareDataset } from '@emkit/runner';
import { NodeWorkerPool, defaultWorkerCount, fit as fitOnPool } from '@emkit/runner/node';
import { type Command, Option } from 'commander';
import { type DataFile, type DataFlags, inDataFile, readDataFile, rowIdWarnings } from './data.js';
import { dataToFit, standardizeMethod, standardizeOption } from './standardize.js';
import { checkFiniteModel, checkOutputPath, writeModelFile } from './files.js';
import { parseIntegerFlag, parseNumberFlag, parseRestartsFlag, withFlagNames } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';
import { formatNumber, stderr } from './shared.js';
import { createLogUpdate } from 'log-update';
import { type DistributedFlags, checkDistributedFlags, openDistributedFitter } from './distributed-flags.js';
import { type OnlineFlags, checkOnlineFlags, openOnlineFitter } from './online-flags.js';
import { type MemoryFlags, indexFitData, initSampleOf, outOfCoreBudget } from './memory.js';

/**
 * What every command that fits shares (`fit`, `select` and those to come): the data and driver
 * flags, Ctrl-C handling, reading the data, fitting in this thread or on a worker pool, the
 * status line and the summary block.
 */

/** The flags `fitFlags` adds, as commander parses them. */
export interface FitFlags extends DataFlags, MemoryFlags {
  tol?: number;
  maxIter?: number;
  /** Absent: the plugin's default (restartsToRun). */
  restarts?: RestartCount;
  seed: number;
  workers?: number;
  out?: string;
  json?: boolean;
  standardize?: StandardizeMethod | boolean;
  quiet?: boolean;
  /** The plugin's own options, under commander's attribute names. */
  [plugin: string]: unknown;
}

/** How a command describes the flags whose meaning it changes (restarts per candidate, …). */
export interface FitFlagTexts {
  readonly restarts: string;
  readonly seed: string;
  readonly workers: string;
  readonly out: string;
  readonly json: string;
}

/** --data, --header, --target, then the driver flags and --out/--json, after the command's own. */
export function fitFlags(command: Command, plugin: AnyModelPlugin, texts: FitFlagTexts): Command {
  return command
    .addOption(new Option('--tol <number>', `convergence tolerance (default: ${plugin.defaults.tol})`).argParser(parseNumberFlag))
    .addOption(new Option('--max-iter <integer>', `maximum iterations per restart (default: ${plugin.defaults.maxIter})`).argParser(parseIntegerFlag))
    .addOption(new Option('--restarts <integer|auto>', `${texts.restarts}, the one with the best ${defaultObjective(plugin)} wins; auto: ${AUTO_RESTARTS.max} up to ${AUTO_RESTARTS.rows / AUTO_RESTARTS.max} rows, ⌊${AUTO_RESTARTS.rows} / rows⌋ beyond, at least 1 (default: ${defaultRestartsText(plugin)})`).argParser(parseRestartsFlag))
    .addOption(new Option('--seed <integer>', texts.seed).argParser(parseIntegerFlag).default(0))
    .addOption(new Option('--workers <integer>', `${texts.workers}; 0 fits in the main thread; results do not depend on it (default: ${defaultWorkerCount()}, the number of cores)`).argParser(parseIntegerFlag))
    .addOption(standardizeOption())
    .option('--quiet', 'no progress line on stderr (it is shown only when stderr is a terminal)')
    .option('--out <model.json>', `${texts.out} (atomically; through a symbolic link its target is replaced; - for standard output)`)
    .option('--json', texts.json);
}

/** --restarts' default, as help names it: 1, or the plugin's own (which may depend on its options). */
function defaultRestartsText(plugin: AnyModelPlugin): string {
  if (plugin.defaults.restarts === undefined) return '1';
  return plugin.defaults.restartsRule ?? `${plugin.name}'s, by its options`;
}

/** What the plugin maximises at its default options (`log-likelihood`, `ELBO`, `−inertia`), as help names it. */
function defaultObjective(plugin: AnyModelPlugin): string {
  try {
    return objectiveOf(plugin, {}).name;
  } catch {
    // A plugin whose objective needs options given: help names it generically.
    return 'objective';
  }
}

/** The core driver options the flags give. */
export function driverOptionsOf(flags: FitFlags): Pick<DriverOptions, 'tol' | 'maxIter' | 'restarts' | 'seed'> {
  return { tol: flags.tol, maxIter: flags.maxIter, restarts: flags.restarts, seed: flags.seed };
}

/** Checks the driver flags before any data is read (a bad flag should not wait for a large file). */
export function checkDriverFlags(plugin: AnyModelPlugin, flags: FitFlags): void {
  resolveDriverOptions(plugin, driverOptionsOf(flags));
  if (flags.workers !== undefined && flags.workers < 0) throw new OptionError({ field: 'workers', detail: `must be an integer ≥ 0, got ${flags.workers}` });
  checkDistributedFlags(flags);
  checkOnlineFlags(plugin, flags);
}

export { withInterrupts } from './interrupts.js';

export function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw new FitAbortedError({ reason: signal.reason });
}

/** Checks --out (and that it does not clash with --json) before any data is read. */
async function checkOutputFlags(flags: FitFlags): Promise<void> {
  if (flags.out === '-' && flags.json) throw new OptionError({ field: '--out', detail: '- writes the model file to standard output, where --json writes too', remedy: 'give one of them' });
  if (flags.out !== undefined) await checkOutputPath(flags.out);
}

/** Checks --out, then reads --data: what a fitting command does once its options are known good. */
export async function readFitData(flags: FitFlags, signal: AbortSignal, status?: StatusLine): Promise<DataFile> {
  await checkOutputFlags(flags);
  const name = flags.data === '-' ? 'standard input' : flags.data;
  status?.show(`reading ${name}`, true);
  const file = await readDataFile(flags, { onProgress: (p) => status?.show(`reading ${name}: ${p.rows.toLocaleString('en')} rows, ${formatBytes(p.bytesRead)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ''}`) });
  status?.show(`read ${name}: ${file.dataset.rows.toLocaleString('en')} rows, ${formatBytes(file.bytes)}`, true);
  status?.clear();
  for (const warning of rowIdWarnings(file)) stderr(`warning: ${warning}`);
  throwIfInterrupted(signal);
  return file;
}

/** Fits one set of raw plugin options; how (in this thread or on workers) the fitter decides. */
export type FitOne = (raw: unknown, context: FitContext) => Promise<FitResult<unknown, unknown>>;

/** What a fit reports to and hears from the command: abort, iterations and initialisation steps. */
export interface FitContext {
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
  onInitProgress?: (p: RestartInitProgress) => void;
}

export interface Fitter {
  /** The data the fits use (in shared memory when on workers). */
  readonly data: Dataset;
  readonly fit: FitOne;
  /** Whether fits run on workers (and so gain from running several at once). */
  readonly pooled: boolean;
  close(): Promise<void>;
}

/**
 * In this thread when `workers` is 0 (core's executor returns to the event loop between shards,
 * so Ctrl-C is still handled), else on one pool of worker threads that every fit shares, with the
 * data put in shared memory once. The result is the same bits either way.
 */
export function openFitter(plugin: AnyModelPlugin, file: DataFile, flags: FitFlags, initData?: Dataset, transform: Standardization | null = null, started: NodeWorkerPool | null = null): Fitter {
  // Out of core, and with --init-sample, the starting parameters come from a reservoir sample.
  const driver = { ...driverOptionsOf(flags), ...(initData !== undefined ? { initData } : {}) };
  if (flags.online === true) return openOnlineFitter(plugin, file, flags as FitFlags & OnlineFlags);
  if (flags.redis !== undefined) return openDistributedFitter(plugin, file, flags as FitFlags & DistributedFlags, driver, transform);
  const workers = poolSize(flags);
  if (workers === 0) {
    const data = file.dataset;
    return { data, pooled: false, fit: (raw, context) => fitInProcess(plugin, data, raw, { ...driver, ...context }), close: () => Promise.resolve() };
  }
  const pool = started ?? new NodeWorkerPool(workers);
  // Out-of-core rows stay on disk: workers read their own shards.
  const data = file.dataset.external ? file.dataset : shareDataset(file.dataset).data;
  return { data, pooled: true, fit: (raw, context) => fitOnPool(plugin, data, raw, { ...driver, ...context, pool }), close: () => pool.close() };
}

/** The worker threads a fit with these flags runs on: 0 in this thread, online or through Redis. */
function poolSize(flags: FitFlags): number {
  return flags.online === true || flags.redis !== undefined ? 0 : (flags.workers ?? defaultWorkerCount());
}

/**
 * The life of a fitting command once its flags are parsed: check the options (the plugin's via
 * `checkOptions`, then the driver's) before reading any data, read it, fit with a fitter and a
 * status line, and close both. Errors name the flags the user typed and the data file's lines.
 */
export async function runFitting<T>(
  plugin: AnyModelPlugin,
  flags: FitFlags,
  files: Record<string, string>,
  signal: AbortSignal,
  checkOptions: () => void,
  body: (fitter: Fitter, status: StatusLine, transform: Standardization | null) => Promise<T>,
  /** Whether the command can fit out of core (with --memory, or when the data would not fit in memory). */
  { outOfCore = false }: { outOfCore?: boolean } = {},
): Promise<{ result: T; file: DataFile; transform: Standardization | null; initRows: number | null }> {
  try {
    checkOptions();
    checkDriverFlags(plugin, flags);
  } catch (error) {
    throw withFlagNames(error, plugin, files);
  }
  const status = statusLine(flags.quiet === true);
  // The workers start (threads, their modules, the plugin's) while the data is read.
  const pool = poolSize(flags) > 0 ? new NodeWorkerPool(poolSize(flags)) : null;
  try {
    return await readAndFit(plugin, flags, files, signal, body, outOfCore, status, pool);
  } catch (error) {
    status.clear();
    await pool?.close();
    throw error;
  }
}

async function readAndFit<T>(
  plugin: AnyModelPlugin,
  flags: FitFlags,
  files: Record<string, string>,
  signal: AbortSignal,
  body: (fitter: Fitter, status: StatusLine, transform: Standardization | null) => Promise<T>,
  outOfCore: boolean,
  status: StatusLine,
  pool: NodeWorkerPool | null,
): Promise<{ result: T; file: DataFile; transform: Standardization | null; initRows: number | null }> {
  const budget = outOfCore
    ? await outOfCoreBudget(plugin, flags).catch((error: unknown) => {
        throw withFlagNames(error, plugin, files);
      })
    : null;
  let file: DataFile;
  let data: Dataset;
  let transform: Standardization | null;
  let initData: Dataset | undefined;
  if (budget !== null) {
    // Out of core: one validating pass indexes the file (z-scores and the initialisation sample
    // drawn in it); every E-step then streams the file shard by shard.
    await checkOutputFlags(flags);
    ({ file, transform, initData } = await indexFitData(flags, budget, signal, (text) => status.show(text)));
    status.clear();
    data = file.dataset;
    throwIfInterrupted(signal);
  } else {
    file = await readFitData(flags, signal, status);
    // --standardize: the fits see z-scores; the command reports in the original units (toOriginalUnits).
    ({ data, transform } = dataToFit(file, standardizeMethod(flags.standardize)));
    initData = initSampleOf(data, flags);
  }
  status.show(`initialising ${plugin.name} (${file.dataset.rows.toLocaleString('en')} rows${budget !== null ? ', out of core' : ''})`, true);
  const fitter = openFitter(plugin, { ...file, dataset: data }, flags, initData, transform, pool);
  let result: T;
  try {
    result = await body(fitter, status, transform);
  } catch (error) {
    throw inDataFile(withFlagNames(error, plugin, files), file);
  } finally {
    status.clear();
    await fitter.close();
  }
  throwIfInterrupted(signal);
  return { result, file, transform, initRows: initData?.rows ?? null };
}

/** The model file of a fit, with the registry's extra fields and any the command adds. */
export function modelFileOf(model: RegisteredModel, result: FitResult<unknown, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const modelFile = { ...modelFileFromFit(model.plugin, result), ...model.extraFitFields?.(result), ...extra };
  // Before --out and --json alike: JSON.stringify would print NaN as null.
  checkFiniteModel(modelFile, model.plugin.name);
  return modelFile;
}

/** Writes the model file to --out when given. */
export async function writeModelOutput(flags: FitFlags, modelFile: Record<string, unknown>, pluginName: string): Promise<void> {
  if (flags.out !== undefined) await writeModelFile(flags.out, modelFile, pluginName);
}

/** `label  value` lines on stderr, the values aligned. */
export function printSummary(lines: readonly (readonly [string, string])[]): void {
  const width = Math.max(...lines.map(([label]) => label.length));
  stderr(lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join('\n'));
}

/** `data.csv (150 rows × 4 columns)`. */
export function describeData(file: DataFile): string {
  const { rows, cols, groups } = file.dataset;
  const sequences = groups ? `, ${groups.length - 1} sequence${groups.length === 2 ? '' : 's'}` : '';
  return `${file.path} (${rows} row${rows === 1 ? '' : 's'} × ${cols} column${cols === 1 ? '' : 's'}${sequences})`;
}

/** One line on stderr rewritten in place; shown only when stderr is a terminal (and not --quiet). */
export interface StatusLine {
  /** Shows `text`; updates closer than 100 ms to the last are skipped unless `now`. */
  show(text: string, now?: boolean): void;
  clear(): void;
}

/** A status line drawn by log-update (which handles wrapping and clearing), throttled to 10 updates a second. */
export function statusLine(quiet = false): StatusLine {
  if (quiet || process.stderr.isTTY !== true) return { show() {}, clear() {} };
  // A pseudo-terminal without a size (`script`, CI) reports 0 columns: take 80 then.
  const width = (): number => process.stderr.columns || 80;
  const stream = { get columns() { return width(); }, get rows() { return process.stderr.rows || 24; }, write: (text: string) => process.stderr.write(text) };
  const log = createLogUpdate(stream as unknown as NodeJS.WriteStream, { showCursor: true });
  let last = 0;
  let shown = false;
  // A skipped update is drawn when its 100 ms are up, so the line never stays behind the work.
  let pending: { text: string; timer: ReturnType<typeof setTimeout> } | null = null;
  const draw = (text: string): void => {
    if (pending !== null) clearTimeout(pending.timer);
    pending = null;
    last = Date.now();
    // One line: cut to the terminal's width so that it never wraps.
    log(text.length >= width() ? `${text.slice(0, width() - 2)}…` : text);
    shown = true;
  };
  return {
    show(text, now = false) {
      const wait = 100 - (Date.now() - last);
      if (now || wait <= 0) return draw(text);
      if (pending !== null) pending.text = text;
      else {
        const timer = setTimeout(() => pending !== null && draw(pending.text), wait);
        // A waiting update must not keep the process alive.
        timer.unref();
        pending = { text, timer };
      }
    },
    clear() {
      if (pending !== null) clearTimeout(pending.timer);
      pending = null;
      if (shown) log.clear();
      shown = false;
    },
  };
}

/** 1.2 MB, 340 kB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

/** `12 s`, `3 min 20 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}

/** `k-means++ 3/8 centres`, `k-means iteration 4 of ≤ 300` (an iterative method may stop early). */
export function describeInitStep(p: InitProgress): string {
  return p.unit === 'iterations' ? `${p.method} iteration ${p.done} of ≤ ${p.total}` : `${p.method} ${p.done}/${p.total} ${p.unit}`;
}

/** The status line's texts for a fit's initialisation steps and iterations. */
export interface RestartProgress {
  init(p: RestartInitProgress): string;
  fit(p: FitProgress): string;
}

/**
 * The progress of a fit's restarts as one stable line: with several restarts (in parallel on
 * workers, their iterations interleave) an aggregate — how many are initialising, running and
 * done, and the best mean objective so far — rather than a line that jumps between restarts.
 * Initialisation shows its method and how far it has got. `objective` names what is printed;
 * `shift` (the per-row log-Jacobian of --standardize) puts it in the units of the summary.
 */
export function restartProgress(restarts: number, maxIter: number, objective: Objective = LOG_LIKELIHOOD, shift = 0): RestartProgress {
  const latest = new Map<number, FitProgress>();
  const initialising = new Map<number, RestartInitProgress>();
  const aggregate = (): string => {
    let done = 0;
    let best = -Infinity;
    for (const q of latest.values()) {
      if (q.converged || q.iteration >= maxIter) done++;
      best = Math.max(best, q.meanLogLikelihood + shift);
    }
    // Most telling first: the line is cut at the terminal's width.
    const init = [...initialising.values()].at(-1);
    const counts = [`restarts ${done}/${restarts} done`];
    if (latest.size > done) counts.push(`${latest.size - done} running`);
    if (init !== undefined) counts.push(`${initialising.size} initialising (restart ${init.restart}: ${describeInitStep(init)})`);
    return `${counts.join(', ')}${Number.isFinite(best) ? `  ·  best mean ${objective.name} ${formatNumber(best)}` : ''}`;
  };
  return {
    init(p) {
      if (restarts === 1) return `initialising ${p.plugin}: ${describeInitStep(p)}`;
      initialising.set(p.restart, p);
      return aggregate();
    },
    fit(p) {
      initialising.delete(p.restart);
      latest.set(p.restart, p);
      const change = Number.isFinite(p.change) ? `  change ${p.change.toExponential(2)}` : '';
      if (restarts === 1) return `iteration ${p.iteration}  mean ${objective.name} ${formatNumber(p.meanLogLikelihood + shift)}${change}`;
      return aggregate();
    },
  };
}
