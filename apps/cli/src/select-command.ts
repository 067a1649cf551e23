import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import {
  type CandidateRow,
  type EStepExecutor,
  type FitCandidate,
  type OptionSpec,
  type SelectionCriterion,
  type StandardizeMethod,
  FitAbortedError,
  FitError,
  OptionError,
  SELECTION_CRITERIA,
  candidateGrid,
  describeCandidate,
  fit as fitInProcess,
  inProcessExecutor,
  isEmkitError,
  modelFileFromFit,
  resolveDriverOptions,
  selectModel,
} from '@emkit/core';
import { shareDataset } from '@emkit/runner';
import { NodeWorkerPool, defaultWorkerCount, fit as fitOnPool } from '@emkit/runner/node';
import { type DataFlags, inDataFile, readDataFile, rowIdWarnings } from './data.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkFiniteModel, checkOutputPath, writeModelFile, writeStdout } from './files.js';
import { RESERVED_FLAGS, kebab, optionFor, parseIntegerFlag, parseNumberFlag, rawPluginOptions, withFlagNames } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';
import { modelColumnsOf } from '@emkit/io/node';
import { dataToFit, rowInOriginalUnits, standardizeMethod, standardizeOption, toOriginalUnits } from './standardize.js';
import { dataOptions, formatNumber, stderr } from './shared.js';

interface SelectFlags extends DataFlags {
  criterion: SelectionCriterion;
  tol?: number;
  maxIter?: number;
  restarts: number;
  seed: number;
  workers?: number;
  out?: string;
  json?: boolean;
  standardize?: StandardizeMethod | boolean;
  [plugin: string]: unknown;
}

/**
 * Options that take several candidate values in `emkit select`: integers (`1..10`, `2,3,5`),
 * numbers (`1e-6,1e-3`) and strings with choices (`full,diag`). The others (json files, lists,
 * free text) take one value shared by every candidate.
 */
export function isCandidateAxis(spec: OptionSpec): boolean {
  return spec.type === 'integer' || spec.type === 'number' || (spec.type === 'string' && spec.choices !== undefined);
}

/**
 * Parses one flag value into candidate values: comma-separated items, each an integer range
 * `a..b` (integers only, a ≤ b), or a single value. Duplicates are dropped, order is kept.
 */
export function parseCandidateValues(spec: OptionSpec, text: string): (number | string)[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw new InvalidArgumentError('expected a value, a comma-separated list (2,3,5) or, for integers, a range (1..10).');
  const out: (number | string)[] = [];
  for (const item of items) {
    if (spec.type === 'integer') {
      const range = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(item);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        if (from > to) throw new InvalidArgumentError(`the range ${item} is empty: write it low..high.`);
        if (to - from >= 1000) throw new InvalidArgumentError(`the range ${item} has more than 1000 values.`);
        for (let v = from; v <= to; v++) out.push(v);
      } else out.push(parseIntegerFlag(item));
    } else if (spec.type === 'number') out.push(parseNumberFlag(item));
    else {
      if (spec.choices && !spec.choices.includes(item)) throw new InvalidArgumentError(`"${item}" is not one of ${spec.choices.join(', ')}.`);
      out.push(item);
    }
  }
  return [...new Set(out)];
}

function candidateOption(spec: OptionSpec): Option {
  const flag = kebab(spec.name);
  if ([...RESERVED_FLAGS, 'criterion', 'workers'].includes(flag)) throw new Error(`plugin option "${spec.name}" clashes with the CLI flag --${flag}`);
  const shown = spec.required ? ' (required)' : spec.defaultValue !== undefined ? ` (default: ${spec.defaultValue})` : '';
  const kind = spec.type === 'integer' ? '<list|a..b>' : '<list>';
  const choices = spec.choices ? `; any of: ${spec.choices.join(', ')}` : '';
  const option = new Option(`--${flag} ${kind}`, `${spec.description}; candidates as a comma-separated list${spec.type === 'integer' ? ' or a range a..b' : ''}${choices}${shown}`);
  if (spec.required) option.makeOptionMandatory();
  return option.argParser((value: string, previous: (number | string)[] | undefined) => [...new Set([...(previous ?? []), ...parseCandidateValues(spec, value)])]);
}

/** See fit-command: the in-process executor must yield a macrotask per E-step for Ctrl-C. */
const yieldingExecutor: EStepExecutor = {
  async eStep(plugin, params, data, shards, signal) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return inProcessExecutor.eStep(plugin, params, data, shards, signal);
  },
};

