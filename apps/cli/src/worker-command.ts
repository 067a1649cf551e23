import { type AnyModelPlugin, OptionError } from '@emkit/core';
import type { WorkerEvent } from '@emkit/distributed';
import { defaultWorkerCount } from '@emkit/runner/node';
import { Command, Option } from 'commander';
import { parseIntegerFlag } from './plugin-flags.js';
import { stderr } from './shared.js';

interface WorkerFlags {
  redis: string;
  concurrency?: number;
  queue: string;
  dataRoot?: string;
  lockDuration: number;
  verbose?: boolean;
}

/**
 * `emkit worker --redis URL`: serves E-step shard jobs of `emkit fit … --redis URL` until
 * SIGINT/SIGTERM. It runs only the plugins installed here (built in, or named by --plugin).
 */
export function workerCommand(plugins: readonly AnyModelPlugin[]): Command {
  return new Command('worker')
    .description('serve E-step shard jobs of distributed fits (`emkit fit … --redis URL`) from Redis until stopped')
    .requiredOption('--redis <url>', 'redis://[user:password@]host:6379[/db], or rediss://… for TLS')
    .addOption(new Option('--concurrency <integer>', `shards computed at once, one per thread (default: ${defaultWorkerCount()}, the number of cores)`).argParser(parseIntegerFlag))
    .addOption(new Option('--queue <name>', 'the queue family shared with the coordinator').default('emkit'))
    .option('--data-root <dir>', 'refuse jobs whose data file lies outside this folder')
    .addOption(new Option('--lock-duration <ms>', "a job's lock lifetime; a killed worker's shard is re-queued this long after it died").argParser(parseIntegerFlag).default(30_000))
    .option('--verbose', 'log every shard computed')
    .addHelpText('after', '\nExample:\n  emkit worker --redis redis://10.0.0.5:6379 --concurrency 8\n  emkit --plugin my-emkit-plugin worker --redis rediss://user:secret@redis.example:6380')
    .action((flags: WorkerFlags) => runWorker(plugins, flags));
}

async function runWorker(plugins: readonly AnyModelPlugin[], flags: WorkerFlags): Promise<void> {
  if (flags.concurrency !== undefined && flags.concurrency < 1) throw new OptionError({ field: 'concurrency', detail: `must be an integer ≥ 1, got ${flags.concurrency}` });
  if (!(flags.lockDuration >= 1000)) throw new OptionError({ field: 'lock-duration', detail: `must be ≥ 1000 ms, got ${flags.lockDuration}` });
  const log = (event: WorkerEvent): void => {
    const time = new Date().toISOString();
    if (event.type === 'completed') {
      if (flags.verbose) stderr(`${time} shard ${event.jobId}: ${event.rows} rows in ${event.milliseconds.toFixed(0)} ms`);
    } else if (event.type === 'redis-error') stderr(`${time} Redis: ${event.reason} (reconnecting)`);
    else stderr(`${time} shard ${event.jobId} ${event.type}: ${event.reason}`);
  };
  const { startShardWorker } = await import('@emkit/distributed');
  const worker = await startShardWorker({
    redis: flags.redis,
    plugins,
    concurrency: flags.concurrency ?? defaultWorkerCount(),
    queue: flags.queue,
    dataRoot: flags.dataRoot,
    lockDurationMs: flags.lockDuration,
    onEvent: log,
  });
  stderr(`emkit worker ${process.pid}: serving queue ${flags.queue} with ${worker.concurrency} thread(s); plugins: ${plugins.map((p) => p.name).join(', ')}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  stderr(`emkit worker ${process.pid}: stopping after the shards in progress`);
  await worker.close();
}
