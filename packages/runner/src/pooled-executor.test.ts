import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardRuns } from './pooled-executor.js';

describe('shardRuns', () => {
  it('13 shards on 2 workers: runs of 4, 3, 2, 1, 1, 1, 1 (the workers finish with 7 and 6)', () => {
    expect(shardRuns(13, 2).map((r) => r.length)).toEqual([4, 3, 2, 1, 1, 1, 1]);
  });

  it('covers every shard once, in order, in consecutive runs that never grow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 16 }), (shards, workers) => {
        const runs = shardRuns(shards, workers);
        expect(runs.flat()).toEqual(Array.from({ length: shards }, (_, i) => i));
        for (const run of runs) expect(run.length).toBeGreaterThan(0);
        for (let r = 1; r < runs.length; r++) expect(runs[r].length).toBeLessThanOrEqual(runs[r - 1].length);
        // The first run leaves the others enough to share: at most ⌈N / 2W⌉.
        if (shards > 0) expect(runs[0].length).toBe(Math.ceil(shards / (2 * workers)));
      }),
    );
  });
});
