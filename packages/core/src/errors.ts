/**
 * Typed errors that carry what a user needs to act on them, as fields: `code` (stable, for
 * programs), where (`field`, `file`, `line`, `column`, `plugin`, `iteration`), what is wrong
 * (`detail`) and what to do (`remedy`). The one-line `message` for people is composed from
 * them in one place, `formatErrorMessage`, and is never parsed back: code that needs a part
 * reads the field. The CLI maps codes to exit codes without a stack trace.
 */
export type EmkitErrorCode = 'option' | 'input' | 'model-file' | 'fit' | 'aborted' | 'worker';

export const EMKIT_ERROR_CODES: readonly EmkitErrorCode[] = ['option', 'input', 'model-file', 'fit', 'aborted', 'worker'];

/** The structured parts of an emkit error; each constructor takes them as one object. */
export interface ErrorDetails {
  /** What is wrong, without the location: `expected an integer ≥ 1, got the string "3"`. */
  readonly detail: string;
  /** What to do about it; when not given, the general remedy of the error's code. */
  readonly remedy?: string;
  /** The option or model-file field: `k`, `init.means[2][0]`, `--reg-covar`. */
  readonly field?: string;
  /** The file (or `data` for in-memory data) the error is about. */
  readonly file?: string;
  /** 1-based line and column in `file`. */
  readonly line?: number;
  readonly column?: number;
  /**
   * The 1-based row of in-memory data (`file` is then `data`), which the detail names; a reader
   * that knows the file turns it into a line (see the CLI's inDataFile).
   */
  readonly row?: number;
  /** The plugin whose fit failed, and the EM iteration. */
  readonly plugin?: string;
  readonly iteration?: number;
  readonly cause?: unknown;
}

/** The class name (`error.name`) each code's errors carry, set in one place by EmkitError. */
const ERROR_NAMES: Readonly<Record<EmkitErrorCode, string>> = {
  option: 'OptionError',
  input: 'InputError',
  'model-file': 'ModelFileError',
  fit: 'FitError',
  // As for fetch and DOM APIs.
  aborted: 'AbortError',
  worker: 'EmkitError',
};

/** What to do when a thrower has nothing more specific to say. */
const GENERAL_REMEDIES: Readonly<Record<EmkitErrorCode, string>> = {
  option: 'give a value the option accepts (its description lists them)',
  input: 'correct the data at the place named, or leave that row or column out',
  'model-file': 'use a model file written by emkit, or correct the field named',
  fit: 'try other starting values (another seed, more restarts), fewer components or more regularisation',
  aborted: 'nothing was written; run again to finish',
  worker: 'run with no workers (workers = 0) to see the error where it happens',
};

/**
 * The one place a message is composed: `file:line:column: plugin (iteration n): field: detail`,
 * each part only where known, then `; remedy` when the thrower gave a specific one (general
 * remedies stay in the `remedy` field, so messages do not repeat boilerplate).
 */
export function formatErrorMessage(details: ErrorDetails): string {
  const parts: string[] = [];
  if (details.file !== undefined)
    parts.push(`${details.file}${details.line !== undefined ? `:${details.line}${details.column !== undefined ? `:${details.column}` : ''}` : ''}`);
  if (details.plugin !== undefined) parts.push(`${details.plugin}${details.iteration !== undefined ? ` (iteration ${details.iteration})` : ''}`);
  if (details.field !== undefined && details.field !== '') parts.push(details.field);
  parts.push(details.detail);
  const message = parts.join(': ');
  return details.remedy !== undefined ? `${message}; ${details.remedy}` : message;
}

export class EmkitError extends Error {
  readonly code: EmkitErrorCode;
  readonly detail: string;
  readonly remedy: string;
  // Declared, not initialised: only the parts that apply become own properties.
  declare readonly field?: string;
  declare readonly file?: string;
  declare readonly line?: number;
  declare readonly column?: number;
  declare readonly row?: number;
  declare readonly plugin?: string;
  declare readonly iteration?: number;

  constructor(code: EmkitErrorCode, details: ErrorDetails, message: string = formatErrorMessage(details)) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = ERROR_NAMES[code];
    this.code = code;
    this.detail = details.detail;
    this.remedy = details.remedy ?? GENERAL_REMEDIES[code];
    for (const key of ['field', 'file', 'line', 'column', 'row', 'plugin', 'iteration'] as const) if (details[key] !== undefined) Object.assign(this, { [key]: details[key] });
  }
}

