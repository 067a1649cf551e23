import { resolve as resolvePath } from 'node:path';
import { type AnyModelPlugin, OptionError, type Standardization } from '@emkit/core';
import type { SharedDataFile } from '@emkit/distributed';
import { type ShardFileReference, formatFromName, indexFile } from '@emkit/io/node';
import { type Command, Option } from 'commander';
import { type DataFile, readingOptions } from './data.js';
import type { FitFlags, Fitter } from './fit-plumbing.js';
import { parseIntegerFlag, parseNumberFlag } from './plugin-flags.js';
import { stderr } from './shared.js';

/** The flags of a fit whose E-steps run on `emkit worker` processes through Redis. */
export interface DistributedFlags {
  redis?: string;
  run?: string;
  resume?: boolean;
  queue: string;
  workerTimeout: number;
  shardRows?: number;
}

export function distributedFlags(command: Command): Command {
  return command
    .option('--redis <url>', 'run E-steps on `emkit worker` processes through Redis (redis://host:6379, rediss:// for TLS); --data must be a file every worker reads at the same path')
    .option('--run <name>', "with --redis: the run's name in Redis (default: derived from model, options and data)")
    .option('--resume', 'with --redis: continue the run from the iterations checkpointed in Redis')
    .addOption(new Option('--queue <name>', 'with --redis: the queue family the workers serve').default('emkit'))
    .addOption(new Option('--worker-timeout <seconds>', 'with --redis: give up when no worker takes shards this long').argParser(parseNumberFlag).default(30))
    .addOption(new Option('--shard-rows <integer>', 'with --redis: rows per shard job (default 8192, as local fits; larger shards mean fewer jobs per iteration, another merge order)').argParser(parseIntegerFlag));
}

export function checkDistributedFlags(flags: FitFlags & Partial<DistributedFlags>): void {
  if (flags.redis === undefined) {
    const only: [keyof DistributedFlags, string][] = [['run', 'run'], ['resume', 'resume'], ['shardRows', 'shard-rows']];
    for (const [key, flag] of only) if (flags[key] !== undefined) throw new OptionError({ field: flag, detail: 'needs --redis <url>' });
    return;
  }
  if (flags.data === '-') throw new OptionError({ field: 'data', detail: 'with --redis, the data must be a file every worker can read at the same path, not stdin' });
  if (flags.sequence !== undefined) throw new OptionError({ field: 'sequence', detail: 'sequences are not sharded through Redis: a shard job would cut them', remedy: 'fit sequence models without --redis' });
  if (flags.workers !== undefined) throw new OptionError({ field: 'workers', detail: 'with --redis, E-steps run on `emkit worker` processes; set their threads with `emkit worker --concurrency`' });
  if (!(flags.workerTimeout! > 0)) throw new OptionError({ field: 'worker-timeout', detail: `must be > 0 seconds, got ${flags.workerTimeout}` });
}

/**
 * A fitter whose E-steps are BullMQ jobs served by `emkit worker` processes. The data file is
 * referenced by its absolute path and fingerprint; BullMQ and its Redis client are loaded only
 * here, so other commands do not pay their start-up time.
 */
export function openDistributedFitter(plugin: AnyModelPlugin, file: DataFile, flags: FitFlags & DistributedFlags, driver: Record<string, unknown>, transform: Standardization | null): Fitter {
  const data = file.dataset;
  let shared: Promise<SharedDataFile> | null = null;
  return {
    data,
    pooled: false,
    async fit(raw, context) {
      const { fitDistributed, shareDataFile } = await import('@emkit/distributed');
      // Workers read their shards with the index of an out-of-core fit: that fit's own, or one
      // made now for data read into memory here (with the same columns and standardisation).
      shared ??= (async () => shareDataFile(data.external ? (data.external.reference as ShardFileReference) : (await indexFile(resolvePath(file.path), {
        format: flags.format ?? formatFromName(file.path) ?? 'csv',
        ...readingOptions(flags),
        standardization: transform,
        shardRows: flags.shardRows,
      })).reference))();
      const dataFile = await shared;
      return fitDistributed(plugin, data, raw, {
        ...driver,
        ...(flags.shardRows !== undefined ? { shardRows: flags.shardRows } : {}),
        ...context,
        redis: flags.redis!,
        dataFile,
        run: flags.run,
        resume: flags.resume === true,
        queue: flags.queue,
        workerTimeoutMs: flags.workerTimeout * 1000,
        onNotice: (message) => stderr(message),
      });
    },
    close: () => Promise.resolve(),
  };
}
