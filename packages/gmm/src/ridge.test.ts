import { describe, expect, it } from 'vitest';
import { columnMoments, createDataset, createRun, fit, modelFileFromFit, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { DEFAULT_REG_COVAR } from './options.js';
import { MCLUST_ORDER, mclustName } from './covariance/index.js';

/** Three clusters in the plane, apart in each coordinate, with unit noise. */
function clusters(): Dataset {
  const random = new Random(7);
  const centres = [
    [0, 0],
    [10, 10],
    [20, -10],
  ];
  const values = new Float64Array(2 * 90);
  for (let i = 0; i < 90; i++) for (let c = 0; c < 2; c++) values[2 * i + c] = centres[i % 3][c] + (1 + c * 0.5) * random.nextNormal();
  return createDataset(values, 90, 2);
}

function scaled(data: Dataset, scale: readonly number[]): Dataset {
  return createDataset(data.values.map((v, i) => v * scale[i % data.cols]), data.rows, data.cols);
}

/** The fit from starting means (each row's nearest), with the means scaled as the data. */
async function fitFrom(data: Dataset, covariance: string, scale: readonly number[], regCovarScale?: 'variance' | 'none') {
  const means = [
    [0, 0],
    [10, 10],
    [20, -10],
  ].map((m) => m.map((v, c) => v * scale[c]));
  return fit(gmmPlugin, data, { k: 3, covariance, init: { means }, ...(regCovarScale ? { regCovarScale } : {}) }, { tol: 1e-12, maxIter: 300 });
}

/** ℓ(X·S) + N·Σ log s_c − ℓ(X), relative to |ℓ(X)|: 0 for a fit that does not depend on the units. */
function unitDependence(base: number, rescaled: number, n: number, scale: readonly number[]): number {
  return Math.abs(rescaled + n * scale.reduce((s, v) => s + Math.log(v), 0) - base) / Math.abs(base);
}

describe("regCovar times each column's variance (regCovarScale 'variance', the default)", () => {
  const data = clusters();

  // Units 10⁵ times smaller (variances 10⁻¹⁰ of the data's: regCovar as it is swamps them). A common scale keeps every one of the 14 structures; a scale per column keeps those without a
  // shared orientation or shared eigenvalues across components (the diagonal ones, EEE and VVV).
  const perColumn = new Set(['EEI', 'VEI', 'EVI', 'VVI', 'EEE', 'VVV']);
  for (const type of MCLUST_ORDER) {
    const name = mclustName(type);
    const scales = perColumn.has(name) ? [[1e-5, 1e-5], [1e-5, 1e2]] : [[1e-5, 1e-5]];
    for (const scale of scales)
      it(`${name}: data in other units (× ${scale.join(', ')}) give the same fit, scaled; regCovar as it is does not`, async () => {
        const base = await fitFrom(data, name, [1, 1]);
        const rescaled = await fitFrom(scaled(data, scale), name, scale);
        expect(unitDependence(base.logLikelihood, rescaled.logLikelihood, data.rows, scale)).toBeLessThan(1e-9);
        for (let i = 0; i < base.params.means.length; i++) expect(rescaled.params.means[i] / scale[i % 2]).toBeCloseTo(base.params.means[i], 7);
        const absolute = await fitFrom(scaled(data, scale), name, scale, 'none');
        expect(unitDependence(base.logLikelihood, absolute.logLikelihood, data.rows, scale)).toBeGreaterThan(1e-4);
      });
  }

  it("the ridge is regCovar × the column's variance, and regCovar itself with regCovarScale 'none'", async () => {
    const variances = columnMoments(data).deviation.map((s) => s * s);
    const withScale = await fit(gmmPlugin, data, { k: 1, covariance: 'diag', regCovar: 0.5 });
    const absolute = await fit(gmmPlugin, data, { k: 1, covariance: 'diag', regCovar: 0.5, regCovarScale: 'none' });
    for (let c = 0; c < 2; c++) {
      expect(withScale.params.covariances[c]).toBeCloseTo(1.5 * variances[c], 10);
      expect(absolute.params.covariances[c]).toBeCloseTo(variances[c] + 0.5, 10);
    }
  });

  it('model files keep the column variances, so EM goes on from a file as it would have; files without regCovarScale add regCovar as it is', async () => {
    const r = await fit(gmmPlugin, data, { k: 3, covariance: 'VVV' }, { maxIter: 3 });
    const file = JSON.parse(JSON.stringify(modelFileFromFit(gmmPlugin, r)));
    expect(file.regCovarScale).toBe('variance');
    expect(file.ridgeScale).toEqual(Array.from(columnMoments(data).deviation, (s) => s * s));
    const read = gmmPlugin.fromJSON(file);
    expect(read.options.regCovarScale).toBe('variance');
    expect(Array.from(read.params.ridgeScale!)).toEqual(file.ridgeScale);
    // EM goes on from the file's parameters as from the fit's own (the same ridge)
    const goOn = async (params: typeof r.params, options: typeof r.options) => (await createRun(gmmPlugin, data, options, { maxIter: 20, resume: { ...r, params, converged: false } }).finish()).logLikelihood;
    expect(await goOn(read.params, read.options)).toBe(await goOn(r.params, r.options));
    const before = { ...file };
    delete before.regCovarScale;
    delete before.ridgeScale;
    const old = gmmPlugin.fromJSON(before);
    expect(old.options.regCovarScale).toBe('none');
    expect(old.params.ridgeScale).toBeUndefined();
    const missing = { ...file };
    delete missing.ridgeScale;
    expect(() => gmmPlugin.fromJSON(missing)).toThrow(/ridgeScale: is missing/);
    expect(() => gmmPlugin.fromJSON({ ...file, ridgeScale: [1, 0] })).toThrow(/ridgeScale\[1\]: is 0; must be > 0/);
  });

  it('a constant column gets a ridge of regCovar (its variance is taken as 1)', async () => {
    const values = new Float64Array(40);
    for (let i = 0; i < 20; i++) values.set([i % 7, 3], 2 * i);
    const r = await fit(gmmPlugin, createDataset(values, 20, 2), { k: 1, covariance: 'diag' });
    expect(r.params.covariances[1]).toBe(DEFAULT_REG_COVAR);
    expect(Array.from(r.params.ridgeScale!).slice(1)).toEqual([1]);
  });
});
