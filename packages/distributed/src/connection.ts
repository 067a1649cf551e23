import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { EmkitError, type ErrorDetails, OptionError } from '@emkit/core';

/** A Redis server that cannot be reached or that lost emkit's state; code 'worker' (exit 1). */
export class RedisUnavailableError extends EmkitError {
  constructor(details: ErrorDetails) {
    super('worker', details);
    this.name = 'RedisUnavailableError';
  }
}

/** Where and how to reach Redis, parsed once from a redis:// or rediss:// URL. */
export interface RedisTarget {
  /** The URL without its password, for messages and logs. */
  readonly display: string;
  readonly options: RedisOptions;
}

/**
 * Parses `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS). User and password
 * go to Redis AUTH (ACL users included); rediss:// turns TLS on with certificate checks, the
 * server name taken from the host. The password never appears in `display`.
 */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OptionError({ field: 'redis', detail: `"${url}" is not a URL; give redis://host:6379 (or rediss://user:password@host:6380 for TLS)` });
  }
  const tls = parsed.protocol === 'rediss:';
  if (!tls && parsed.protocol !== 'redis:') throw new OptionError({ field: 'redis', detail: `"${parsed.protocol}" is not supported; use redis:// or rediss:// (TLS)` });
  if (!parsed.hostname) throw new OptionError({ field: 'redis', detail: `${url} names no host` });
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new OptionError({ field: 'redis', detail: `database "${dbText}" in ${url} is not a number ≥ 0` });
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RedisOptions = {
    host,
    port,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(tls ? { tls: { servername: host } } : {}),
  };
  const auth = parsed.username ? `${decodeURIComponent(parsed.username)}${parsed.password ? ':***' : ''}@` : parsed.password ? ':***@' : '';
  return { display: `${parsed.protocol}//${auth}${parsed.host}${dbText ? `/${db}` : ''}`, options };
}

/**
 * Connection options for BullMQ's Queue/FlowProducer on the coordinator: commands fail instead
 * of waiting forever when Redis is gone, so a lost server surfaces as an error, not a hang.
 */
export function coordinatorConnection(target: RedisTarget, timeoutMs: number): ConnectionOptions {
  return {
    ...target.options,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => (times > 3 ? null : 200 * times),
  } as ConnectionOptions;
}

/**
 * Connection options for a worker: BullMQ requires maxRetriesPerRequest null for blocking
 * commands, and a worker keeps reconnecting (with backoff) while Redis restarts.
 */
export function workerConnection(target: RedisTarget): ConnectionOptions {
  return { ...target.options, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 500, 5000) } as ConnectionOptions;
}

/** Why a connection failed, in words (ECONNREFUSED, WRONGPASS …). */
export function describeRedisError(error: unknown): string {
  const e = error as { code?: string; message?: string } | undefined;
  const message = e?.message ?? String(error);
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return 'connection refused (is redis-server running there?)';
  if (/WRONGPASS|NOAUTH|invalid username-password/i.test(message)) return 'authentication failed: check the user and password in the URL';
  if (e?.code === 'ENOTFOUND' || /ENOTFOUND/.test(message)) return 'unknown host';
  if (/ETIMEDOUT|timed out/i.test(message)) return 'timed out';
  if (/self-signed certificate|unable to verify|certificate/i.test(message)) return `${message} (the server's TLS certificate is not trusted here: give its CA file in NODE_EXTRA_CA_CERTS)`;
  if (e?.code === 'ECONNRESET' || /ECONNRESET/.test(message)) return 'the server closed the connection (a TLS port? then use rediss://)';
  return message;
}

/**
 * Connects once and PINGs, failing within `timeoutMs` with a one-line reason, so a wrong URL or
 * a stopped server is reported before any work starts.
 */
export async function checkRedis(target: RedisTarget, timeoutMs: number): Promise<void> {
  const client = new Redis({ ...target.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED) says more than the command's "Connection is closed".
  let socketError: unknown = null;
  client.on('error', (error) => (socketError ??= error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (error) {
    const reason = socketError ?? error;
    throw new RedisUnavailableError({ detail: `cannot reach Redis at ${target.display}: ${describeRedisError(reason)}`, cause: reason });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
