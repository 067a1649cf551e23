import { FitError, isEmkitError } from './errors.js';
import type { RestartResult } from './driver.js';

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
