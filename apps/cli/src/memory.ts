import { totalmem } from 'node:os';
import { type AnyModelPlugin, type Dataset, type Standardization, OptionError, reservoirSample } from '@emkit/core';
import { type TableFormat, formatFromName, inMemoryEstimate, indexFile } from '@emkit/io/node';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type DataFile, type DataFlags, readingOptions } from './data.js';
import { parseIntegerFlag } from './plugin-flags.js';
import { stderr } from './shared.js';
import { standardizeMethod } from './standardize.js';

/** The flags of out-of-core fits. */
export interface MemoryFlags {
  /** --memory: the byte budget for the data (parsed). */
  memory?: number;
  /** --init-sample: rows of the seeded reservoir sample the starting parameters are drawn from. */
  initSample?: number;
}

/** Most rows of the initialisation sample of an out-of-core fit when --init-sample is not given. */
export const DEFAULT_INIT_SAMPLE = 100_000;

/** The default sample: 100 000 rows, fewer when they would take more than a quarter of the budget (1000 at least). */
export function defaultInitSample(budget: number, cols: number): number {
  return Math.max(1000, Math.min(DEFAULT_INIT_SAMPLE, Math.floor(budget / (4 * 8 * cols))));
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** `512MiB`, `2GiB`, `1.5GB`, `800M`, `1000000` (bytes) → bytes. */
export function parseMemoryBudget(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new InvalidArgumentError('expected a size such as 512MiB, 2GiB, 1.5GB or a number of bytes.');
  const bytes = Math.floor(Number(match[1]) * unit);
  if (!(bytes >= 1)) throw new InvalidArgumentError('expected a size of at least 1 byte.');
  return bytes;
}

/** --memory, for commands that read data (`what`: what happens to data over the budget). */
export function memoryOption(what: string): Option {
  return new Option('--memory <budget>', `memory for the data (512MiB, 2GiB): ${what}; default: half of this machine's memory`).argParser(parseMemoryBudget);
}

export function memoryFlags(command: Command): Command {
  return command
    .addOption(memoryOption('data that would not fit is kept on disk and read shard by shard on every pass (an out-of-core fit: CSV, TSV, Parquet or Arrow IPC files)'))
    .addOption(
      new Option(
        '--init-sample <rows>',
        `draw the starting parameters from a seeded reservoir sample of this many rows (out-of-core fits always do; default there ${DEFAULT_INIT_SAMPLE}, fewer when that would take over a quarter of --memory); the same flag on an in-memory fit starts it identically`,
      ).argParser(parseIntegerFlag),
    );
}

/** The budget when --memory is not given: half of the machine's (or the container's) memory. */
export function defaultMemoryBudget(): number {
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  const total = constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
  return Math.floor(total / 2);
}

function formatBudget(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)} MiB`;
  return bytes >= 2 ** 10 ? `${Math.round(bytes / 2 ** 10)} KiB` : `${bytes} bytes`;
}

/** The budget (--memory, else the default), and what reading the file into memory would take. */
async function budgetFor(flags: DataFlags & MemoryFlags): Promise<{ budget: number; estimate: number; format: TableFormat }> {
  const budget = flags.memory ?? defaultMemoryBudget();
  const format = flags.format ?? formatFromName(flags.data) ?? 'csv';
  const estimate = await inMemoryEstimate(flags.data, format).catch(() => 0);
  return { budget, estimate, format };
}

/**
 * Whether predict and score stream the rows chunk by chunk rather than read them whole: when the
 * file would not fit the budget, or for standard input with --memory. Sequences (--sequence, a
 * grouped model) are read whole: a chunk could cut one.
 */
export async function streamsRows(plugin: AnyModelPlugin, flags: DataFlags & MemoryFlags): Promise<boolean> {
  if (flags.sequence !== undefined || plugin.groupedRows === true) return false;
  if (flags.data === '-') return flags.memory !== undefined;
  const { budget, estimate } = await budgetFor(flags);
  return estimate > budget;
}

/**
 * Whether a fit keeps the data on disk: when reading it into memory would exceed the budget
 * (--memory, else half of the machine's memory). What out-of-core reading cannot do yet is
 * refused with --memory and read into memory without it.
 */
export async function outOfCoreBudget(plugin: AnyModelPlugin, flags: DataFlags & MemoryFlags & { online?: boolean; standardize?: unknown }): Promise<number | null> {
  if (flags.initSample !== undefined && flags.initSample < 1) throw new OptionError({ field: '--init-sample', detail: `must be an integer ≥ 1, got ${flags.initSample}` });
  const explicit = flags.memory !== undefined;
  if (flags.data === '-') {
    if (explicit) throw new OptionError({ field: '--memory', detail: 'an out-of-core fit reads a file several times; standard input can be read once', remedy: 'save the stream to a file, or fit it with --online' });
    return null;
  }
  const { budget, estimate } = await budgetFor(flags);
  if (estimate <= budget) return null;
  const unsupported = [
    [flags.online === true, '--online'],
    [flags.sequence !== undefined || plugin.groupedRows === true, 'sequences (--sequence, grouped models)'],
    [flags.missing === 'marginalize', '--missing marginalize'],
    [flags.target !== undefined, '--target'],
    [standardizeMethod(flags.standardize as never) === 'robust', '--standardize robust (medians need every value at once; --standardize zscore streams)'],
  ] as const;
  const blocker = unsupported.find(([applies]) => applies);
  if (blocker !== undefined) {
    if (explicit)
      throw new OptionError({
        field: '--memory',
        detail: `${flags.data} needs about ${formatBudget(estimate)} in memory, over the ${formatBudget(budget)} budget, and an out-of-core fit does not support ${blocker[1]}`,
        remedy: 'raise --memory, or fit without that option',
      });
    return null;
  }
  if (!explicit) stderr(`note: ${flags.data} would take about ${formatBudget(estimate)} in memory, over half of this machine's; fitting out of core (--memory sets the budget)`);
  return budget;
}

