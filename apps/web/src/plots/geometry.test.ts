import { describe, expect, it } from 'vitest';
import { componentColor, mixedColors, NEUTRAL } from './colors.js';
import { covarianceEllipse, formatTicks, niceTicks } from './geometry.js';
import { marginalCovariance } from '@emkit/core';

describe('covarianceEllipse', () => {
  it('has semi-axes n·√λ along the eigenvectors', () => {
    const e = covarianceEllipse(1, 2, 4, 0, 1, 2);
    expect(e).toMatchObject({ cx: 1, cy: 2, rx: 4, ry: 2, angle: 0 });
    const tall = covarianceEllipse(0, 0, 1, 0, 9);
    expect(tall.rx).toBeCloseTo(3, 12);
    expect(tall.ry).toBeCloseTo(1, 12);
    expect(Math.abs(tall.angle)).toBeCloseTo(Math.PI / 2, 12);
  });

  it('turns by 45° for a correlated pair with equal variances', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 along (1, 1) and 1 along (1, −1).
    const e = covarianceEllipse(0, 0, 2, 1, 2);
    expect(e.angle).toBeCloseTo(Math.PI / 4, 12);
    expect(e.rx).toBeCloseTo(Math.sqrt(3), 12);
    expect(e.ry).toBeCloseTo(1, 12);
  });

  it('takes a round-off negative eigenvalue as zero', () => {
    const e = covarianceEllipse(0, 0, 1, 1, 1 - 1e-17);
    expect(e.ry).toBe(0);
    expect(Number.isFinite(e.rx)).toBe(true);
  });
});

it('core’s marginalCovariance reads the shown columns of component j', () => {
  // Two 3×3 covariances, the second with entries 10·(row) + column.
  const cov = new Float64Array(18);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[9 + a * 3 + b] = 10 * a + b;
  const view = { count: 2, dims: 3, locationName: 'mean', locations: new Float64Array(6), weights: null, covariances: cov, hard: false };
  expect(marginalCovariance(view, 1, 0, 2)).toEqual([0, 2, 22]);
});

describe('ticks', () => {
  it('are round numbers covering the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    const close = niceTicks(-4.7652, -4.7649, 3);
    expect(close.length).toBeGreaterThanOrEqual(2);
    expect(new Set(formatTicks(close)).size).toBe(close.length);
  });

  it('are labelled with the decimals their spacing needs', () => {
    expect(formatTicks([0, 0.5, 1])).toEqual(['0.0', '0.5', '1.0']);
    expect(formatTicks([-4.7651, -4.765, -4.7649])).toEqual(['-4.7651', '-4.7650', '-4.7649']);
    expect(formatTicks([1000, 2000])).toEqual(['1000', '2000']);
    expect(formatTicks([2e6, 4e6])[1]).toMatch(/e\+6$/);
  });
});

describe('mixedColors', () => {
  it('mixes the component colours by responsibility and leaves unassigned points grey', () => {
    const [a, b] = [componentColor(0), componentColor(1)];
    const pack = (c: readonly number[]) => (c[0] << 16) | (c[1] << 8) | c[2];
    const colors = mixedColors(new Float64Array([1, 0, 0.5, 0.5]), 2, 2);
    expect(colors[0]).toBe(pack(a));
    expect(colors[1]).toBe(pack(a.map((v, i) => Math.round(0.5 * v + 0.5 * b[i]))));
    expect(mixedColors(null, 3, 2)).toEqual(new Uint32Array(3).fill(pack(NEUTRAL)));
  });

  it('gives distinct colours past the palette', () => {
    const packed = new Set(Array.from({ length: 20 }, (_, j) => componentColor(j).join()));
    expect(packed.size).toBe(20);
  });
});
