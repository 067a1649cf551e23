import { performance } from 'node:perf_hooks';
import {
  type AnyModelPlugin,
  type CandidateRow,
  type OptionSpec,
  type SelectionCriterion,
  FitError,
  SELECTION_CRITERIA,
  candidateGrid,
  describeCandidate,
  LOG_LIKELIHOOD,
  hasErrorCode,
  restateError,
  selectModel,
} from '@emkit/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeStdout } from './files.js';
import { type FitFlags, describeData, describeInitStep, fitFlags, formatDuration, modelFileOf, printSummary, runFitting, withInterrupts, writeModelOutput } from './fit-plumbing.js';
import { RESERVED_FLAGS, attributeOf, defaultNote, flagNumber, flagOf, helpGroupOf, invalidFlagValue, optionFor, rawPluginOptions } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';
import { dataOptions, formatNumber, stderr } from './shared.js';
import { modelColumnsOf } from '@emkit/io/node';
import { modelInputs, rowInOriginalUnits, standardisedNote, toOriginalUnits } from './standardize.js';
import { agreementWithLabels, formatAgreement } from './labels.js';

interface SelectFlags extends FitFlags {
  criterion: SelectionCriterion;
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
      } else out.push(flagNumber(spec, item));
    } else if (spec.type === 'number') out.push(flagNumber(spec, item));
    else if (item === 'all' && spec.choices) out.push(...(spec.allChoices ?? spec.choices));
    else {
      if (spec.choices && !spec.choices.includes(item)) throw invalidFlagValue({ ...spec, expected: `one of ${spec.choices.join(', ')} (or all)` }, item);
      out.push(item);
    }
  }
  return [...new Set(out)];
}

function candidateOption(spec: OptionSpec): Option {
  const flag = flagOf(spec);
  if ([...RESERVED_FLAGS, 'criterion', 'workers'].includes(flag)) throw new Error(`plugin option "${spec.name}" clashes with the CLI flag --${flag}`);
  const shown = defaultNote(spec);
  const kind = spec.type === 'integer' ? '<list|a..b>' : '<list>';
  const choices = spec.choices ? `; any of: ${spec.choices.join(', ')}, or all` : '';
  const option = new Option(`--${flag} ${kind}`, `${spec.description}; candidates as a comma-separated list${spec.type === 'integer' ? ' or a range a..b' : ''}${choices}${shown}`).helpGroup(helpGroupOf(spec));
  if (spec.required) option.makeOptionMandatory();
  return option.argParser((value: string, previous: (number | string)[] | undefined) => [...new Set([...(previous ?? []), ...parseCandidateValues(spec, value)])]);
}

/**
 * The help's example, from the plugin's options: its first required integer as a range, and the
 * first option that says what `all` stands for (`allChoices`) as all of them.
 */
export function selectExample(plugin: Pick<AnyModelPlugin, 'name' | 'optionSpecs'>): string {
  const count = plugin.optionSpecs.find((s) => s.type === 'integer' && s.required);
  const family = plugin.optionSpecs.find((s) => s.allChoices !== undefined);
  const axes = [count ? ` --${flagOf(count)} 1..10` : '', family ? ` --${flagOf(family)} all` : ''].join('');
  return `emkit select ${plugin.name} --data x.csv${axes} --criterion bic --out best.json`;
}

/** `emkit select <model>`: fits every combination of candidate option values, picks the best by BIC, AIC or ICL. */
export function selectCommand(model: RegisteredModel): Command {
  const { plugin } = model;
  const command = new Command(plugin.name).description(`choose ${plugin.name} options (K, ...) by an information criterion`);
  dataOptions(command);
  for (const spec of plugin.optionSpecs) command.addOption(isCandidateAxis(spec) ? candidateOption(spec) : optionFor(spec));
  command.addOption(new Option('--criterion <name>', 'information criterion, smaller is better (ICL = BIC + 2·entropy of the responsibilities)').choices(SELECTION_CRITERIA).default('bic'));
  return fitFlags(command, plugin, {
    restarts: 'restarts per candidate',
    seed: 'base seed of every candidate; restart r uses a seed derived from (seed, r)',
    workers: 'worker threads shared by all candidates',
    out: 'write the best model file here',
    json: 'print the selection table and the best model file as JSON on stdout',
  })
    .addHelpText('after', `\nExample:\n  ${selectExample(plugin)}`)
    .action((flags: SelectFlags) => withInterrupts((signal) => runSelect(model, flags, signal)));
}

