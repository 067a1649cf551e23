import { ModelFileError } from './errors.js';
import type { FitResult } from './driver.js';
import type { AnyModelPlugin, ModelPlugin } from './plugin.js';
import { type Standardization, readStandardization } from './standardize.js';

/** The `format` field of every emkit model file. */
export const MODEL_FORMAT = 'emkit-model';
/** The model-file layout version written for a model of raw inputs. */
export const MODEL_FORMAT_VERSION = 1;
/**
 * The version written for a model whose inputs are standardised (a `standardize` field): an
 * emkit that knows only version 1 would ignore the transform and give wrong numbers, so it must
 * refuse the file. Version 1 files load unchanged.
 */
export const MODEL_FORMAT_VERSION_STANDARDIZED = 2;
/** The versions this emkit reads. */
export const MODEL_FORMAT_VERSIONS: readonly number[] = [MODEL_FORMAT_VERSION, MODEL_FORMAT_VERSION_STANDARDIZED];

/**
 * A model file: format header, the plugin's own fields (parameters in scikit-learn shapes,
 * options) and the fit's summary (absent for a hand-written model that was never fitted).
 */
export interface ModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly version: number;
  readonly model: string;
  readonly [field: string]: unknown;
}

export interface FitSummaryFields {
  /** What meanLogLikelihood and logLikelihoodHistory are (`log-likelihood`, `ELBO`, `−inertia`). */
  objective: string;
  meanLogLikelihood: number;
  iterations: number;
  converged: boolean;
  bic?: number;
  aic?: number;
  parameterCount?: number;
  seed: number;
  restart: number;
  logLikelihoodHistory: number[];
  monotonicityViolations: { iteration: number; previous: number; current: number }[];
}

/** The header first in key order, and written last so no plugin field can overwrite it. */
function withHeader(model: string, fields: Record<string, unknown>): ModelFile {
  const version = fields.standardize === undefined ? MODEL_FORMAT_VERSION : MODEL_FORMAT_VERSION_STANDARDIZED;
  const header = { format: MODEL_FORMAT, version, model } as const;
  return Object.assign({ ...header }, fields, header);
}

/** The model file of a finished fit. */
export function modelFileFromFit<P, O>(plugin: ModelPlugin<P, O>, result: FitResult<P, O>): ModelFile {
  const fields: FitSummaryFields = {
    objective: result.objective.name,
    meanLogLikelihood: result.meanLogLikelihood,
    iterations: result.iterations,
    converged: result.converged,
    seed: result.seed,
    restart: result.restart,
    logLikelihoodHistory: [...result.history],
    monotonicityViolations: result.monotonicityViolations.map((v) => ({ ...v })),
  };
  if (result.parameterCount !== null) fields.parameterCount = result.parameterCount;
  if (result.bic !== null) fields.bic = result.bic;
  if (result.aic !== null) fields.aic = result.aic;
  // A fit on standardised inputs (fitStandardized) carries its transform; predict applies it.
  const { standardization } = result as { standardization?: Standardization };
  return withHeader(plugin.name, { ...plugin.toJSON(result.params, result.options), ...fields, ...standardizeField(standardization) });
}

/** The model file of given parameters (no fit), with the transform of standardised inputs when they were. */
export function modelFileFromParams<P, O>(plugin: ModelPlugin<P, O>, params: P, options: O, standardization?: Standardization | null): ModelFile {
  return withHeader(plugin.name, { ...plugin.toJSON(params, options), ...standardizeField(standardization) });
}

/** The `standardize` field of a model whose inputs were standardised (predict applies it), or nothing. */
function standardizeField(t: Standardization | null | undefined): { standardize?: { method: string; center: number[]; scale: number[] } } {
  return t ? { standardize: { method: t.method, center: [...t.center], scale: [...t.scale] } } : {};
}

/** Checks the header of a parsed model file and returns the model name it names. */
export function checkModelFileHeader(json: unknown): ModelFile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelFileError({ detail: 'not an emkit model file: expected a JSON object' });
  const o = json as Record<string, unknown>;
  if (o.format !== MODEL_FORMAT) throw new ModelFileError({ field: 'format', detail: `expected "${MODEL_FORMAT}", got ${JSON.stringify(o.format)}: not an emkit model file` });
  if (o.version === undefined) throw new ModelFileError({ field: 'version', detail: `missing: the model-file layout version (${MODEL_FORMAT_VERSION})` });
  if (typeof o.version !== 'number' || !MODEL_FORMAT_VERSIONS.includes(o.version))
    throw new ModelFileError({ field: 'version', detail: `version ${JSON.stringify(o.version)} is not supported; this emkit reads versions ${MODEL_FORMAT_VERSIONS.join(' and ')}` });
  if (typeof o.model !== 'string' || o.model === '') throw new ModelFileError({ field: 'model', detail: 'missing: the model name (e.g. "gmm")' });
  return o as ModelFile;
}