/** An option or parameter value that cannot be used; `field` names it (e.g. `k`, `init.means[2][0]`). */
export class OptionError extends EmkitError {
  declare readonly field: string;
  constructor(details: ErrorDetails & { readonly field: string }) {
    super('option', details);
  }
}

/** Bad input data: names the file (`data` for in-memory data) and where known the 1-based line and column. */
export class InputError extends EmkitError {
  declare readonly file: string;
  constructor(details: ErrorDetails & { readonly file: string }) {
    super('input', details);
  }
}

/** A model file that is not an emkit model, is of another version, or lacks a field. */
export class ModelFileError extends EmkitError {
  constructor(details: ErrorDetails) {
    super('model-file', details);
  }
}

/** A fit that cannot go on (a non-finite log-likelihood, a singular component without a remedy). */
export class FitError extends EmkitError {
  declare readonly plugin: string;
  constructor(details: ErrorDetails & { readonly plugin: string }) {
    super('fit', details);
  }
}

/** Thrown when an AbortSignal stops a fit; `name` is 'AbortError' as for fetch and DOM APIs. */
export class FitAbortedError extends EmkitError {
  constructor({ reason }: { readonly reason?: unknown } = {}) {
    const why = reason instanceof Error && reason.message ? reason.message : undefined;
    super('aborted', { detail: why === undefined ? 'fit aborted' : `fit aborted: ${why}`, cause: reason });
  }
}

/**
 * Whether `error` is an emkit error, judged by its `code` rather than by `instanceof`: a plugin
 * bundling its own copy of @emkit/core throws OptionErrors of another class, and an error that
 * crossed a worker boundary is a plain Error again (see @emkit/runner's reviveWorkerError).
 */
export function isEmkitError(error: unknown): error is EmkitError {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && (EMKIT_ERROR_CODES as readonly string[]).includes(code);
}

/** Whether `error` is an emkit error with this code (of any copy of @emkit/core). */
export function hasErrorCode(error: unknown, code: EmkitErrorCode): error is EmkitError {
  return isEmkitError(error) && error.code === code;
}

/**
 * The structured parts of an emkit error. One thrown by another copy of @emkit/core that
 * predates `detail` gives its whole message as the detail.
 */
export function errorDetails(error: EmkitError): ErrorDetails {
  const { detail, remedy, field, file, line, column, row, plugin, iteration } = error as Partial<EmkitError>;
  const explicitRemedy = remedy !== undefined && remedy !== GENERAL_REMEDIES[error.code] ? remedy : undefined;
  return { detail: detail ?? error.message, remedy: explicitRemedy, field, file, line, column, row, plugin, iteration };
}

/** An emkit error of `code` from its parts, with the class that code belongs to. */
export function createEmkitError(code: EmkitErrorCode, details: ErrorDetails): EmkitError {
  switch (code) {
    case 'option':
      return new OptionError({ ...details, field: details.field ?? '' });
    case 'input':
      return new InputError({ ...details, file: details.file ?? 'data' });
    case 'model-file':
      return new ModelFileError(details);
    case 'fit':
      return new FitError({ ...details, plugin: details.plugin ?? 'fit' });
    case 'aborted':
    case 'worker':
      return new EmkitError(code, details);
  }
}

/**
 * The same error told from another place: `changes` replace parts (a file name for `data`, a
 * flag for a field, a prefix on the detail) and `code` may change too (an option read back from
 * a model file is a model-file error). The original becomes the cause.
 */
export function restateError(error: EmkitError, changes: Partial<ErrorDetails> & { readonly code?: EmkitErrorCode }): EmkitError {
  const { code = error.code, ...parts } = changes;
  return createEmkitError(code, { ...errorDetails(error), ...parts, cause: error });
}

/**
 * Runs `read`, which applies option checks to fields of a model file, so that an option error
 * becomes a model-file error about the same field.
 */
export function readingModelFile<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (hasErrorCode(error, 'option')) throw restateError(error, { code: 'model-file' });
    throw error;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FitAbortedError({ reason: signal.reason });
}