/** `emkit select <model>`: fits every combination of candidate option values, picks the best by BIC, AIC or ICL. */
export function selectCommand(model: RegisteredModel): Command {
  const { plugin } = model;
  const command = new Command(plugin.name).description(`choose ${plugin.name} options (K, ...) by an information criterion`);
  dataOptions(command);
  for (const spec of plugin.optionSpecs) command.addOption(isCandidateAxis(spec) ? candidateOption(spec) : optionFor(spec));
  command
    .addOption(new Option('--criterion <name>', 'information criterion, smaller is better (ICL = BIC + 2·entropy of the responsibilities)').choices(SELECTION_CRITERIA).default('bic'))
    .addOption(new Option('--tol <number>', `convergence tolerance (default: ${plugin.defaults.tol})`).argParser(parseNumberFlag))
    .addOption(new Option('--max-iter <integer>', `maximum iterations per restart (default: ${plugin.defaults.maxIter})`).argParser(parseIntegerFlag))
    .addOption(new Option('--restarts <integer>', 'restarts per candidate, the best log-likelihood wins').argParser(parseIntegerFlag).default(1))
    .addOption(new Option('--seed <integer>', 'base seed of every candidate; restart r uses a seed derived from (seed, r)').argParser(parseIntegerFlag).default(0))
    .addOption(
      new Option('--workers <integer>', `worker threads shared by all candidates; 0 fits in the main thread; results do not depend on it (default: ${defaultWorkerCount()}, the number of cores)`).argParser(
        parseIntegerFlag,
      ),
    )
    .addOption(standardizeOption())
    .option('--out <model.json>', 'write the best model file here (atomically; - for standard output)')
    .option('--json', 'print the selection table and the best model file as JSON on stdout')
    .addHelpText('after', `\nExample:\n  emkit select ${plugin.name} --data x.csv --k 1..10${plugin.name === 'gmm' ? ' --covariance full,diag,spherical,tied' : ''} --criterion bic --out best.json`)
    .action((flags: SelectFlags) => runSelect(model, flags));
  return command;
}

