import { performance } from 'node:perf_hooks';
import { type RestartInitProgress, objectiveOf, perRowShift, restartsToRun, supportsStepwise } from '@emkit/core';
import { Command } from 'commander';
import { writeStdout } from './files.js';
import { type FitFlags, describeData, fitFlags, restartProgress, modelFileOf, printSummary, runFitting, withInterrupts, writeModelOutput } from './fit-plumbing.js';
import { optionFor, rawPluginOptions } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';
import { dataOptions, formatNumber, readableLabel, stderr } from './shared.js';
import { modelColumnsOf } from '@emkit/io/node';
import { agreementWithLabels, formatAgreement } from './labels.js';
import { modelInputs, standardisedNote, toOriginalUnits } from './standardize.js';
import { distributedFlags } from './distributed-flags.js';
import { memoryFlags } from './memory.js';
import { type OnlineFlags, onlineFields, onlineFlags, runStreamFit } from './online-flags.js';

/** `emkit fit <model>`: one subcommand per registered model, its flags from the plugin's optionSpecs. */
export function fitCommand(model: RegisteredModel): Command {
  const { plugin } = model;
  const command = new Command(plugin.name).description(plugin.description);
  dataOptions(command);
  for (const spec of plugin.optionSpecs) command.addOption(optionFor(spec));
  distributedFlags(command);
  memoryFlags(command);
  // Plugins whose statistics are sums over rows can also be fitted online.
  if (supportsStepwise(plugin)) onlineFlags(command);
  return fitFlags(command, plugin, {
    restarts: 'number of restarts',
    seed: 'base seed; restart r uses a seed derived from (seed, r)',
    workers: 'worker threads for E-step shards and restarts',
    out: 'write the model file here',
    json: 'print the model file and run details as JSON on stdout',
  }).action((flags: FitFlags) => withInterrupts((signal) => runFit(model, flags, signal)));
}

