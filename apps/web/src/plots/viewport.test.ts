import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covarianceEllipse } from './geometry.js';
import { fitWindow, OUTER_SIGMA, panWindow, zoomWindow } from './viewport.js';

describe('the plot window', () => {
  it('holds every point and every 2σ ellipse, whatever their shapes (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true })), { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.01, max: 400, noNaN: true }), fc.double({ min: 0.01, max: 400, noNaN: true }), fc.double({ min: -0.99, max: 0.99, noNaN: true })), { maxLength: 4 }),
        (points, comps) => {
          const values = Float64Array.from(points.flat());
          const components = comps.map(([mx, my, vx, vy, rho]) => ({ location: [mx, my] as const, covariance: [vx, rho * Math.sqrt(vx * vy), vy] as const }));
          const w = fitWindow(values, points.length, 2, 0, 1, components, false);
          for (const [px, py] of points) expect(px >= w.xMin && px <= w.xMax && py >= w.yMin && py <= w.yMax).toBe(true);
          for (const c of components) {
            const e = covarianceEllipse(c.location[0], c.location[1], ...c.covariance, OUTER_SIGMA);
            // Points on the ellipse's boundary, in data units.
            for (let t = 0; t < 2 * Math.PI; t += Math.PI / 16) {
              const ex = e.cx + e.rx * Math.cos(t) * Math.cos(e.angle) - e.ry * Math.sin(t) * Math.sin(e.angle);
              const ey = e.cy + e.rx * Math.cos(t) * Math.sin(e.angle) + e.ry * Math.sin(t) * Math.cos(e.angle);
              const slack = 1e-9 * (1 + Math.abs(ex) + Math.abs(ey));
              expect(ex >= w.xMin - slack && ex <= w.xMax + slack && ey >= w.yMin - slack && ey <= w.yMax + slack).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('zooms about the cursor (which stays put) and pans by data units', () => {
    const w = { xMin: 0, xMax: 10, yMin: 0, yMax: 20 };
    const z = zoomWindow(w, 0.5, 2, 4);
    expect(z).toEqual({ xMin: 1, xMax: 6, yMin: 2, yMax: 12 });
    // The anchor keeps its relative position.
    expect((2 - z.xMin) / (z.xMax - z.xMin)).toBeCloseTo((2 - w.xMin) / (w.xMax - w.xMin), 12);
    expect(panWindow(w, 1, -2)).toEqual({ xMin: 1, xMax: 11, yMin: -2, yMax: 18 });
  });
});