/** An out-of-core data file: indexed, its rows on disk; the starting parameters come from `initData`. */
export interface IndexedData {
  readonly file: DataFile;
  readonly transform: Standardization | null;
  readonly initData: Dataset;
}

/** Indexes --data for an out-of-core fit (one validating pass, a second one for z-scores). */
export async function indexFitData(
  flags: DataFlags & MemoryFlags & { seed: number; standardize?: unknown; shardRows?: number },
  budget: number,
  signal: AbortSignal,
  onProgress?: (text: string) => void,
): Promise<IndexedData> {
  const format = flags.format ?? formatFromName(flags.data) ?? 'csv';
  const indexed = await indexFile(flags.data, {
    format,
    ...readingOptions(flags),
    standardize: standardizeMethod(flags.standardize as never) === 'zscore',
    sampleRows: flags.initSample ?? ((cols) => defaultInitSample(budget, cols)),
    // --shard-rows (with --redis): shards of that size; else the default plan.
    shardRows: flags.shardRows,
    seed: flags.seed,
    signal,
    onProgress: (p) => onProgress?.(p.pass === 1 ? `indexing ${flags.data}: ${p.rows.toLocaleString('en')} rows` : `standardising ${flags.data}: ${p.rows.toLocaleString('en')} rows`),
  });
  const file: DataFile = {
    path: flags.data,
    bytes: indexed.bytes,
    dataset: indexed.dataset,
    layout: indexed.layout,
    columns: indexed.columns,
    labels: null,
    labelName: null,
    locateRow: indexed.locateRow,
  };
  if (flags.label !== undefined) stderr('note: out of core, the --label column is not read, so no agreement with it is reported');
  return { file, transform: indexed.standardization, initData: indexed.sample! };
}

/** The in-memory counterpart: the same reservoir sample of the (standardised) rows, when --init-sample is given. */
export function initSampleOf(data: Dataset, flags: MemoryFlags & { seed: number }): Dataset | undefined {
  return flags.initSample === undefined ? undefined : reservoirSample(data, flags.initSample, flags.seed);
}