async function runSelect(model: RegisteredModel, flags: SelectFlags, signal: AbortSignal): Promise<void> {
  const { plugin } = model;
  const started = performance.now();
  // Candidate axes (several values) and shared options (one value each).
  const axes: Record<string, (number | string)[]> = {};
  const sharedFlags: Record<string, unknown> = {};
  for (const spec of plugin.optionSpecs) {
    const key = attributeOf(spec);
    if (flags[key] === undefined) continue;
    if (isCandidateAxis(spec)) axes[spec.name] = flags[key] as (number | string)[];
    else sharedFlags[key] = flags[key];
  }
  const { raw: base, files } = await rawPluginOptions(plugin, sharedFlags);
  // Categorical axes vary slowest, so the table lists K = 1, 2, … under each covariance type.
  const axisNames = Object.keys(axes);
  const ordered = [...axisNames.filter((n) => typeof axes[n][0] === 'string'), ...axisNames.filter((n) => typeof axes[n][0] !== 'string')];
  const candidates = candidateGrid(Object.fromEntries(ordered.map((n) => [n, axes[n]])), base);
  const checkCandidates = (): void =>
    candidates.forEach((candidate, index) => {
      try {
        plugin.parseOptions(candidate);
      } catch (error) {
        if (!hasErrorCode(error, 'option')) throw error;
        const what = describeCandidate(Object.fromEntries(ordered.map((n) => [n, candidate[n]])));
        throw restateError(error, { detail: `candidate ${index + 1} (${what}): ${error.detail}` });
      }
    });
  // Progress: candidates done, elapsed time, an estimate of the time left, and what is running.
  let finished = 0;
  const running = new Map<unknown, string>();
  const describeRaw = (raw: unknown): string => describeCandidate(Object.fromEntries(ordered.map((n) => [n, (raw as Record<string, unknown>)[n]])));
  const candidateProgress = (): string => {
    const elapsed = (performance.now() - started) / 1000;
    const left = finished > 0 ? ` · about ${formatDuration((elapsed / finished) * (candidates.length - finished))} left` : '';
    const now = [...running.values()].slice(0, 2).join(', ');
    return `candidates ${finished}/${candidates.length} done · ${formatDuration(elapsed)} elapsed${left}${now ? ` · ${now}` : ''}`;
  };
  const { result: selected, file, transform } = await runFitting(plugin, flags, files, signal, checkCandidates, (fitter, status) =>
    selectModel(plugin, fitter.data, candidates, {
      criterion: flags.criterion,
      fitCandidate: (raw, { signal }) =>
        fitter.fit(raw, {
          signal,
          onProgress: (p) => {
            // A candidate's first iteration is drawn at once (fast candidates would otherwise never show).
            const starting = p.iteration === 1 || !running.has(raw);
            running.set(raw, `${describeRaw(raw)} at iteration ${p.iteration}`);
            status.show(candidateProgress(), starting);
          },
          onInitProgress: (p) => {
            const starting = !running.has(raw);
            running.set(raw, `${describeRaw(raw)} initialising (${describeInitStep(p)})`);
            status.show(candidateProgress(), starting);
          },
        }),
      // In the main thread candidates gain nothing from interleaving; on a pool they fill it.
      concurrency: fitter.pooled ? candidates.length : 1,
      signal,
      onCandidate: (row, done) => {
        finished = done;
        running.delete(candidates[row.index]);
        status.show(candidateProgress(), true);
      },
    }),
  );

  // In the original units when the fits saw standardised data.
  const selection = transform === null ? selected : { ...selected, table: selected.table.map((row) => rowInOriginalUnits(row, transform, file.dataset)) };
  // Columns for the options that vary (all candidate options when none does).
  const varying = plugin.optionSpecs.map((s) => s.name).filter((n) => n in axes && axes[n].length > 1);
  const columns = varying.length > 0 ? varying : plugin.optionSpecs.map((s) => s.name).filter((n) => n in axes);
  stderr(formatSelectionTable(selection.table, columns, selection.criterion));
  const top = bestCandidates(selection.table, columns, selection.criterion, 3);
  if (top.length > 0) stderr(formatBestCandidates(top, selection.criterion));
  const best = selection.best;
  let modelFile: Record<string, unknown> | null = null;
  if (best !== null) {
    const row = selection.table[best.index];
    const summary = { criterion: selection.criterion, bic: row.bic, aic: row.aic, icl: row.icl, candidates: candidates.length, failed: selection.table.filter((r) => r.status === 'failed').length };
    modelFile = modelFileOf(model, toOriginalUnits(best.fit, transform, file), { icl: row.icl, selection: summary, columns: modelColumnsOf(file.layout) });
    await writeModelOutput(flags, modelFile, plugin.name);
  }
  const seconds = (performance.now() - started) / 1000;
  printSummary([
    ['data', describeData(file)],
    ...(transform === null || best === null ? [] : [['standardised', standardisedNote(transform, best.fit.objective)] as [string, string]]),
    ['selected', best === null ? 'none: every candidate failed' : `${describe(best.row, columns)} (smallest ${selection.criterion.toUpperCase()}, smaller is better)`],
    ['wall time', `${seconds.toFixed(2)} s`],
    ['model file', best === null || flags.out === undefined ? 'not written' + (flags.out === undefined ? ' (no --out)' : '') : flags.out],
  ]);
  // --label: how the selected model's components agree with the ground truth, as after `fit`.
  const agreement = best === null || file.dataset.external ? null : agreementWithLabels(plugin, best.fit.params, modelInputs(file, transform), file);
  if (agreement !== null) stderr(formatAgreement(agreement));
  if (flags.json) {
    const details = { model: plugin.name, criterion: selection.criterion, best: best?.index ?? null, top, candidates: selection.table, bestModel: modelFile, ...(agreement === null ? {} : { agreement }), wallTimeSeconds: seconds, out: best === null ? null : (flags.out ?? null) };
    await writeStdout(`${JSON.stringify(details)}\n`);
  }
  if (best === null) {
    const reasons = [...new Set(selection.table.map((r) => r.error))].slice(0, 3).join('; ');
    throw new FitError({ plugin: plugin.name, detail: `every candidate failed (${reasons}); nothing was written` });
  }
}

