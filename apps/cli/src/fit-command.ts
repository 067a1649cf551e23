import { performance } from 'node:perf_hooks';
import { type FitProgress, supportsStepwise } from '@emkit/core';
import { Command } from 'commander';
import { writeStdout } from './files.js';
import { type FitFlags, describeData, fitFlags, modelFileOf, printSummary, runFitting, withInterrupts, writeModelOutput } from './fit-plumbing.js';
import { optionFor, rawPluginOptions } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';
import { dataOptions, formatNumber } from './shared.js';
import { distributedFlags } from './distributed-flags.js';
import { type OnlineFlags, onlineFields, onlineFlags, runStreamFit } from './online-flags.js';

/** `emkit fit <model>`: one subcommand per registered model, its flags from the plugin's optionSpecs. */
export function fitCommand(model: RegisteredModel): Command {
  const { plugin } = model;
  const command = new Command(plugin.name).description(plugin.description);
  dataOptions(command);
  for (const spec of plugin.optionSpecs) command.addOption(optionFor(spec));
  distributedFlags(command);
  // Plugins whose statistics are sums over rows can also be fitted online.
  if (supportsStepwise(plugin)) onlineFlags(command);
  return fitFlags(command, plugin, {
    restarts: 'number of restarts, the best log-likelihood wins',
    seed: 'base seed; restart r uses a seed derived from (seed, r)',
    workers: 'worker threads for E-step shards and restarts',
    out: 'write the model file here (atomically)',
    json: 'print the model file and run details as JSON on stdout',
  }).action((flags: FitFlags) => withInterrupts((signal) => runFit(model, flags, signal)));
}

async function runFit(model: RegisteredModel, flags: FitFlags, signal: AbortSignal): Promise<void> {
  const { plugin } = model;
  const started = performance.now();
  const { raw, files } = await rawPluginOptions(plugin, flags);
  if (flags.online === true && flags.data === '-') return runStreamFit(plugin, raw, files, flags as FitFlags & OnlineFlags, signal);
  // Options first: a bad flag should not wait for a large file to be read.
  const { result, file } = await runFitting(plugin, flags, files, signal, () => plugin.parseOptions(raw), (fitter, status) =>
    fitter.fit(raw, { signal, onProgress: (p) => status.show(progressText(p, flags.restarts)) }),
  );

  const online = flags.online === true;
  const modelFile = modelFileOf(model, result, online ? onlineFields(result, flags as FitFlags & OnlineFlags) : {});
  await writeModelOutput(flags, modelFile, plugin.name);
  const seconds = (performance.now() - started) / 1000;

  const lines: [string, string][] = [
    ['model', `${plugin.name}${typeof modelFile.k === 'number' ? ` (k = ${modelFile.k})` : ''}`],
    ['data', describeData(file)],
    ['mean log-likelihood', formatNumber(result.meanLogLikelihood)],
    ['iterations', `${result.iterations} (${result.converged ? 'converged' : 'did not converge: raise --max-iter or --tol'})`],
  ];
  if (result.bic !== null && result.aic !== null) lines.push(['BIC / AIC', `${formatNumber(result.bic)} / ${formatNumber(result.aic)}`]);
  for (const [key, value] of Object.entries(model.extraFitFields?.(result) ?? {}))
    lines.push([key, typeof value === 'number' ? formatNumber(value) : Array.isArray(value) ? `${value.length} values (in the model file)` : JSON.stringify(value)]);
  const failed = result.failedRestarts ?? [];
  const total = result.restarts.length + failed.length;
  lines.push(['restarts', total > 1 ? `${total} (best: restart ${result.restart + 1}${failed.length > 0 ? `; ${failed.length} failed` : ''})` : '1']);
  for (const f of failed) lines.push([`failed restart ${f.restart + 1}`, f.reason]);
  if (result.monotonicityViolations.length > 0)
    lines.push(['warning', `the log-likelihood decreased at ${result.monotonicityViolations.length} iteration(s); see monotonicityViolations in the model file`]);
  if (online) {
    const { passes, steps } = (modelFile.online ?? {}) as { passes?: number; steps?: number };
    lines.push(['online', `${steps} mini-batch steps over ${passes} pass(es) of ${String(flags.batchSize)} rows`]);
  }
  if (flags.redis !== undefined) lines.push(['distributed run', `${(result as { run?: string }).run} (through Redis)`]);
  lines.push(['wall time', `${seconds.toFixed(2)} s`]);
  lines.push(['model file', flags.out ?? 'not written (no --out)']);
  printSummary(lines);

  if (flags.json) {
    const details = { ...modelFile, restarts: total, failedRestarts: failed.map((f) => ({ ...f, restart: f.restart + 1 })), wallTimeSeconds: seconds, out: flags.out ?? null };
    await writeStdout(`${JSON.stringify(details)}\n`);
  }
}

function progressText(p: FitProgress, restarts: number): string {
  const restart = restarts > 1 ? `restart ${p.restart + 1}/${restarts}  ` : '';
  const change = Number.isFinite(p.change) ? `  change ${p.change.toExponential(2)}` : '';
  return `${restart}iteration ${p.iteration}  mean log-likelihood ${formatNumber(p.meanLogLikelihood)}${change}`;
}
