import {
  type AnyModelPlugin,
  type Dataset,
  type FitResult,
  type Objective,
  InputError,
  OptionError,
  fitOnline,
  hasErrorCode,
  restateError,
  meanLogLikelihoodOf,
  modelFileFromParams,
  objectiveOf,
  stepwiseLearner,
  supportsStepwise,
} from '@emkit/core';
import { parseCsv } from '@emkit/io/node';
import { performance } from 'node:perf_hooks';
import { type Command, Option } from 'commander';
import type { DataFile } from './data.js';
import { type FitFlags, type Fitter, checkDriverFlags, printSummary } from './fit-plumbing.js';
import { checkOutputPath, writeModelFile } from './files.js';
import { formatNumber } from './shared.js';
import { withFlagNames } from './plugin-flags.js';
import { parseIntegerFlag, parseNumberFlag } from './plugin-flags.js';

/** The flags of stepwise (online) EM. */
export interface OnlineFlags {
  online?: boolean;
  batchSize: number;
  stepPower: number;
  passes: number;
  polyak?: boolean;
  checkpointEvery: number;
}

export function onlineFlags(command: Command): Command {
  return command
    .option('--online', 'stepwise (online) EM: an M-step after every mini-batch, statistics kept as running averages; with --data - reads an endless stream')
    .addOption(new Option('--batch-size <integer>', 'with --online: rows per mini-batch').argParser(parseIntegerFlag).default(1000))
    .addOption(new Option('--step-power <number>', 'with --online: α in the step size (t + 2)^(−α), in (0.5, 1]').argParser(parseNumberFlag).default(0.7))
    .addOption(new Option('--passes <integer>', 'with --online: most passes over a file (fewer when the held-out score stops improving)').argParser(parseIntegerFlag).default(10))
    .option('--polyak', 'with --online: report the Polyak average of the running statistics')
    .addOption(new Option('--checkpoint-every <integer>', 'with --online --data -: write the model file every this many mini-batches').argParser(parseIntegerFlag).default(100));
}

const ONLINE_ONLY = ['polyak'] as const;

export function checkOnlineFlags(plugin: AnyModelPlugin, flags: FitFlags & Partial<OnlineFlags>): void {
  if (!flags.online) {
    for (const flag of ONLINE_ONLY) if (flags[flag] !== undefined) throw new OptionError({ field: flag, detail: 'needs --online' });
    return;
  }
  if (!supportsStepwise(plugin)) throw new OptionError({ field: 'online', detail: `the "${plugin.name}" model does not support stepwise (online) EM: its statistics are not sums over rows` });
  if (flags.restarts !== undefined && flags.restarts !== 1) throw new OptionError({ field: 'restarts', detail: 'with --online a fit has one run; use --seed to try another start' });
  if (flags.redis !== undefined) throw new OptionError({ field: 'redis', detail: '--online runs in this process; drop --redis or --online' });
  if (!(flags.checkpointEvery! >= 1)) throw new OptionError({ field: 'checkpoint-every', detail: `must be an integer ≥ 1, got ${flags.checkpointEvery}` });
  if (flags.data === '-' && flags.out === undefined) throw new OptionError({ field: 'out', detail: 'an online fit of a stream needs --out, where the model file is checkpointed' });
  if (!(flags.batchSize! >= 1)) throw new OptionError({ field: 'batch-size', detail: `must be an integer ≥ 1, got ${flags.batchSize}` });
  if (!(flags.stepPower! > 0.5 && flags.stepPower! <= 1)) throw new OptionError({ field: 'step-power', detail: `must be in (0.5, 1], got ${flags.stepPower}` });
  if (!(flags.passes! >= 1)) throw new OptionError({ field: 'passes', detail: `must be an integer ≥ 1, got ${flags.passes}` });
}

/** A fitter that runs stepwise EM over the file's rows (in this thread). */
export function openOnlineFitter(plugin: AnyModelPlugin, file: DataFile, flags: FitFlags & OnlineFlags): Fitter {
  const data = file.dataset;
  return {
    data,
    pooled: false,
    fit: (raw, context) =>
      fitOnline(plugin, data, raw, {
        batchSize: flags.batchSize,
        stepPower: flags.stepPower,
        passes: flags.passes,
        polyak: flags.polyak === true,
        seed: flags.seed,
        ...(flags.tol !== undefined ? { tol: flags.tol } : {}),
        signal: context.signal,
      }) as Promise<FitResult<unknown, unknown>>,
    close: () => Promise.resolve(),
  };
}