async function runSelect(model: RegisteredModel, flags: SelectFlags): Promise<void> {
  const { plugin } = model;
  const started = performance.now();
  const controller = new AbortController();
  // Every candidate's fit (and each of its shards) listens to this one signal.
  setMaxListeners(0, controller.signal);
  let interrupts = 0;
  const onSigint = (): void => {
    if (++interrupts > 1) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    // Candidate axes (several values) and shared options (one value each).
    const axes: Record<string, (number | string)[]> = {};
    const sharedFlags: Record<string, unknown> = {};
    for (const spec of plugin.optionSpecs) {
      const key = new Option(`--${kebab(spec.name)}`).attributeName();
      if (flags[key] === undefined) continue;
      if (isCandidateAxis(spec)) axes[spec.name] = flags[key] as (number | string)[];
      else sharedFlags[key] = flags[key];
    }
    const { raw: base, files } = await rawPluginOptions(plugin, sharedFlags);
    // Categorical axes vary slowest, so the table lists K = 1, 2, … under each covariance type.
    const axisNames = Object.keys(axes);
    const ordered = [...axisNames.filter((n) => typeof axes[n][0] === 'string'), ...axisNames.filter((n) => typeof axes[n][0] !== 'string')];
    const candidates = candidateGrid(Object.fromEntries(ordered.map((n) => [n, axes[n]])), base);
    const driverOptions = { tol: flags.tol, maxIter: flags.maxIter, restarts: flags.restarts, seed: flags.seed };
    try {
      resolveDriverOptions(plugin, driverOptions);
      candidates.forEach((candidate, index) => {
        try {
          plugin.parseOptions(candidate);
        } catch (error) {
          if (!(isEmkitError(error) && error.code === 'option')) throw error;
          const what = describeCandidate(Object.fromEntries(ordered.map((n) => [n, candidate[n]])));
          const field = (error as OptionError).field;
          throw new OptionError(field, `candidate ${index + 1} (${what}): ${error.message.slice(field.length + 2)}`);
        }
      });
      if (flags.workers !== undefined && flags.workers < 0) throw new OptionError('workers', `must be an integer ≥ 0, got ${flags.workers}`);
    } catch (error) {
      throw withFlagNames(error, plugin, files);
    }
    if (flags.out === '-' && flags.json) throw new OptionError('--out', '- writes the model file to standard output, where --json writes too; give one of them');
    if (flags.out !== undefined) await checkOutputPath(flags.out);
    const file = await readDataFile(flags);
    for (const warning of rowIdWarnings(file)) stderr(`warning: ${warning}`);
    const { data: fitData, transform } = dataToFit(file, standardizeMethod(flags.standardize));
    if (controller.signal.aborted) throw new FitAbortedError(controller.signal.reason);

    const workers = flags.workers ?? defaultWorkerCount();
    const pool = workers > 0 ? new NodeWorkerPool(workers) : null;
    const progress = process.stderr.isTTY ? progressLine() : undefined;
    let selection;
    try {
      // The data goes into shared memory once; every candidate's tasks carry a handle to it.
      const data = pool ? shareDataset(fitData).data : fitData;
      const fitCandidate: FitCandidate<unknown, unknown> = pool
        ? (raw, { signal }) => fitOnPool(plugin, data, raw, { ...driverOptions, pool, signal })
        : (raw, { signal }) => fitInProcess(plugin, data, raw, { ...driverOptions, signal, executor: yieldingExecutor });
      selection = await selectModel(plugin, data, candidates, {
        criterion: flags.criterion,
        fitCandidate,
        // In the main thread candidates gain nothing from interleaving; on a pool they fill it.
        concurrency: pool ? candidates.length : 1,
        signal: controller.signal,
        onCandidate: progress?.update,
      });
    } catch (error) {
      throw inDataFile(withFlagNames(error, plugin, files), file);
    } finally {
      progress?.clear();
      await pool?.close();
    }
    if (controller.signal.aborted) throw new FitAbortedError(controller.signal.reason);

    if (transform !== null) selection = { ...selection, table: selection.table.map((row) => rowInOriginalUnits(row, transform, file.dataset)) };
    const { dataset } = file;
    // Columns for the options that vary (all candidate options when none does).
    const varying = plugin.optionSpecs.map((s) => s.name).filter((n) => n in axes && axes[n].length > 1);
    const columns = varying.length > 0 ? varying : plugin.optionSpecs.map((s) => s.name).filter((n) => n in axes);
    stderr(formatSelectionTable(selection.table, columns, selection.criterion));
    const best = selection.best;
    let modelFile: Record<string, unknown> | null = null;
    if (best !== null) {
      const summary = { criterion: selection.criterion, bic: best.row.bic, aic: best.row.aic, icl: best.row.icl, candidates: candidates.length, failed: selection.table.filter((r) => r.status === 'failed').length };
      modelFile = { ...modelFileFromFit(plugin, toOriginalUnits(best.fit, transform, file)), ...model.extraFitFields?.(best.fit), icl: best.row.icl, selection: summary, columns: modelColumnsOf(file.layout) };
      checkFiniteModel(modelFile, plugin.name);
      if (flags.out !== undefined) await writeModelFile(flags.out, modelFile, plugin.name);
    }
    const seconds = (performance.now() - started) / 1000;
    stderr(
      [
        `data        ${file.path} (${dataset.rows} rows × ${dataset.cols} columns)`,
        `selected    ${best === null ? 'none: every candidate failed' : `${describe(best.row, columns)} (smallest ${selection.criterion.toUpperCase()}, smaller is better)`}`,
        `wall time   ${seconds.toFixed(2)} s`,
        `model file  ${best === null || flags.out === undefined ? 'not written' + (flags.out === undefined ? ' (no --out)' : '') : flags.out}`,
      ].join('\n'),
    );
    if (flags.json) {
      const details = { model: plugin.name, criterion: selection.criterion, best: best?.index ?? null, candidates: selection.table, bestModel: modelFile, wallTimeSeconds: seconds, out: best === null ? null : (flags.out ?? null) };
      await writeStdout(`${JSON.stringify(details)}\n`);
    }
    if (best === null) {
      const reasons = [...new Set(selection.table.map((r) => r.error))].slice(0, 3).join('; ');
      throw new FitError(plugin.name, `every candidate failed (${reasons}); nothing was written`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function describe(row: CandidateRow, columns: readonly string[]): string {
  return columns.map((c) => `${c} = ${String(row.options[c])}`).join(', ') || `candidate ${row.index + 1}`;
}

/** The selection table: one line per candidate, the best marked; failed rows give their reason. */
export function formatSelectionTable(table: readonly CandidateRow[], columns: readonly string[], criterion: SelectionCriterion): string {
  const header = [...columns, 'mean log-lik.', 'total log-lik.', 'params', 'BIC', 'AIC', 'ICL', 'iterations', ''];
  const numeric = (x: number | null): string => (x === null ? '' : formatNumber(x));
  const lines = table.map((row) => {
    const options = columns.map((c) => String(row.options[c] ?? ''));
    if (row.status === 'failed') return { cells: options, tail: `failed: ${row.error ?? 'unknown error'}` };
    const iterations = `${row.iterations}${row.converged ? '' : ' (not converged)'}`;
    return { cells: [...options, numeric(row.meanLogLikelihood), numeric(row.logLikelihood), numeric(row.parameterCount), numeric(row.bic), numeric(row.aic), numeric(row.icl), iterations, row.best ? `← best ${criterion.toUpperCase()}` : ''], tail: '' };
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l.cells[i] ?? '').length)));
  const numericFrom = columns.length;
  const format = (cells: string[]): string =>
    cells
      .map((cell, i) => (i >= numericFrom && i < header.length - 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(header), ...lines.map((l) => (l.tail ? `${format(l.cells)}  ${l.tail}` : format(l.cells)))].join('\n');
}

/** On a terminal: how many candidates are done, rewritten in place. */
function progressLine(): { update: (row: CandidateRow, finished: number, total: number) => void; clear: () => void } {
  let shown = false;
  return {
    update(_row, finished, total) {
      process.stderr.write(`\r\x1b[2Kfitted ${finished}/${total} candidates`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}
