import { performance } from 'node:perf_hooks';
import {
  type EStepExecutor,
  type FitProgress,
  FitAbortedError,
  OptionError,
  type StandardizeMethod,
  inProcessExecutor,
  modelFileFromFit,
  resolveDriverOptions,
} from '@emkit/core';
import { defaultWorkerCount, fit } from '@emkit/runner/node';
import { Command, Option } from 'commander';
import { type DataFlags, inDataFile, readDataFile, rowIdWarnings } from './data.js';
import { checkFiniteModel, checkOutputPath, writeModelFile, writeStdout } from './files.js';
import { optionFor, parseIntegerFlag, parseNumberFlag, rawPluginOptions, withFlagNames } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';
import { modelColumnsOf } from '@emkit/io/node';
import { agreementWithLabels, formatAgreement } from './labels.js';
import { dataToFit, standardizeMethod, standardizeOption, toOriginalUnits } from './standardize.js';
import { dataOptions, formatNumber, stderr } from './shared.js';

interface FitFlags extends DataFlags {
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
 * The in-process executor resolves through microtasks only, so a CPU-bound fit would never let
 * the SIGINT handler run. Yielding one macrotask per E-step (a few µs) keeps Ctrl-C responsive.
 */
const yieldingExecutor: EStepExecutor = {
  async eStep(plugin, params, data, shards, signal) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return inProcessExecutor.eStep(plugin, params, data, shards, signal);
  },
};

/** `emkit fit <model>`: one subcommand per registered model, its flags from the plugin's optionSpecs. */
export function fitCommand(model: RegisteredModel): Command {
  const { plugin } = model;
  const command = new Command(plugin.name).description(plugin.description);
  dataOptions(command);
  for (const spec of plugin.optionSpecs) command.addOption(optionFor(spec));
  command
    .addOption(new Option('--tol <number>', `convergence tolerance (default: ${plugin.defaults.tol})`).argParser(parseNumberFlag))
    .addOption(new Option('--max-iter <integer>', `maximum iterations per restart (default: ${plugin.defaults.maxIter})`).argParser(parseIntegerFlag))
    .addOption(new Option('--restarts <integer>', 'number of restarts, the best log-likelihood wins').argParser(parseIntegerFlag).default(1))
    .addOption(new Option('--seed <integer>', 'base seed; restart r uses a seed derived from (seed, r)').argParser(parseIntegerFlag).default(0))
    .addOption(
      new Option('--workers <integer>', `worker threads for E-step shards and restarts; 0 fits in the main thread; results do not depend on it (default: ${defaultWorkerCount()}, the number of cores)`).argParser(
        parseIntegerFlag,
      ),
    )
    .addOption(standardizeOption())
    .option('--out <model.json>', 'write the model file here (atomically; through a symbolic link its target is replaced; - for standard output)')
    .option('--json', 'print the model file and run details as JSON on stdout')
    .action((flags: FitFlags) => runFit(model, flags));
  return command;
}