/** What the model file of an online fit records about it. */
export function onlineFields(result: FitResult<unknown, unknown>, flags: OnlineFlags): Record<string, unknown> {
  const r = result as FitResult<unknown, unknown> & { passes?: number; steps?: number; heldOutHistory?: readonly number[]; heldOutRows?: number };
  return { online: { batchSize: flags.batchSize, stepPower: flags.stepPower, polyak: flags.polyak === true, passes: r.passes, steps: r.steps, heldOutRows: r.heldOutRows, heldOutHistory: r.heldOutHistory } };
}

export interface StreamFitSummary {
  readonly rows: number;
  readonly steps: number;
  readonly checkpoints: number;
  readonly heldOutRows: number;
  readonly heldOutMeanLogLikelihood: number | null;
  readonly columns: readonly string[] | null;
}

/**
 * Stepwise EM over CSV rows read from stdin, which may never end. The first mini-batch's rows
 * are held out to score the model; every `checkpointEvery` batches the model file is written to
 * `out` atomically, so a reader always finds a whole, recent model. Returns at the end of the
 * stream or, after a last checkpoint, when `signal` aborts.
 */
export async function fitStream(plugin: AnyModelPlugin, raw: unknown, flags: FitFlags & OnlineFlags, signal: AbortSignal, onCheckpoint?: (summary: StreamFitSummary) => void): Promise<StreamFitSummary> {
  const learner = stepwiseLearner(plugin, raw, { batchSize: flags.batchSize, stepPower: flags.stepPower, polyak: flags.polyak === true, seed: flags.seed });
  if (flags.polyak) learner.startAveraging();
  const rowsOf = batchReader(process.stdin, flags, signal);
  let heldOut: Dataset | null = null;
  let params: unknown = null;
  let rows = 0;
  let checkpoints = 0;
  let columns: readonly string[] | null = null;
  let heldOutScore: number | null = null;

  const summary = (): StreamFitSummary => ({ rows, steps: params === null ? 0 : learner.state().steps, checkpoints, heldOutRows: heldOut?.rows ?? 0, heldOutMeanLogLikelihood: heldOutScore, columns });
  const checkpoint = async (): Promise<void> => {
    if (params === null) return;
    const reported = learner.reportedParams();
    heldOutScore = heldOut === null ? null : meanLogLikelihoodOf(plugin, reported, heldOut);
    const state = learner.state();
    const file = {
      ...modelFileFromParams(plugin, reported, learner.options),
      ...(columns ? { columns } : {}),
      online: { batchSize: flags.batchSize, stepPower: flags.stepPower, polyak: flags.polyak === true, steps: state.steps, rowsSeen: rows, heldOutRows: heldOut?.rows ?? 0, heldOutMeanLogLikelihood: heldOutScore },
    };
    await writeModelFile(flags.out!, file, plugin.name);
    checkpoints++;
    onCheckpoint?.(summary());
  };

  for await (const batch of rowsOf) {
    if (signal.aborted) break;
    columns ??= batch.columns;
    rows += batch.rows;
    if (heldOut === null) {
      heldOut = batch;
      continue;
    }
    params ??= learner.init(batch);
    params = learner.partialFit(params, batch);
    if (learner.state().steps % flags.checkpointEvery === 0) await checkpoint();
  }
  // A stream too short to train on: the held-out rows are all there is.
  if (params === null && heldOut !== null) {
    params = learner.init(heldOut);
    params = learner.partialFit(params, heldOut);
  }
  if (params === null) throw new InputError({ file: 'stdin', detail: 'no data rows arrived; expected comma-separated numbers, one row per line' });
  await checkpoint();
  return summary();
}

/**
 * Mini-batches of `batchSize` rows parsed from a byte stream: CSV is cut at line ends, each
 * batch is parsed by io's strict parser (the first with --header's mode, the rest without a
 * header), and errors name stdin's own line numbers.
 */
