import { readFile } from 'node:fs/promises';
import { type AnyModelPlugin, type OptionSpec, type RestartCount, InputError, OptionError, hasErrorCode, invalidValueDetail, isEmkitError, restateError } from '@emkit/core';
import { InvalidArgumentError, Option } from 'commander';

/** `regCovar` → `reg-covar`. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The flag of a plugin option without dashes: the spec's, else the name in kebab case. */
export function flagOf(spec: Pick<OptionSpec, 'name' | 'flag'>): string {
  return spec.flag ?? kebab(spec.name);
}

/** The commander attribute a plugin option's flag is stored under (`--reg-covar` → `regCovar`). */
export function attributeOf(spec: Pick<OptionSpec, 'name' | 'flag'>): string {
  return new Option(`--${flagOf(spec)}`).attributeName();
}

/**
 * The OptionError for flag text that is not a value of the option, worded as the library words
 * option errors (`--k: expected an integer ≥ 1, got "abc"`).
 */
export function invalidFlagValue(spec: OptionSpec, text: string): OptionError {
  return new OptionError({ field: `--${flagOf(spec)}`, detail: invalidValueDetail(spec, text, true) });
}

/** Flag text of a number option as a number; other text is refused in the library's words. Bounds and integrality are the schema's to check. */
export function flagNumber(spec: OptionSpec, text: string): number {
  const x = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(x)) throw invalidFlagValue(spec, text);
  return x;
}

/** The heading a plugin option is listed under in `--help`: `Model options:`, `Model options (prior):`. */
export function helpGroupOf(spec: OptionSpec): string {
  return spec.group ? `Model options (${spec.group}):` : 'Model options:';
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

/** --restarts: an integer or `auto` (checked against ≥ 1 with the other driver options). */
export function parseRestartsFlag(value: string): RestartCount {
  return value.trim() === 'auto' ? 'auto' : parseIntegerFlag(value);
}

/** `<integer>`, `<full|diag|…>`, `<a,b,...>`, `<file.json>`: what a flag takes, in its help line. */
export function placeholder(spec: OptionSpec): string {
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

/** `(required)`, `(default: 1e-6)` or nothing, after an option's description. */
export function defaultNote(spec: OptionSpec): string {
  const shown = spec.defaultValue ?? spec.defaultText;
  return spec.required ? ' (required)' : shown !== undefined ? ` (default: ${shown})` : '';
}

/**
 * The commander option for one plugin option, from its spec (which the plugin's option schema
 * gives): the flag, the help line under its group, and parsing of numbers and lists. Values are
 * checked by plugin.parseOptions, so flag errors read as library errors; defaults are applied
 * there too, so none is set here.
 */
export function optionFor(spec: OptionSpec): Option {
  const flag = flagOf(spec);
  if (RESERVED_FLAGS.includes(flag)) throw new Error(`plugin option "${spec.name}" clashes with the CLI flag --${flag}`);
  const choices = spec.choices && spec.type !== 'list' ? ` (${spec.choices.join(', ')})` : '';
  const option = new Option(`--${flag} ${placeholder(spec)}`, `${spec.description}${choices}${defaultNote(spec)}`).helpGroup(helpGroupOf(spec));
  if (spec.required) option.makeOptionMandatory();
  switch (spec.type) {
    case 'number':
    case 'integer':
      option.argParser((text: string) => flagNumber(spec, text));
      break;
    case 'list': {
      const choices = spec.choices;
      option.argParser((value: string, previous: string[] | undefined) => {
        const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (items.length === 0) throw invalidFlagValue(spec, value);
        for (const item of items) if (choices && !choices.includes(item)) throw invalidFlagValue({ ...spec, expected: `one of ${choices.join(', ')}` }, item);
        return [...(previous ?? []), ...items];
      });
      if (choices) option.description += ` (any of: ${choices.join(', ')})`;
      break;
    }
    case 'string':
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
    const value = flags[attributeOf(spec)];
    if (value === undefined) continue;
    if (spec.type === 'json') {
      files[spec.name] = value as string;
      raw[spec.name] = await readJsonFile(value as string, `--${flagOf(spec)}`);
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
  if (spec) flag = `--${flagOf(spec)}${files[spec.name] !== undefined ? ` ${files[spec.name]}` : ''}`;
  if (flag === undefined) return error;
  // The part inside a JSON file's value stays beside the flag: `--init init.json: means[2]`.
  return restateError(error, { field: sub ? `${flag}: ${sub}` : flag });
}

export function isUsageError(error: unknown): boolean {
  return isEmkitError(error) && (error.code === 'option' || error.code === 'input' || error.code === 'model-file');
}