/** A leading candidate in the summary: its label (the varying options, comma-separated), criterion value and gap to the best. */
export interface TopCandidate {
  readonly index: number;
  readonly label: string;
  /** The criterion as emkit reports it (smaller is better). */
  readonly value: number;
  /** mclust's sign: −value (larger is better; for BIC and ICL, 2·logL − params·log n …). */
  readonly mclustValue: number;
  /** value − best value (≥ 0). */
  readonly difference: number;
}

/** The `count` successful candidates with the smallest criterion, best first (as summary(mclustBIC) lists its best BIC values). */
export function bestCandidates(table: readonly CandidateRow[], columns: readonly string[], criterion: SelectionCriterion, count: number): TopCandidate[] {
  const ok = table.filter((r) => r.status === 'ok' && r[criterion] !== null && Number.isFinite(r[criterion]));
  const sorted = [...ok].sort((a, b) => (a[criterion] as number) - (b[criterion] as number) || a.index - b.index).slice(0, count);
  if (sorted.length === 0) return [];
  const bestValue = sorted[0][criterion] as number;
  return sorted.map((r) => {
    const value = r[criterion] as number;
    return { index: r.index, label: columns.map((c) => String(r.options[c])).join(',') || `candidate ${r.index + 1}`, value, mclustValue: -value, difference: value - bestValue };
  });
}

/**
 * The leading candidates the way summary(mclustBIC) prints them: one column each, mclust's sign
 * (−criterion: larger is better) and the difference from the best.
 */
export function formatBestCandidates(top: readonly TopCandidate[], criterion: SelectionCriterion): string {
  const name = criterion.toUpperCase();
  const rows: string[][] = [
    ['', ...top.map((t) => t.label)],
    [name, ...top.map((t) => formatNumber(t.mclustValue))],
    [`${name} diff`, ...top.map((t) => formatNumber(-t.difference))],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
  return [`Best ${name} values (mclust's sign: −${name} above, larger is better):`, ...lines].join('\n');
}

function describe(row: CandidateRow, columns: readonly string[]): string {
  return columns.map((c) => `${c} = ${String(row.options[c])}`).join(', ') || `candidate ${row.index + 1}`;
}

/** The short name of the candidates' objective (`log-lik.`; `objective` when candidates differ, as with and without a prior). */
function tableObjective(table: readonly CandidateRow[]): string {
  const names = new Set(table.flatMap((r) => (r.objective === null ? [] : [r.objective.short ?? r.objective.name])));
  return names.size === 1 ? [...names][0] : names.size === 0 ? LOG_LIKELIHOOD.short! : 'objective';
}

/** The selection table: one line per candidate, the best marked; failed rows give their reason. */
export function formatSelectionTable(table: readonly CandidateRow[], columns: readonly string[], criterion: SelectionCriterion): string {
  const objective = tableObjective(table);
  const header = [...columns, `mean ${objective}`, `total ${objective}`, 'params', 'BIC', 'AIC', 'ICL', 'iterations', ''];
  const numeric = (x: number | null): string => (x === null ? '' : formatNumber(x));
  const lines = table.map((row) => {
    const options = columns.map((c) => String(row.options[c] ?? ''));
    if (row.status === 'failed') return { cells: options, tail: `failed: ${row.error ?? 'unknown error'}` };
    const iterations = `${row.iterations}${row.converged ? '' : ' (not converged)'}`;
    const failedRestarts = row.failedRestarts?.length ?? 0;
    const notes = [row.best ? `← best ${criterion.toUpperCase()}` : '', failedRestarts > 0 ? `(${failedRestarts} restart${failedRestarts > 1 ? 's' : ''} failed)` : ''].filter(Boolean).join(' ');
    return { cells: [...options, numeric(row.meanLogLikelihood), numeric(row.logLikelihood), numeric(row.parameterCount), numeric(row.bic), numeric(row.aic), numeric(row.icl), iterations, notes], tail: '' };
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