async function* batchReader(input: NodeJS.ReadableStream, flags: FitFlags & OnlineFlags, signal: AbortSignal): AsyncGenerator<Dataset> {
  let pending: string[] = [];
  let carry = '';
  let line = 0;
  let firstLine = 1;
  let first = true;
  let cols = -1;
  let columns: readonly string[] | null = null;
  const parse = (lines: string[]): Dataset => {
    const text = lines.join('\n');
    try {
      const parsed = parseCsv(text, 'stdin', { header: first && hasHeader ? 'yes' : 'no' });
      if (first) columns = parsed.columns;
      first = false;
      const { dataset } = parsed;
      if (cols !== -1 && dataset.cols !== cols) throw new InputError({ file: 'stdin', detail: `a row has ${dataset.cols} values, the rows before have ${cols}`, line: firstLine });
      cols = dataset.cols;
      return { ...dataset, columns };
    } catch (error) {
      throw shiftLines(error, firstLine - 1);
    }
  };
  // Whether line 1 is a header, decided as the CSV reader decides it, once that line has come.
  let hasHeader: boolean | null = flags.header === 'auto' ? null : flags.header === 'yes';
  const headerLines = (): number => (first && hasHeader ? 1 : 0);
  input.setEncoding?.('utf8');
  const onAbort = () => (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const parts = (carry + chunk).split('\n');
      carry = parts.pop()!;
      for (const part of parts) {
        line++;
        if (part.trim() === '' && pending.length === 0) {
          firstLine = line + 1;
          continue;
        }
        pending.push(part.replace(/\r$/, ''));
        if (hasHeader === null) hasHeader = isHeaderLine(pending[0]);
        if (pending.length >= flags.batchSize + headerLines()) {
          yield parse(pending);
          pending = [];
          firstLine = line + 1;
        }
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // Interrupted: the rows cut off mid-stream are not a batch.
  if (signal.aborted) return;
  if (carry.trim() !== '') pending.push(carry.replace(/\r$/, ''));
  if (pending.filter((l) => l.trim() !== '').length > headerLines()) yield parse(pending.filter((l) => l.trim() !== ''));
  else if (pending.length > 0 && first) yield parse(pending);
}

/** An InputError from parsing one batch, with the line numbers of the whole stream. */
function shiftLines(error: unknown, offset: number): unknown {
  if (!hasErrorCode(error, 'input') || error.line === undefined) return error;
  return restateError(error, { file: 'stdin', line: error.line + offset });
}


/**
 * `emkit fit <model> --online --data -`: fits the stream on stdin, then prints a summary. Ctrl-C
 * is how an endless stream ends: it writes a final checkpoint and exits normally.
 */
export async function runStreamFit(plugin: AnyModelPlugin, raw: unknown, files: Record<string, string>, flags: FitFlags & OnlineFlags, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  let summary: StreamFitSummary;
  let objective: Objective;
  try {
    objective = objectiveOf(plugin, plugin.parseOptions(raw));
    checkDriverFlags(plugin, flags);
    await checkOutputPath(flags.out!);
    summary = await fitStream(plugin, raw, flags, signal);
  } catch (error) {
    throw withFlagNames(error, plugin, files);
  }
  printSummary([
    ['model', plugin.name],
    ['data', `stdin (${summary.rows} rows${summary.columns ? ` × ${summary.columns.length} columns` : ''})`],
    ['online', `${summary.steps} mini-batch steps of ${flags.batchSize} rows`],
    [`held-out mean ${objective.name}`, summary.heldOutMeanLogLikelihood === null ? 'n/a' : `${formatNumber(summary.heldOutMeanLogLikelihood)} (${summary.heldOutRows} rows)`],
    ['checkpoints', `${summary.checkpoints} (every ${flags.checkpointEvery} batches and at the end)`],
    ['wall time', `${((performance.now() - started) / 1000).toFixed(2)} s`],
    ['model file', flags.out!],
    ...(signal.aborted ? [['ended', 'by Ctrl-C (SIGINT): the model file holds the final checkpoint'] as [string, string]] : []),
  ]);
}

/** A first line with a cell that is not a number is a header (the CSV reader's auto rule). */
function isHeaderLine(line: string): boolean {
  try {
    parseCsv(line, 'stdin', { header: 'no' });
    return false;
  } catch {
    return true;
  }
}
