import { type Dataset, type RowRange, groupBoundaries } from './dataset.js';
import type { ModelPlugin } from './plugin.js';

/** Default rows per shard. Fixed, never derived from the worker count, so results do not depend on it. */
export const DEFAULT_SHARD_ROWS = 8192;

/**
 * Splits [0, rows) into consecutive shards of `shardRows` rows (the last may be shorter).
 * Statistics are always merged in this order, in-process or on workers.
 *
 * With group boundaries (Dataset.groups) a shard ends only at a boundary: each shard takes
 * whole groups until it holds at least `shardRows` rows, so a group longer than that is a
 * shard of its own. The plan depends on the data and `shardRows` only, never on the workers.
 */
export function planShards(rows: number, shardRows: number = DEFAULT_SHARD_ROWS, groups: Int32Array | null = null): RowRange[] {
  if (!Number.isInteger(shardRows) || shardRows < 1) throw new RangeError(`shardRows must be a positive integer, got ${shardRows}`);
  const shards: RowRange[] = [];
  if (groups === null) {
    for (let start = 0; start < rows; start += shardRows) shards.push({ start, end: Math.min(rows, start + shardRows) });
  } else {
    if (groups[groups.length - 1] !== rows) throw new RangeError(`group boundaries end at ${groups[groups.length - 1]}, not at the row count ${rows}`);
    let start = 0;
    for (let g = 1; g < groups.length; g++) {
      if (groups[g] - start >= shardRows || g === groups.length - 1) {
        shards.push({ start, end: groups[g] });
        start = groups[g];
      }
    }
  }
  if (shards.length === 0) shards.push({ start: 0, end: 0 });
  return shards;
}

/**
 * The shard plan the driver uses for `plugin` on `data`: cut at the data's group boundaries
 * when it has them; for a plugin whose rows depend on each other within a group
 * (`groupedRows`), data without groups is one group and one shard.
 */
export function planShardsFor(plugin: Pick<ModelPlugin<unknown, unknown>, 'groupedRows'>, data: Dataset, shardRows: number = DEFAULT_SHARD_ROWS): RowRange[] {
  const groups = data.groups ?? (plugin.groupedRows && data.rows > 0 ? groupBoundaries(data) : null);
  return planShards(data.rows, shardRows, groups);
}
