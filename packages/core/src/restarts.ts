import { FitError, OptionError, isEmkitError } from './errors.js';
import type { RestartResult } from './driver.js';
import type { ModelPlugin } from './plugin.js';

/**
 * How many restarts a fit runs: a count, or 'auto' — AUTO_RESTARTS.max on data of up to
 * AUTO_RESTARTS.rows / AUTO_RESTARTS.max rows, then fewer as the rows grow (⌊rows-budget / N⌋),
 * and one from AUTO_RESTARTS.rows / 2 rows on. Restarts are what find the better local optima
 * (a model's start cannot: see gmm's README), and on small data they cost little.
 */
export type RestartCount = number | 'auto';

/** 'auto': at most `max` restarts, and about `rows` rows' worth of them (⌊rows / N⌋, at least 1). */
export const AUTO_RESTARTS = { max: 10, rows: 50_000 } as const;

/** The restart count of 'auto' on `rows` rows. */
export function autoRestarts(rows: number): number {
  return Math.max(1, Math.min(AUTO_RESTARTS.max, Math.floor(AUTO_RESTARTS.rows / Math.max(1, rows))));
}

/** `value` as a RestartCount (an integer ≥ 1 or 'auto'), else an OptionError naming `restarts`. */
export function checkRestartCount(value: unknown): RestartCount {
  if (value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return value;
  throw new OptionError({ field: 'restarts', detail: `must be an integer ≥ 1 or 'auto', got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}` });
}

/**
 * How many restarts a fit of `plugin` with parsed `options` on `rows` rows runs: the caller's
 * count, else the plugin's default for these options (defaults.restarts), else 1; 'auto' by
 * the rows (autoRestarts).
 */
export function restartsToRun<Params, Options>(plugin: ModelPlugin<Params, Options>, options: Options, given: RestartCount | undefined, rows: number): number {
  const count = given ?? plugin.defaults.restarts?.(options) ?? 1;
  return checkRestartCount(count) === 'auto' ? autoRestarts(rows) : (count as number);
}

/**
 * Restarts that fail without failing the fit. A restart fails on its own when EM from its start
 * hits a singular component, a non-finite value or an exception inside the plugin (all reported
 * as FitErrors); the fit then keeps the best successful restart and lists the failed ones. Errors
 * that every restart would meet alike — options, input, an abort — still stop the fit at once.
 * Only when every restart fails is the fit an error, naming each restart's reason.
 */
export interface FailedRestart {
  readonly restart: number;
  readonly seed: number;
  /** The error's code ('fit'). */
  readonly code: string;
  /** The error's message: what went wrong, with the plugin and iteration. */
  readonly reason: string;
  /** The EM iteration at which it failed, when known. */
  readonly iteration?: number;
}

export type RestartOutcome<Params> = RestartResult<Params> | FailedRestart;

export function isFailedRestart<Params>(outcome: RestartOutcome<Params>): outcome is FailedRestart {
  return typeof (outcome as FailedRestart).reason === 'string' && !('params' in outcome);
}

/** The error each failure came from, where this thread saw it (so a single restart's error is rethrown as it was). */
const originals = new WeakMap<FailedRestart, Error>();

/** `error` as the failure of restart `restart`, or null when it is not a restart's own failure (then rethrow it). */
export function restartFailure(error: unknown, restart: number, seed: number): FailedRestart | null {
  if (!isEmkitError(error) || error.code !== 'fit') return null;
  const iteration = (error as { iteration?: unknown }).iteration;
  const failure: FailedRestart = { restart, seed, code: error.code, reason: error.message, ...(typeof iteration === 'number' ? { iteration } : {}) };
  originals.set(failure, error);
  return failure;
}

/**
 * The error when no restart succeeded: a single restart's error as it was; else a FitError
 * naming every restart's reason.
 */
export function allRestartsFailed(plugin: string, failures: readonly FailedRestart[]): Error {
  if (failures.length === 1) return originals.get(failures[0]) ?? new FitError({ plugin, iteration: failures[0].iteration, detail: failures[0].reason });
  const reasons = failures.map((f) => `restart ${f.restart + 1} (seed ${f.seed}): ${f.reason}`).join('; ');
  return new FitError({ plugin, detail: `all ${failures.length} restarts failed — ${reasons}` });
}
