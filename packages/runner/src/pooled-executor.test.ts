import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardRuns } from './pooled-executor.js';

describe('shardRuns', () => {
  it('13 shards on 2 workers: runs of 4, 3, 3, 3 (the workers finish with 7 and 6)', () => {
    expect(shardRuns(13, 2).map((r) => r.length)).toEqual([4, 3, 3, 3]);
  });

  it('covers every shard once, in order, in twice as many consecutive runs as workers (fewer shards: one each), the larger first, sizes within one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 16 }), (shards, workers) => {
        const runs = shardRuns(shards, workers);
        expect(runs.flat()).toEqual(Array.from({ length: shards }, (_, i) => i));
        for (const run of runs) expect(run.length).toBeGreaterThan(0);
        expect(runs.length).toBe(Math.min(2 * workers, shards));
        for (let r = 1; r < runs.length; r++) expect(runs[r].length).toBeLessThanOrEqual(runs[r - 1].length);
        if (shards > 0) expect(runs[0].length - runs[runs.length - 1].length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
