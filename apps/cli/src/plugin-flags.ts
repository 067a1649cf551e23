import { readFile } from 'node:fs/promises';
import { type AnyModelPlugin, type OptionSpec, InputError, hasErrorCode, isEmkitError, restateError } from '@emkit/core';
import { InvalidArgumentError, Option } from 'commander';

/** `regCovar` → `reg-covar`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Flags every `fit` command has; a plugin option must not take one of these names. */
export const DRIVER_FLAGS: Readonly<Record<string, string>> = {
  tol: '--tol',
  maxIter: '--max-iter',
  restarts: '--restarts',
  seed: '--seed',
};
export const RESERVED_FLAGS = ['data', 'header', 'target', 'format', 'delimiter', 'columns', 'drop', 'label', 'standardize', 'quiet', 'tol', 'max-iter', 'restarts', 'seed', 'workers', 'out', 'json', 'debug', 'help', 'plugin', 'redis', 'run', 'resume', 'queue', 'worker-timeout', 'shard-rows'];

export function parseNumberFlag(value: string): number {
  const x = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(x)) throw new InvalidArgumentError('expected a finite number.');
  return x;
}

export function parseIntegerFlag(value: string): number {
  const x = value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(x)) throw new InvalidArgumentError('expected an integer.');
  return x;
}

function placeholder(spec: OptionSpec): string {
  switch (spec.type) {
    case 'number':
      return '<number>';
    case 'integer':
      return '<integer>';
    case 'list':
      return '<a,b,...>';
    case 'json':
      return '<file.json>';
    case 'string':
      return spec.choices ? '<choice>' : '<text>';
  }
}

/** The commander option for one plugin option. parseOptions applies defaults, so none is set here. */
export function optionFor(spec: OptionSpec): Option {
  const flag = kebab(spec.name);
  if (RESERVED_FLAGS.includes(flag)) throw new Error(`plugin option "${spec.name}" clashes with the CLI flag --${flag}`);
  const shown = spec.required ? ' (required)' : spec.defaultValue !== undefined ? ` (default: ${spec.defaultValue})` : '';
  const option = new Option(`--${flag} ${placeholder(spec)}`, `${spec.description}${shown}`);
  if (spec.required) option.makeOptionMandatory();
  switch (spec.type) {
    case 'number':
      option.argParser(parseNumberFlag);
      break;
    case 'integer':
      option.argParser(parseIntegerFlag);
      break;
    case 'string':
      if (spec.choices) option.choices(spec.choices);
      break;
    case 'list': {
      const choices = spec.choices;
      option.argParser((value: string, previous: string[] | undefined) => {
        const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list.');
        for (const item of items)
          if (choices && !choices.includes(item)) throw new InvalidArgumentError(`"${item}" is not one of ${choices.join(', ')}.`);
        return [...(previous ?? []), ...items];
      });
      if (choices) option.description += ` (any of: ${choices.join(', ')})`;
      break;
    }
    case 'json':
      break;
  }
  return option;
}

/**
 * The raw options object for plugin.parseOptions from parsed flags: only the flags given, with
 * `json` options replaced by the contents of the file they name. Also returns the file names,
 * so that errors about `init.means[2]` can name the file they came from.
 */
export async function rawPluginOptions(
  plugin: AnyModelPlugin,
  flags: Record<string, unknown>,
): Promise<{ raw: Record<string, unknown>; files: Record<string, string> }> {
  const raw: Record<string, unknown> = {};
  const files: Record<string, string> = {};
  for (const spec of plugin.optionSpecs) {
    const key = new Option(`--${kebab(spec.name)}`).attributeName();
    const value = flags[key];
    if (value === undefined) continue;
    if (spec.type === 'json') {
      files[spec.name] = value as string;
      raw[spec.name] = await readJsonFile(value as string, `--${kebab(spec.name)}`);
    } else raw[spec.name] = value;
  }
  return { raw, files };
}

async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({ file: path, detail: `cannot read the ${flag} file: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}` });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError({ file: path, detail: `the ${flag} file is not valid JSON: ${(error as Error).message}` });
  }
}

/**
 * Re-labels an OptionError from a plugin or the driver with the flag the user typed:
 * `init.means[2]: …` becomes `--init init.json: means[2]: …`, `maxIter: …` becomes `--max-iter: …`.
 */
export function withFlagNames(error: unknown, plugin: AnyModelPlugin, files: Record<string, string>): unknown {
  // By code, not class: a --plugin may throw the OptionErrors of its own copy of @emkit/core.
  if (!hasErrorCode(error, 'option') || typeof error.field !== 'string') return error;
  const field = error.field;
  const head = field.split(/[.[]/)[0];
  const sub = field.slice(head.length).replace(/^\./, '');
  let flag: string | undefined = DRIVER_FLAGS[head];
  const spec = plugin.optionSpecs.find((s) => s.name === head);
  if (spec) flag = `--${kebab(spec.name)}${files[spec.name] !== undefined ? ` ${files[spec.name]}` : ''}`;
  if (flag === undefined) return error;
  // The part inside a JSON file's value stays beside the flag: `--init init.json: means[2]`.
  return restateError(error, { field: sub ? `${flag}: ${sub}` : flag });
}

export function isUsageError(error: unknown): boolean {
  return isEmkitError(error) && (error.code === 'option' || error.code === 'input' || error.code === 'model-file');
}
