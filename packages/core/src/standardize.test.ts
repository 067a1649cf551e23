import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetFromRows } from './dataset.js';
import type { FitResult } from './driver.js';
import { LOG_LIKELIHOOD } from './plugin.js';
import { applyStandardization, fitStandardization, inOriginalUnits, invertStandardization, logJacobian, perRowShift, readStandardization } from './standardize.js';

describe('standardisation', () => {
  const data = datasetFromRows([[1, 100], [2, 300], [3, 200], [10, 400]], { columns: ['a', 'b'] });

  it('z-scores: mean 0 and population variance 1 per column; robust: median and IQR', () => {
    const t = fitStandardization(data, 'zscore');
    expect(t.center).toEqual([4, 250]);
    expect(t.scale[0]).toBeCloseTo(Math.sqrt((9 + 4 + 1 + 36) / 4), 14);
    const z = applyStandardization(data, t);
    for (let j = 0; j < 2; j++) {
      const column = [0, 1, 2, 3].map((i) => z.values[i * 2 + j]);
      expect(column.reduce((a, b) => a + b) / 4).toBeCloseTo(0, 14);
      expect(column.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 14);
    }
    const r = fitStandardization(data, 'robust');
    // NumPy: np.percentile([1,2,3,10], [25,50,75]) = 1.75, 2.5, 4.75
    expect(r.center[0]).toBe(2.5);
    expect(r.scale[0]).toBe(4.75 - 1.75);
  });

  it('inverts exactly enough to round-trip (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), { minLength: 3, maxLength: 30 }), (rows) => {
        const d = datasetFromRows(rows.map(([a, b]) => [a, b]));
        let t;
        try {
          t = fitStandardization(d, 'zscore');
        } catch {
          return; // a constant column is refused; covered below
        }
        const back = invertStandardization(applyStandardization(d, t).values, t);
        for (let i = 0; i < back.length; i++) expect(back[i]).toBeCloseTo(d.values[i], Math.max(0, 8 - Math.log10(Math.abs(d.values[i]) + 1)));
      }),
    );
  });

  it('refuses a constant column naming it', () => {
    expect(() => fitStandardization(datasetFromRows([[1, 5], [2, 5], [3, 5]], { columns: ['x', 'const'] }), 'zscore')).toThrow(/"const" \(column 2\) has no spread/);
  });

  it('moves log-likelihoods, BIC and AIC into the original units with the log-Jacobian', () => {
    const t = { method: 'zscore' as const, center: [0, 0], scale: [2, 10] };
    expect(logJacobian(t)).toBeCloseTo(-Math.log(20), 14);
    const result = { objective: LOG_LIKELIHOOD, meanLogLikelihood: -1, logLikelihood: -4, history: [-2, -1], monotonicityViolations: [], bic: 20, aic: 18, restarts: [{ meanLogLikelihood: -1, logLikelihood: -4, history: [-1] }] } as unknown as FitResult<unknown, unknown>;
    const moved = inOriginalUnits(result, t, data);
    expect(moved.meanLogLikelihood).toBeCloseTo(-1 - Math.log(20), 14);
    expect(moved.logLikelihood).toBeCloseTo(-4 - 4 * Math.log(20), 12);
    expect(moved.bic).toBeCloseTo(20 + 8 * Math.log(20), 12);
    expect(moved.aic).toBeCloseTo(18 + 8 * Math.log(20), 12);
    expect(moved.history[0]).toBeCloseTo(-2 - Math.log(20), 14);
    // A cost (k-means' −inertia) has no Jacobian, nor has a density of something else than the columns.
    const cost = inOriginalUnits({ ...result, objective: { name: '−inertia', density: false }, bic: null, aic: null }, t, data);
    expect([cost.meanLogLikelihood, cost.logLikelihood, cost.history[0]]).toEqual([-1, -4, -2]);
    // A bound on the density without a parameter count (a variational ELBO: no BIC) moves as the log-likelihood does.
    const elbo = inOriginalUnits({ ...result, objective: { name: 'ELBO', density: true }, bic: null, aic: null }, t, data);
    expect(elbo.meanLogLikelihood).toBeCloseTo(-1 - Math.log(20), 14);
    expect(elbo.history[1]).toBeCloseTo(-1 - Math.log(20), 14);
    expect(elbo.bic).toBeNull();
    // The same shift for a progress line or a run's history: a density's log-Jacobian, nothing for a cost or without a transform.
    expect([perRowShift(LOG_LIKELIHOOD, t), perRowShift({ name: '−inertia', density: false }, t), perRowShift(LOG_LIKELIHOOD, null)]).toEqual([logJacobian(t), 0, 0]);
  });

  it('reads the model-file field back, refusing bad scales', () => {
    expect(readStandardization(undefined)).toBeNull();
    expect(readStandardization({ method: 'robust', center: [1], scale: [2] }, 1)).toEqual({ method: 'robust', center: [1], scale: [2] });
    expect(() => readStandardization({ method: 'zscore', center: [1], scale: [0] })).toThrow(/standardize\.scale: expected an array of finite numbers > 0/);
    expect(() => readStandardization({ method: 'zscore', center: [1, 2], scale: [1, 1] }, 3)).toThrow(/the model has 3 columns/);
  });
});
