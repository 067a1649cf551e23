import { readFileSync } from 'node:fs';
import { OptionError, type OptionSpec, isEmkitError } from '@emkit/core';
import { Command, CommanderError } from 'commander';
import { fitCommand } from './fit-command.js';
import { predictCommand, sampleCommand, scoreCommand } from './model-commands.js';
import { selectCommand } from './select-command.js';
import { workerCommand } from './worker-command.js';
import { flagOf, isUsageError } from './plugin-flags.js';
import { registryWithPlugins, takePluginFlags } from './plugin-loader.js';
import { type RegisteredModel, registry } from './registry.js';
import { writeStdout } from './files.js';

/** The version of this package, as changesets bumps it. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function placeholder(spec: OptionSpec): string {
  if (spec.choices) return ` <${spec.choices.join('|')}>`;
  return { number: ' <number>', integer: ' <integer>', string: ' <text>', list: ' <a,b,...>', json: ' <file.json>' }[spec.type];
}

/** Every model with its options, for `emkit models` and `emkit fit --help`. */
function modelHelp(models: readonly RegisteredModel[]): string {
  const blocks: string[] = [];
  for (const { plugin } of models) {
    const rows = plugin.optionSpecs.map((spec) => {
      const shown = spec.defaultValue ?? spec.defaultText;
      const notes = [spec.required ? 'required' : '', shown !== undefined ? `default: ${shown}` : ''].filter(Boolean).join(', ');
      return [`--${flagOf(spec)}${placeholder(spec)}`, `${spec.description}${notes ? ` (${notes})` : ''}`];
    });
    const width = Math.max(0, ...rows.map(([flag]) => flag.length));
    blocks.push([`  ${plugin.name}: ${plugin.description}`, ...rows.map(([flag, text]) => `    ${flag.padEnd(width)}  ${text}`)].join('\n'));
  }
  return blocks.join('\n\n');
}

/** The CLI for the built-in models, or for `models` (the built-in ones plus those of --plugin). */
export function createProgram(models: readonly RegisteredModel[] = registry): Command {
  const program = new Command('emkit')
    .description('Fit latent-variable models by EM from CSV files')
    .version(VERSION)
    .option('--debug', 'print stack traces of errors')
    // Taken out of argv by main() before parsing (see takePluginFlags); listed here for --help.
    .option('--plugin <module>', 'load model plugins from a module: a path (a package folder or a .js file) or an installed package name; repeatable, anywhere on the command line; predict, score and sample need it again for its models')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`emkit: ${text}`) })
    .showSuggestionAfterError(true);
  // Flags may follow the subcommand (`emkit fit gmm ... --debug`): accept --debug everywhere.
  const withDebug = (command: Command): Command => command.option('--debug', 'print stack traces of errors');

  const fit = program
    .command('fit')
    .description('fit a model to a CSV file by EM and write the model file')
    .addHelpText('after', `\nModels and their options (see \`emkit fit <model> --help\`):\n${modelHelp(models)}\n\nExample:\n  emkit fit gmm --data iris.csv --k 3 --covariance full --restarts 4 --out model.json`);
  for (const model of models) fit.addCommand(withDebug(fitCommand(model)).copyInheritedSettings(program));

  const select = program
    .command('select')
    .description('fit every combination of candidate options (K, covariance, …) and keep the best by BIC, AIC or ICL (smaller is better)')
    .addHelpText('after', '\nExample:\n  emkit select gmm --data x.csv --k 1..9 --covariance all --criterion bic --out best.json');
  for (const model of models) select.addCommand(withDebug(selectCommand(model)).copyInheritedSettings(program));

  const known = models.map((m) => m.plugin);
  for (const command of [predictCommand(known), scoreCommand(known), sampleCommand(known), workerCommand(known)]) program.addCommand(withDebug(command).copyInheritedSettings(program));

  program
    .command('models')
    .description('list the models emkit can fit, with their options')
    .option('--json', 'as JSON')
    .option('--debug', 'print stack traces of errors')
    .action(async (flags: { json?: boolean }) => {
      if (flags.json) {
        const list = models.map(({ plugin }) => ({ name: plugin.name, description: plugin.description, defaults: plugin.defaults, options: plugin.optionSpecs, canSample: typeof plugin.sample === 'function' }));
        await writeStdout(`${JSON.stringify(list, null, 2)}\n`);
      } else await writeStdout(`${modelHelp(models)}\n`);
    });
  return program;
}

/**
 * Exit code of an error: 2 usage/input/model file, 130 interrupted, 1 a failed fit or a bug.
 * Emkit errors are told by their `code`, so those of a plugin with its own copy of @emkit/core
 * (or rebuilt after crossing a worker boundary) get the same codes.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (isEmkitError(error) && error.code === 'aborted') return 130;
  return isUsageError(error) ? 2 : 1;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const { specs, rest } = takePluginFlags(argv);
    const models = specs.length > 0 ? await registryWithPlugins(registry, specs, process.cwd()) : registry;
    const [command, model] = rest;
    if ((command === 'fit' || command === 'select') && model !== undefined && !model.startsWith('-') && model !== 'help' && !models.some((m) => m.plugin.name === model))
      throw new OptionError({
        field: command,
        detail: `unknown model "${model}"; known models: ${models.map((m) => m.plugin.name).join(', ')} (see \`emkit models\`; a plugin's model needs --plugin <module>)`,
      });
    await createProgram(models).parseAsync(rest, { from: 'user' });
    return 0;
  } catch (error) {
    const code = exitCodeOf(error);
    // commander has printed its own message (and help or version output exits with 0).
    if (error instanceof CommanderError) return code;
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    if (code === 130) process.stderr.write('emkit: interrupted; no output was written\n');
    else if (isEmkitError(error)) process.stderr.write(`emkit: error: ${message}\n`);
    else process.stderr.write(`emkit: error: ${message} (an internal error; --debug shows where)\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return code;
  }
}
