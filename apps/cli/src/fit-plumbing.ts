import {
  type AnyModelPlugin,
  type Dataset,
  type DriverOptions,
  type FitProgress,
  type FitResult,
  FitAbortedError,
  OptionError,
  fit as fitInProcess,
  modelFileFromFit,
  resolveDriverOptions,
} from '@emkit/core';
import { shareDataset } from '@emkit/runner';
import { NodeWorkerPool, defaultWorkerCount, fit as fitOnPool } from '@emkit/runner/node';
import type { HeaderMode } from '@emkit/io/node';
import { type Command, Option } from 'commander';
import { type DataFile, type MissingMode, inDataFile, readDataFile } from './data.js';
import { checkFiniteModel, checkOutputPath, writeModelFile } from './files.js';
import { parseIntegerFlag, parseNumberFlag, withFlagNames } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';
import { stderr } from './shared.js';
import { type DistributedFlags, checkDistributedFlags, openDistributedFitter } from './distributed-flags.js';
import { type OnlineFlags, checkOnlineFlags, openOnlineFitter } from './online-flags.js';

/**
 * What every command that fits shares (`fit`, `select` and those to come): the data and driver
 * flags, Ctrl-C handling, reading the data, fitting in this thread or on a worker pool, the
 * status line and the summary block.
 */

/** The flags `fitFlags` adds, as commander parses them. */
export interface FitFlags {
  data: string;
  header: HeaderMode;
  target?: string;
  sequence?: string;
  missing?: MissingMode;
  tol?: number;
  maxIter?: number;
  restarts: number;
  seed: number;
  workers?: number;
  out?: string;
  json?: boolean;
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
    .addOption(new Option('--restarts <integer>', texts.restarts).argParser(parseIntegerFlag).default(1))
    .addOption(new Option('--seed <integer>', texts.seed).argParser(parseIntegerFlag).default(0))
    .addOption(new Option('--workers <integer>', `${texts.workers}; 0 fits in the main thread; results do not depend on it (default: ${defaultWorkerCount()}, the number of cores)`).argParser(parseIntegerFlag))
    .option('--out <model.json>', texts.out)
    .option('--json', texts.json);
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

/** Checks --out, then reads --data: what a fitting command does once its options are known good. */
export async function readFitData(flags: FitFlags, signal: AbortSignal): Promise<DataFile> {
  if (flags.out !== undefined) await checkOutputPath(flags.out);
  const file = await readDataFile(flags.data, { header: flags.header, target: flags.target, sequence: flags.sequence, missing: flags.missing });
  throwIfInterrupted(signal);
  return file;
}

/** Fits one set of raw plugin options; how (in this thread or on workers) the fitter decides. */
export type FitOne = (raw: unknown, context: { signal?: AbortSignal; onProgress?: (p: FitProgress) => void }) => Promise<FitResult<unknown, unknown>>;

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
export function openFitter(plugin: AnyModelPlugin, file: DataFile, flags: FitFlags): Fitter {
  const driver = driverOptionsOf(flags);
  if (flags.online === true) return openOnlineFitter(plugin, file, flags as FitFlags & OnlineFlags);
  if (flags.redis !== undefined) return openDistributedFitter(plugin, file, flags as FitFlags & DistributedFlags, driver);
  const workers = flags.workers ?? defaultWorkerCount();
  if (workers === 0) {
    const data = file.dataset;
    return { data, pooled: false, fit: (raw, context) => fitInProcess(plugin, data, raw, { ...driver, ...context }), close: () => Promise.resolve() };
  }
  const pool = new NodeWorkerPool(workers);
  const data = shareDataset(file.dataset).data;
  return { data, pooled: true, fit: (raw, context) => fitOnPool(plugin, data, raw, { ...driver, ...context, pool }), close: () => pool.close() };
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
  body: (fitter: Fitter, status: StatusLine) => Promise<T>,
): Promise<{ result: T; file: DataFile }> {
  try {
    checkOptions();
    checkDriverFlags(plugin, flags);
  } catch (error) {
    throw withFlagNames(error, plugin, files);
  }
  const file = await readFitData(flags, signal);
  const status = statusLine();
  const fitter = openFitter(plugin, file, flags);
  let result: T;
  try {
    result = await body(fitter, status);
  } catch (error) {
    throw inDataFile(withFlagNames(error, plugin, files), file);
  } finally {
    status.clear();
    await fitter.close();
  }
  throwIfInterrupted(signal);
  return { result, file };
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

/** One line on stderr rewritten in place; shown only when stderr is a terminal. */
export interface StatusLine {
  show(text: string): void;
  clear(): void;
}

export function statusLine(): StatusLine {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    show(text) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
