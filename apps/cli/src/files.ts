import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  type AnyModelPlugin,
  type ModelFile,
  FitError,
  InputError,
  ModelFileError,
  OptionError,
  firstNonFinite,
  hasErrorCode,
  isEmkitError,
  pluginForModelFile,
  readModelFile,
  readStandardization,
  type Standardization,
  restateError,
} from '@emkit/core';
import { type ModelColumns, openAtomicWriter, readModelColumns, writeFileAtomic } from '@emkit/io/node';
import { plugins } from './registry.js';

export interface LoadedModel {
  plugin: AnyModelPlugin;
  params: unknown;
  options: unknown;
  file: ModelFile;
  /** The columns it was fitted on (null in files written before emkit kept them). */
  columns: ModelColumns | null;
  /** The standardisation of its inputs (null: none). */
  standardization: Standardization | null;
}

/**
 * Reads and validates a model file through the plugin it names, among `known` (the built-in
 * ones and those of --plugin); errors name the path.
 */
export async function loadModel(path: string, known: readonly AnyModelPlugin[] = plugins): Promise<LoadedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({ file: path, detail: `cannot read the model file: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError({ file: path, detail: `not an emkit model file: not valid JSON (${(error as Error).message})` });
  }
  // A model file names the plugin module that wrote it, but loading code because a data file
  // says so would run whatever a downloaded model file names: the user passes --plugin.
  const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if (typeof fields.pluginModule === 'string' && typeof fields.model === 'string' && !known.some((p) => p.name === fields.model))
    throw new ModelFileError({ file: path, field: 'model', detail: `"${fields.model}" is the model of a plugin`, remedy: `load it with --plugin ${fields.pluginModule}` });
  try {
    const plugin = pluginForModelFile(known, json);
    const { params, options, file } = readModelFile(plugin, json);
    checkCliFields(file);
    const columns = readModelColumns(file.columns);
    const standardization = readStandardization(file.standardize, columns?.selected.length);
    return { plugin, params, options, file, columns, standardization };
  } catch (error) {
    // By code, not class: a --plugin may throw the errors of its own copy of @emkit/core.
    // An OptionError from a plugin's fromJSON (it validates options it read back) is about the file too.
    if (hasErrorCode(error, 'model-file') || hasErrorCode(error, 'option')) throw restateError(error, { code: 'model-file', file: path });
    if (isEmkitError(error)) throw error;
    // Anything else is a fromJSON that did not expect this file's contents (a TypeError, say):
    // still a bad model file, not an emkit bug to report with a stack trace.
    throw new ModelFileError({
      file: path,
      detail: `not a valid ${typeof fields.model === 'string' ? `"${fields.model}" ` : ''}model file: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

/**
 * Fields the CLI adds to model files besides the plugin's own and core's fit summary (the
 * registry's extraFitFields, `emkit select`'s), with their kinds. Core checks the others; these
 * are checked here, so that an edited file is refused whichever field was spoiled.
 */
const CLI_FIELDS: Readonly<Record<string, 'number' | 'numbers' | 'string' | 'object'>> = {
  inertia: 'number',
  cost: 'number',
  elbo: 'number',
  elboHistory: 'numbers',
  effectiveComponents: 'number',
  // null when the model's responsibilities have no entropy to add (see selectModel)
  icl: 'number',
  selection: 'object',
  pluginModule: 'string',
  // checked in full by readStandardization in loadModel (`columns` by readModelColumns)
  standardize: 'object',
};

function checkCliFields(file: ModelFile): void {
  for (const [field, kind] of Object.entries(CLI_FIELDS)) {
    const value = file[field];
    if (value === undefined || (field === 'icl' && value === null)) continue;
    const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
    const ok =
      kind === 'number'
        ? finite(value)
        : kind === 'numbers'
          ? Array.isArray(value) && value.every(finite)
          : kind === 'string'
            ? typeof value === 'string'
            : typeof value === 'object' && value !== null && !Array.isArray(value);
    const expected = { number: 'a finite number', numbers: 'an array of finite numbers', string: 'a string', object: 'an object' }[kind];
    if (!ok) throw new ModelFileError({ field, detail: `expected ${expected}, got ${JSON.stringify(value)?.slice(0, 40)}` });
  }
}

/**
 * Fails before any work is done when `--out` cannot be written: its directory must exist and
 * the path must not be a directory.
 */
export async function checkOutputPath(path: string, flag = '--out'): Promise<void> {
  if (path === '-') return;
  const dir = dirname(resolve(path));
  const dirStat = await stat(dir).catch(() => null);
  if (dirStat === null || !dirStat.isDirectory()) throw new OptionError({ field: flag, detail: `${path}: the directory ${dirname(path)} does not exist` });
  const fileStat = await stat(path).catch(() => null);
  if (fileStat?.isDirectory()) throw new OptionError({ field: flag, detail: `${path} is a directory`, remedy: `give a file name` });
  if (fileStat && !fileStat.isFile() && !fileStat.isFIFO() && !fileStat.isCharacterDevice())
    throw new OptionError({ field: flag, detail: `${path} is not a regular file, a pipe or a terminal; emkit replaces only regular files` });
}

/** Path of the first number in `value` that is not finite (JSON would write it as null). */
export function findNonFinite(value: unknown): string | null {
  return firstNonFinite(value)?.path ?? null;
}

/** Refuses NaN and Infinity in what a fit prints or writes (JSON would turn them into null). */
export function checkFiniteModel(model: Record<string, unknown>, pluginName: string): void {
  const bad = firstNonFinite(model);
  if (bad !== null) throw new FitError({ plugin: pluginName, detail: `the fit produced a non-finite value at ${bad.path} (${bad.value}); nothing was written` });
}

/** Writes a model file atomically, refusing NaN and Infinity (JSON would turn them into null). */
export async function writeModelFile(path: string, model: Record<string, unknown>, pluginName: string): Promise<void> {
  checkFiniteModel(model, pluginName);
  await writeOutput(path, formatModelJson(model));
}

/** Indented JSON with arrays of numbers kept on one line, so a K×D matrix reads as K lines. */
export function formatModelJson(model: unknown): string {
  const text = JSON.stringify(model, null, 2).replace(/\[\s*(-?[0-9][-+.0-9eE]*(?:,\s*-?[0-9][-+.0-9eE]*)*)\s*\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
  return `${text}\n`;
}

/** Text to --out (atomically, see writeFileAtomic) or to stdout (no --out, or `--out -`). */
export async function writeOutput(out: string | undefined, text: string): Promise<void> {
  if (out === undefined || out === '-') await writeStdout(text);
  else await writeFileAtomic(out, text);
}

/**
 * Output written piece by piece by `produce`: to --out through a temporary file renamed into
 * place once all of it is written (a failure leaves the old file), or straight to stdout.
 */
export async function streamOutput(out: string | undefined, produce: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  if (out === undefined || out === '-') return produce(writeStdout);
  const writer = await openAtomicWriter(out);
  try {
    await produce((text) => writer.write(text));
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.commit();
}

export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