async function runFit(model: RegisteredModel, flags: FitFlags, signal: AbortSignal): Promise<void> {
  const { plugin } = model;
  const started = performance.now();
  const { raw, files } = await rawPluginOptions(plugin, flags);
  if (flags.online === true && flags.data === '-') return runStreamFit(plugin, raw, files, flags as FitFlags & OnlineFlags, signal);
  // Options first: a bad flag should not wait for a large file to be read.
  const { result: fitted, file, transform, initRows } = await runFitting(
    plugin,
    flags,
    files,
    signal,
    () => plugin.parseOptions(raw),
    (fitter, status, transform) => {
      const parsed = plugin.parseOptions(raw);
      const objective = objectiveOf(plugin, parsed);
      // In the units the summary reports (original, for a density fitted on z-scores).
      const progress = restartProgress(restartsToRun(plugin, parsed, flags.restarts, fitter.data.rows), flags.maxIter ?? plugin.defaults.maxIter, objective, perRowShift(objective, transform));
      // A new stage of the init (k-means++, then k-means) is drawn at once, its steps at most 10 a second.
      let stage = '';
      const onInitProgress = (p: RestartInitProgress): void => {
        const changed = p.method !== stage;
        stage = p.method;
        status.show(progress.init(p), changed);
      };
      // The first iteration too, so that the line moves on from the init at once.
      return fitter.fit(raw, { signal, onProgress: (p) => status.show(progress.fit(p), p.iteration === 1), onInitProgress });
    },
    { outOfCore: true },
  );

  const result = toOriginalUnits(fitted, transform, file);
  const online = flags.online === true;
  const modelFile = modelFileOf(model, result, { ...(online ? onlineFields(result, flags as FitFlags & OnlineFlags) : {}), columns: modelColumnsOf(file.layout) });
  if (plugin.stochastic) {
    // Bounds from noisy steps: BIC/AIC and "monotonicity" would read as EM results they are not.
    for (const field of ['bic', 'aic', 'monotonicityViolations', 'converged']) delete modelFile[field];
  }
  await writeModelOutput(flags, modelFile, plugin.name);
  const seconds = (performance.now() - started) / 1000;

  const stochastic = plugin.stochastic;
  const { objective } = result;
  const lines: [string, string][] = [
    ['model', `${plugin.name}${typeof modelFile.k === 'number' ? ` (k = ${modelFile.k})` : ''}`],
    ['data', `${describeData(file)}${file.dataset.external ? ', out of core: read shard by shard on every pass' : ''}`],
    ...(initRows === null
      ? []
      : [['initialisation', `from a seeded reservoir sample of ${initRows.toLocaleString('en')} rows (--init-sample ${initRows} starts ${file.dataset.external ? 'an in-memory' : 'an out-of-core'} fit the same way)`] as [string, string]]),
    ...(transform === null ? [] : [['standardised', standardisedNote(transform, objective)] as [string, string]]),
    // Per row (the unit of the convergence test and of `score`), then the total beside it.
    [`mean ${objective.name}`, formatNumber(result.meanLogLikelihood)],
    [`total ${objective.name}`, formatNumber(result.logLikelihood)],
  ];
  if (stochastic) {
    // Noisy gradient steps for planned epochs: no convergence, monotonicity or BIC to speak of.
    lines.push(['training', `stochastic optimisation: ${stochastic.epochs(result.params)} epochs, ${result.iterations} steps`]);
  } else {
    lines.push(['iterations', `${result.iterations} (${result.converged ? 'converged' : 'did not converge: raise --max-iter or --tol'})`]);
    if (result.bic !== null && result.aic !== null) lines.push(['BIC / AIC', `${formatNumber(result.bic)} / ${formatNumber(result.aic)}`]);
  }
  for (const [key, value] of Object.entries(model.extraFitFields?.(result) ?? {}))
    // A field that restates a line above (bgmm's `elbo` is the total ELBO) is in the model file only.
    if (value !== result.logLikelihood) lines.push([readableLabel(key), typeof value === 'number' ? formatNumber(value) : Array.isArray(value) ? `${value.length} values (${key} in the model file)` : JSON.stringify(value)]);
  // Numbered from 0, as `restart` in the model file and --json (failed restarts too).
  const failed = result.failedRestarts ?? [];
  const total = result.restarts.length + failed.length;
  lines.push(['restarts', total > 1 ? `${total} (best: restart ${result.restart}, numbered from 0 as in the model file${failed.length > 0 ? `; ${failed.length} failed` : ''})` : '1']);
  for (const f of failed) lines.push([`failed restart ${f.restart}`, f.reason]);
  if (!stochastic && result.monotonicityViolations.length > 0)
    lines.push(['warning', `the ${objective.name} decreased at ${result.monotonicityViolations.length} iteration(s); see monotonicityViolations in the model file`]);
  if (online) {
    const { passes, steps } = (modelFile.online ?? {}) as { passes?: number; steps?: number };
    lines.push(['online', `${steps} mini-batch steps over ${passes} pass(es) of ${String(flags.batchSize)} rows`]);
  }
  if (flags.redis !== undefined) lines.push(['distributed run', `${(result as { run?: string }).run} (through Redis)`]);
  lines.push(['wall time', `${seconds.toFixed(2)} s`]);
  lines.push(['model file', flags.out ?? 'not written (no --out)']);
  printSummary(lines);
  // Out of core the labels are not read (and the rows are not in memory).
  const agreement = file.dataset.external ? null : agreementWithLabels(plugin, result.params, modelInputs(file, transform), file);
  if (agreement !== null) stderr(formatAgreement(agreement));

  if (flags.json) {
    const details = { ...modelFile, restarts: total, failedRestarts: failed, ...(agreement === null ? {} : { agreement }), wallTimeSeconds: seconds, out: flags.out ?? null };
    await writeStdout(`${JSON.stringify(details)}\n`);
  }
}
