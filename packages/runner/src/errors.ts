import { EMKIT_ERROR_CODES, EmkitError, type EmkitErrorCode, type ErrorDetails, FitAbortedError, createEmkitError, isEmkitError } from '@emkit/core';
import type { RowRange } from '@emkit/core';

/** A worker that threw or died, named by plugin and shard (or restart, or a restart's init). */
export class WorkerError extends EmkitError {
  declare readonly plugin: string;
  readonly shard?: number;
  readonly restart?: number;
  constructor({ plugin, shard, range, restart, init, cause }: { plugin: string; shard?: number; range?: RowRange; restart?: number; init?: boolean; cause: unknown }) {
    const why = cause instanceof Error ? stripMarker(cause.message) : String(cause);
    const at = shard !== undefined ? `shard ${shard}${range ? ` (rows ${range.start + 1}–${range.end})` : ''}` : `${init ? 'the init of ' : ''}restart ${restart}`;
    const detail = `failed on a worker at ${at}: ${why}`;
    super('worker', { plugin, detail, cause }, `plugin "${plugin}" ${detail}`);
    this.name = 'WorkerError';
    this.shard = shard;
    this.restart = restart;
  }
}

/** The caller's abort wins over whatever error the cancelled tasks reported. */
export function abortOr(signal: AbortSignal | undefined, error: unknown): unknown {
  if (signal?.aborted) return new FitAbortedError({ reason: signal.reason });
  return error;
}

/*
 * An error crosses a worker boundary by structured clone (piscina) or comlink's serializer, and
 * both keep only `message`, `name` and `stack`: an InputError from a plugin's E-step would arrive
 * as a plain Error and be reported as a worker failure (exit 1) instead of bad input (exit 2).
 * So a worker appends the emkit fields to the message, and the caller rebuilds the error.
 */
const MARKER = '\u0000emkit-error:';

function stripMarker(message: string): string {
  return message.split(MARKER)[0];
}

/** In a worker: an emkit error as a plain Error that survives cloning; anything else as it is. */
export function encodeWorkerError(error: unknown): unknown {
  if (!isEmkitError(error)) return error;
  const fields: Record<string, unknown> = { name: error.name };
  for (const [key, value] of Object.entries(error)) if (key !== 'cause' && (value === undefined || ['string', 'number', 'boolean'].includes(typeof value))) fields[key] = value;
  const encoded = new Error(`${error.message}${MARKER}${JSON.stringify(fields)}`);
  if (error.stack) encoded.stack = error.stack;
  return encoded;
}

/** In the caller: the emkit error a worker encoded, rebuilt with its class; anything else as it is. */
export function reviveWorkerError(error: unknown): unknown {
  if (!(error instanceof Error) || isEmkitError(error)) return error;
  const [message, encoded] = error.message.split(MARKER);
  if (encoded === undefined) return error;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(encoded) as Record<string, unknown>;
  } catch {
    return error;
  }
  if (typeof fields.code !== 'string' || !(EMKIT_ERROR_CODES as readonly string[]).includes(fields.code)) return error;
  const details = fields as unknown as ErrorDetails;
  const revived = createEmkitError(fields.code as EmkitErrorCode, { ...details, detail: typeof details.detail === 'string' ? details.detail : message });
  Object.assign(revived, fields);
  revived.message = message;
  if (error.stack) revived.stack = error.stack;
  return revived;
}