async function runFit(model: RegisteredModel, flags: FitFlags): Promise<void> {
  const { plugin } = model;
  const started = performance.now();
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    // A second Ctrl-C leaves at once; outputs are written by rename, so nothing partial remains.
    if (++interrupts > 1) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    const { raw, files } = await rawPluginOptions(plugin, flags);
    const driverOptions = {
      tol: flags.tol,
      maxIter: flags.maxIter,
      restarts: flags.restarts,
      seed: flags.seed,
    };
    try {
      // Options first: a bad flag should not wait for a large file to be read.
      plugin.parseOptions(raw);
      resolveDriverOptions(plugin, driverOptions);
      if (flags.workers !== undefined && flags.workers < 0) throw new OptionError('workers', `must be an integer ≥ 0, got ${flags.workers}`);
    } catch (error) {
      throw withFlagNames(error, plugin, files);
    }
    if (flags.out === '-' && flags.json) throw new OptionError('--out', '- writes the model file to standard output, where --json writes too; give one of them');
    if (flags.out !== undefined) await checkOutputPath(flags.out);
    const file = await readDataFile(flags);
    for (const warning of rowIdWarnings(file)) stderr(`warning: ${warning}`);
    const { dataset } = file;
    const { data: fitData, transform } = dataToFit(file, standardizeMethod(flags.standardize));
    if (controller.signal.aborted) throw new FitAbortedError(controller.signal.reason);

    const progress = process.stderr.isTTY ? progressLine(driverOptions.restarts) : undefined;
    let result;
    try {
      const workers = flags.workers ?? defaultWorkerCount();
      // On workers the main thread only waits, so SIGINT is handled; in-process it must yield.
      result = await fit(plugin, fitData, raw, {
        ...driverOptions,
        workers,
        signal: controller.signal,
        onProgress: progress?.update,
        ...(workers === 0 ? { executor: yieldingExecutor } : {}),
      });
    } catch (error) {
      throw inDataFile(withFlagNames(error, plugin, files), file);
    } finally {
      progress?.clear();
    }
    if (controller.signal.aborted) throw new FitAbortedError(controller.signal.reason);
    result = toOriginalUnits(result, transform, file);

    const modelFile: Record<string, unknown> = { ...modelFileFromFit(plugin, result), ...model.extraFitFields?.(result), columns: modelColumnsOf(file.layout) };
    // Before --out and --json alike: JSON.stringify would print NaN as null.
    checkFiniteModel(modelFile, plugin.name);
    if (flags.out !== undefined) await writeModelFile(flags.out, modelFile, plugin.name);
    const seconds = (performance.now() - started) / 1000;

    const lines: [string, string][] = [
      ['model', `${plugin.name}${typeof modelFile.k === 'number' ? ` (k = ${modelFile.k})` : ''}`],
      ['data', `${file.path} (${dataset.rows} row${dataset.rows === 1 ? '' : 's'} × ${dataset.cols} column${dataset.cols === 1 ? '' : 's'})`],
      ...(transform === null ? [] : [['standardised', `${transform.method === 'zscore' ? 'z-scores' : 'robust (median, IQR)'}; likelihoods in the original units`] as [string, string]]),
      ['mean log-likelihood', formatNumber(result.meanLogLikelihood)],
      ['iterations', `${result.iterations} (${result.converged ? 'converged' : 'did not converge: raise --max-iter or --tol'})`],
    ];
    if (result.bic !== null && result.aic !== null) lines.push(['BIC / AIC', `${formatNumber(result.bic)} / ${formatNumber(result.aic)}`]);
    for (const [key, value] of Object.entries(model.extraFitFields?.(result) ?? {}))
      lines.push([key, typeof value === 'number' ? formatNumber(value) : Array.isArray(value) ? `${value.length} values (in the model file)` : JSON.stringify(value)]);
    lines.push(['restarts', result.restarts.length > 1 ? `${result.restarts.length} (best: restart ${result.restart + 1})` : '1']);
    if (result.monotonicityViolations.length > 0)
      lines.push(['warning', `the log-likelihood decreased at ${result.monotonicityViolations.length} iteration(s); see monotonicityViolations in the model file`]);
    lines.push(['wall time', `${seconds.toFixed(2)} s`]);
    lines.push(['model file', flags.out ?? 'not written (no --out)']);
    const width = Math.max(...lines.map(([k]) => k.length));
    stderr(lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
    const agreement = agreementWithLabels(plugin, result.params, fitData, file);
    if (agreement !== null) stderr(formatAgreement(agreement));

    if (flags.json) {
      const details = { ...modelFile, restarts: result.restarts.length, ...(agreement === null ? {} : { agreement }), wallTimeSeconds: seconds, out: flags.out ?? null };
      await writeStdout(`${JSON.stringify(details)}\n`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** One line on stderr rewritten in place each iteration (only used when stderr is a terminal). */
function progressLine(restarts: number): { update: (p: FitProgress) => void; clear: () => void } {
  let shown = false;
  return {
    update(p) {
      const restart = restarts > 1 ? `restart ${p.restart + 1}/${restarts}  ` : '';
      const change = Number.isFinite(p.change) ? `  change ${p.change.toExponential(2)}` : '';
      process.stderr.write(`\r\x1b[2K${restart}iteration ${p.iteration}  mean log-likelihood ${formatNumber(p.meanLogLikelihood)}${change}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}
