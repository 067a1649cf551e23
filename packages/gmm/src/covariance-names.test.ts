import { describe, expect, it } from 'vitest';
import { fit, ModelFileError, OptionError } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { COVARIANCE_NAMES, COVARIANCE_TYPES, MCLUST_ORDER, mclustName, resolveCovarianceName } from './covariance/index.js';
import { readFixtureDataset } from './test-support/fixtures.js';

const faithful = readFixtureDataset('faithful');

describe("covariance names: the four scikit-learn names and mclust's 14", () => {
  it('mclust names VVV, VVI, VII, EEE are the classic structures; all 14 resolve', () => {
    expect(resolveCovarianceName('VVV')).toBe('full');
    expect(resolveCovarianceName('VVI')).toBe('diag');
    expect(resolveCovarianceName('VII')).toBe('spherical');
    expect(resolveCovarianceName('EEE')).toBe('tied');
    expect(MCLUST_ORDER.map(mclustName)).toEqual(['EII', 'VII', 'EEI', 'VEI', 'EVI', 'VVI', 'EEE', 'VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV', 'VVV']);
    expect(new Set(MCLUST_ORDER)).toEqual(new Set(COVARIANCE_TYPES));
    expect(resolveCovarianceName('vvv')).toBeUndefined();
    expect(COVARIANCE_NAMES).toHaveLength(18);
  });

  it('an alias fits exactly as the structure it names', async () => {
    const a = await fit(gmmPlugin, faithful, { k: 2, covariance: 'VVV' }, { seed: 3 });
    const b = await fit(gmmPlugin, faithful, { k: 2, covariance: 'full' }, { seed: 3 });
    expect(a.params.covariance).toBe('full');
    expect(a.logLikelihood).toBe(b.logLikelihood);
  });

  it('an unknown name is an option error listing the choices', () => {
    expect(() => gmmPlugin.parseOptions({ k: 2, covariance: 'VVX' })).toThrow(OptionError);
    expect(() => gmmPlugin.parseOptions({ k: 2, covariance: 'VVX' })).toThrow(/covariance: expected one of full, diag, spherical, tied, EII.*VVV, VVI, VII, EEE, got "VVX"; did you mean "VVE", "VVV" or "VVI"\?$/);
  });

  it('a prior with a constrained model is a clear option error', () => {
    expect(() => gmmPlugin.parseOptions({ k: 2, covariance: 'EVE', prior: 'default' })).toThrow(/^prior: is not available with covariance EVE \(mclust has no conjugate prior for it either\)/);
    // mclust has priors for EEV and VEV (mseevp, msvevp); emkit says it lacks them, not mclust.
    expect(() => gmmPlugin.parseOptions({ k: 2, covariance: 'EEV', prior: 'default' })).toThrow(/^prior: is not available with covariance EEV \(mclust has one; emkit does not yet\)/);
  });

  it('model files of the constrained models round-trip; a file far from its structure is refused, naming the component', async () => {
    for (const covariance of COVARIANCE_TYPES) {
      const r = await fit(gmmPlugin, faithful, { k: 3, covariance }, { seed: 1 });
      const file = JSON.parse(JSON.stringify(gmmPlugin.toJSON(r.params, r.options))) as Record<string, unknown>;
      const back = gmmPlugin.fromJSON(file);
      expect(back.params.covariances, covariance).toEqual(r.params.covariances);
      // (fromJSON renormalises the weights, which may move them by an ulp)
      const a = gmmPlugin.scoreSamples(back.params, faithful);
      const b = gmmPlugin.scoreSamples(r.params, faithful);
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-12);
    }
    const r = await fit(gmmPlugin, faithful, { k: 2, covariance: 'EEV' }, { seed: 1 });
    const file = gmmPlugin.toJSON(r.params, r.options) as { covariances: number[][][] };
    file.covariances[1][0][0] *= 2;
    expect(() => gmmPlugin.fromJSON(file)).toThrow(ModelFileError);
    expect(() => gmmPlugin.fromJSON(file)).toThrow(/covariances\[\d\].*does not have the EEV structure \(equal volume, equal shape, variable orientation\)/);
  });

  it('every model samples data whose moments match the model (one component)', () => {
    for (const covariance of COVARIANCE_TYPES) {
      const options = gmmPlugin.parseOptions({ k: 1, covariance });
      const params = gmmPlugin.init(faithful, options, new Random(0));
      const n = 20000;
      const x = gmmPlugin.sample!(params, n, new Random(5));
      const mean = [0, 1].map((c) => x.filter((_, i) => i % 2 === c).reduce((a, b) => a + b, 0) / n);
      for (let c = 0; c < 2; c++) expect(Math.abs(mean[c] - params.means[c])).toBeLessThan(0.05 * Math.max(1, Math.abs(params.means[c])));
    }
  });
});
