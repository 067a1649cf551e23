import { describe, expect, it } from 'vitest';
import { createDataset, fit, type Dataset } from '@emkit/core';
import { gmmPlugin } from './plugin.js';
import { covarianceModel, resolveCovarianceName } from './covariance/index.js';
import type { GmmParams } from './params.js';
import { mclustFixtureNames, readMclustFixture } from './test-support/fixtures.js';
import { mclustCovariances, mclustParams } from './test-support/mclust-params.js';

function logLikelihood(params: GmmParams, data: Dataset): number {
  return gmmPlugin.scoreSamples(params, data).reduce((a, b) => a + b, 0);
}

for (const name of mclustFixtureNames()) {
  const fx = readMclustFixture(name);
  const data = createDataset(Float64Array.from(fx.data), fx.n, fx.d, { source: name });
  const fits = fx.fits.filter((f) => f.fit !== null);

  describe(`mclust ${fx.dataset} (${fx.n}×${fx.d}): 14 models × K = 1…5`, () => {
    it('covers every model and K', () => expect(fx.fits).toHaveLength(70));

    // mclust's `loglik`/`bic` are its last E-step's, one M-step before the parameters it returns;
    // the fixtures' *AtParameters are at the returned parameters.
    it("parameter counts equal mclust's df, and BIC = −mclust's BIC at mclust's parameters (1e-8 relative)", () => {
      for (const f of fits) {
        const params = mclustParams(f, fx.d);
        const options = gmmPlugin.parseOptions({ k: f.k, covariance: f.model, regCovar: 0 });
        const count = gmmPlugin.parameterCount!(params, options);
        expect(count, `${f.model} K=${f.k}`).toBe(f.df);
        const bic = -2 * logLikelihood(params, data) + count * Math.log(fx.n);
        expect(Math.abs(bic + f.bicAtParameters!) / Math.abs(f.bicAtParameters!), `${f.model} K=${f.k}: ${bic} vs ${-f.bicAtParameters!}`).toBeLessThanOrEqual(1e-8);
      }
    });

    for (const f of fits)
      it(`${f.model} K=${f.k}: EM from mclust's parameters ends at a log-likelihood ≥ mclust's`, async () => {
        const type = resolveCovarianceName(f.model)!;
        const model = covarianceModel(type);
        const init = {
          weights: f.weights,
          means: Array.from({ length: f.k }, (_, j) => f.means!.slice(j * fx.d, (j + 1) * fx.d)),
          covariances: model.toNested(mclustCovariances(type, f, f.k, fx.d), f.k, fx.d),
        };
        const result = await fit(gmmPlugin, data, { k: f.k, covariance: f.model, regCovar: 0, init }, { tol: 1e-10, maxIter: 300 });
        const reference = Math.max(f.loglik!, f.loglikAtParameters!);
        expect(result.logLikelihood, `${f.model} K=${f.k}`).toBeGreaterThanOrEqual(reference - 1e-6 * Math.abs(reference));
        expect(result.monotonicityViolations).toEqual([]);
      });
  });
}
