import { describe, expect, it } from 'vitest';
import { aboveBest, competitiveRange } from './range.js';

describe('criterion chart ranges', () => {
  it('zooms to the best half: a far-off family is clipped, the best and the median stay in view', () => {
    const values = [1000, 990, 985, 987, 5000, 6000, 7000, null];
    const [lo, hi] = competitiveRange(values)!;
    expect(lo).toBeLessThan(985);
    expect(hi).toBeGreaterThanOrEqual(1000);
    expect(hi).toBeLessThan(5000);
  });

  it('handles one candidate, ties and failures', () => {
    expect(competitiveRange([null, null])).toBeNull();
    const [lo, hi] = competitiveRange([42])!;
    expect(lo).toBeLessThan(42);
    expect(hi).toBeGreaterThan(42);
  });

  it('puts the best at 1 for a log axis', () => {
    expect(aboveBest([10, 12, null, 110])).toEqual([1, 3, null, 101]);
  });
});