/** Parameters and options of a model file, through the plugin that the file names. */
export function readModelFile<P, O>(plugin: ModelPlugin<P, O>, json: unknown): { params: P; options: O; file: ModelFile } {
  const file = checkModelFileHeader(json);
  if (file.model !== plugin.name) throw new ModelFileError({ field: 'model', detail: `this file holds a "${file.model}" model, not "${plugin.name}"` });
  const { params, options } = plugin.fromJSON(file as Record<string, unknown>);
  checkFitSummary(file);
  checkFieldKinds(file, plugin.toJSON(params, options));
  readStandardization(file.standardize);
  return { params, options, file };
}

/** The JSON kind of a value, for messages: "a number", "an array", "null". */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** Path and kinds of the first place where `given` and `expected` differ in kind, arrays compared element by element. */
function kindMismatch(given: unknown, expected: unknown, path: string): { path: string; expected: string; given: string } | null {
  const [g, e] = [kindOf(given), kindOf(expected)];
  if (g !== e) return { path, expected: e, given: g };
  if (Array.isArray(given) && Array.isArray(expected))
    for (let i = 0; i < Math.min(given.length, expected.length); i++) {
      const found = kindMismatch(given[i], expected[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
  return null;
}

/**
 * The plugin's own toJSON is the schema of its fields: a field the file has must have the kind
 * the plugin writes there. This catches what a lenient fromJSON lets through — `"regCovar":
 * null` taken for "use the default", a derived field such as `modelCovariance` it never reads.
 */
function checkFieldKinds(file: ModelFile, written: Record<string, unknown>): void {
  for (const [field, expected] of Object.entries(written)) {
    if (!(field in file) || expected === undefined) continue;
    const found = kindMismatch(file[field], expected, field);
    if (found !== null) throw new ModelFileError({
      field: found.path,
      detail: `expected ${found.expected}, got ${found.given === 'null' ? 'null' : `${found.given} (${JSON.stringify(valueAt(file, found.path))?.slice(0, 40)})`}`,
    });
  }
}

function valueAt(file: ModelFile, path: string): unknown {
  let value: unknown = file;
  for (const part of path.split(/[[\].]+/).filter(Boolean)) value = (value as Record<string, unknown>)[part];
  return value;
}

/**
 * The fit summary is optional (a hand-written model has none), but when present each field must
 * have its type: a file whose `meanLogLikelihood` is a string was edited wrongly or is not ours.
 */
function checkFitSummary(file: ModelFile): void {
  const number = (field: string, integer = false): void => {
    const value = file[field];
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
      throw new ModelFileError({ field, detail: `expected ${integer ? 'an integer' : 'a finite number'}, got ${JSON.stringify(value)}` });
  };
  for (const field of ['meanLogLikelihood', 'bic', 'aic']) number(field);
  for (const field of ['iterations', 'parameterCount', 'seed', 'restart']) number(field, true);
  if (file.objective !== undefined && typeof file.objective !== 'string')
    throw new ModelFileError({ field: 'objective', detail: `expected the objective's name (e.g. "log-likelihood"), got ${JSON.stringify(file.objective)}` });
  if (file.converged !== undefined && typeof file.converged !== 'boolean')
    throw new ModelFileError({ field: 'converged', detail: `expected true or false, got ${JSON.stringify(file.converged)}` });
  const history = file.logLikelihoodHistory;
  if (history !== undefined && !(Array.isArray(history) && history.every((x) => typeof x === 'number' && Number.isFinite(x))))
    throw new ModelFileError({ field: 'logLikelihoodHistory', detail: 'expected an array of finite numbers' });
  const violations = file.monotonicityViolations;
  const isViolation = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && ['iteration', 'previous', 'current'].every((key) => typeof (v as Record<string, unknown>)[key] === 'number');
  if (violations !== undefined && !(Array.isArray(violations) && violations.every(isViolation)))
    throw new ModelFileError({ field: 'monotonicityViolations', detail: 'expected an array of { iteration, previous, current }' });
}

/** Finds the plugin a model file names among the given ones. */
export function pluginForModelFile(plugins: readonly AnyModelPlugin[], json: unknown): AnyModelPlugin {
  const file = checkModelFileHeader(json);
  const plugin = plugins.find((p) => p.name === file.model);
  if (!plugin) throw new ModelFileError({ field: 'model', detail: `unknown model "${file.model}"; known: ${plugins.map((p) => p.name).join(', ')}` });
  return plugin;
}
