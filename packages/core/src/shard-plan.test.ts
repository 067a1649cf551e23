import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHARD_ROWS, planShards, planShardsFor } from './shard-plan.js';
import { createDataset } from './dataset.js';

describe('planShards', () => {
  it('covers every row exactly once, in order, in shards of exactly shardRows but a shorter last one (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 600 }), (rows, shardRows) => {
        const shards = planShards(rows, shardRows);
        expect(shards.length).toBe(Math.ceil(rows / shardRows));
        expect(shards[0].start).toBe(0);
        expect(shards[shards.length - 1].end).toBe(rows);
        shards.forEach((s, i) => {
          if (i > 0) expect(s.start).toBe(shards[i - 1].end);
          const size = s.end - s.start;
          if (i < shards.length - 1) expect(size).toBe(shardRows);
          else expect(size >= 1 && size <= shardRows).toBe(true);
        });
      }),
    );
  });

  it('hand examples', () => {
    expect(planShards(10, 4)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
    expect(planShards(8, 4)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
    ]);
    expect(planShards(3, 100)).toEqual([{ start: 0, end: 3 }]);
    expect(planShards(0, 4)).toEqual([{ start: 0, end: 0 }]);
  });

  it('uses a fixed default size: 8192 rows whatever the data size', () => {
    expect(DEFAULT_SHARD_ROWS).toBe(8192);
    const shards = planShards(20_000);
    expect(shards.map((s) => s.end - s.start)).toEqual([8192, 8192, 20_000 - 2 * 8192]);
    expect(planShards(100)).toEqual([{ start: 0, end: 100 }]);
    // a shard's boundaries depend only on its index and the size, never on the row count
    expect(planShards(50_000).slice(0, 2)).toEqual(planShards(17_000).slice(0, 2));
  });

  it('throws a RangeError on a shard size that is not a positive integer', () => {
    for (const bad of [0, -1, 2.5, NaN, Infinity]) expect(() => planShards(10, bad), `${bad}`).toThrow(RangeError);
  });
});

describe('planShards with group boundaries', () => {
  const boundaries = fc
    .array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 })
    .map((lengths) => Int32Array.from([0, ...lengths.map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0))]));

  it('cuts only at group boundaries, covers every row once, and closes a shard as soon as it holds shardRows rows (fast-check)', () => {
    fc.assert(
      fc.property(boundaries, fc.integer({ min: 1, max: 120 }), (groups, shardRows) => {
        const rows = groups[groups.length - 1];
        const shards = planShards(rows, shardRows, groups);
        const cuts = new Set(groups);
        expect(shards[0].start).toBe(0);
        expect(shards[shards.length - 1].end).toBe(rows);
        shards.forEach((s, i) => {
          if (i > 0) expect(s.start).toBe(shards[i - 1].end);
          expect(cuts.has(s.start) && cuts.has(s.end)).toBe(true);
          // Every shard but the last holds ≥ shardRows rows, and would hold fewer without its last group.
          const inner = Array.from(groups).filter((b) => b > s.start && b < s.end);
          if (i < shards.length - 1) expect(s.end - s.start).toBeGreaterThanOrEqual(shardRows);
          if (inner.length > 0) expect(inner[inner.length - 1] - s.start).toBeLessThan(shardRows);
        });
      }),
    );
  });

  it('hand examples: a long group is a shard of its own; no groups and one group agree with the plain plan where they must', () => {
    const groups = Int32Array.of(0, 3, 5, 15, 16, 18);
    expect(planShards(18, 4, groups)).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 15 },
      { start: 15, end: 18 },
    ]);
    expect(planShards(18, 100, groups)).toEqual([{ start: 0, end: 18 }]);
    expect(planShards(18, 1, groups)).toHaveLength(5);
    expect(() => planShards(17, 4, groups)).toThrow(/row count 17/);
  });

  it('planShardsFor: data groups for every plugin; a groupedRows plugin keeps ungrouped data whole', () => {
    const values = new Float64Array(10);
    const plain = createDataset(values, 10, 1);
    const grouped = createDataset(values, 10, 1, { groups: [0, 4, 10] });
    expect(planShardsFor({}, plain, 3)).toEqual(planShards(10, 3));
    expect(planShardsFor({ groupedRows: true }, plain, 3)).toEqual([{ start: 0, end: 10 }]);
    expect(planShardsFor({}, grouped, 3)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 10 },
    ]);
  });
});
