import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { halfAngle } from './orientation.js';

describe('halfAngle', () => {
  it('gives cos θ and sin θ of θ = ½·atan2(y, x) to round-off, cos θ ≥ 0 (fast-check)', () => {
    const component = fc.double({ min: -1e200, max: 1e200, noNaN: true });
    fc.assert(
      fc.property(component, component, (x, y) => {
        const rotation = halfAngle(x, y);
        if (x === 0 && y === 0) return rotation === null;
        const [cos, sin] = rotation!;
        const theta = 0.5 * Math.atan2(y, x);
        return Math.abs(cos * cos + sin * sin - 1) <= 4e-16 && cos >= 0 && Math.abs(cos - Math.cos(theta)) <= 2e-15 && Math.abs(sin - Math.sin(theta)) <= 2e-15;
      }),
    );
  });

  it('is null without a direction (x = y = 0, or not finite)', () => {
    expect(halfAngle(0, 0)).toBeNull();
    expect(halfAngle(Number.NaN, 1)).toBeNull();
    expect(halfAngle(Infinity, 1)).toBeNull();
  });
});
