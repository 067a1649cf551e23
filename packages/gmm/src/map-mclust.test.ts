import { describe, expect, it } from 'vitest';
import { createDataset } from '@emkit/core';
import { gmmPlugin } from './plugin.js';
import { covarianceModel, resolveCovarianceName } from './covariance/index.js';
import { createStats, eStepRows, estimateParameters, withExtras } from './estimate.js';
import { mclustCovariances, mclustParams } from './test-support/mclust-params.js';
import { resolvePrior } from './prior.js';
import { mclustFixtureNames, readMclustFixture, type MclustFit } from './test-support/fixtures.js';

/**
 * MAP-EM against mclust's Mclust(…, prior = priorControl()) (tools/fixtures/mclust mapFits):
 * the default prior is mclust's defaultPrior, and one EM step from mclust's fitted parameters
 * gives mclust's next parameters (its estep then mstep with the prior).
 */
const STEP_TOLERANCE = 1e-8;
/**
 * Looser where the step is not the same arithmetic: VEI's M-step iterates (mclust stops its inner
 * loop at √ε relative, emkit at 1e-12); mclust's EII step (mseiip) takes the scatter around the
 * shrunk means and adds κ·n_j/(n_j + κ)·‖x̄_j − m‖² besides, a second-order difference in κ/n_j.
 */
const LOOSER: Record<string, number> = { VEI: 1e-6, EII: 1e-6 };
/**
 * mclust's EEI M-step (mseeip) keeps the ML means; emkit's MAP M-step shrinks every model's
 * means towards the prior mean alike (so that each step maximises one log posterior). The
 * covariances agree, the means differ by the shrinkage, κ·n_j/(n_j + κ)·(x̄_j − m).
 */
const ML_MEANS_IN_MCLUST: Record<string, number> = { EEI: 2e-3 };

function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let gap = 0;
  for (let i = 0; i < b.length; i++) gap = Math.max(gap, Math.abs(a[i] - b[i]));
  return gap / scale;
}

for (const name of mclustFixtureNames()) {
  const fx = readMclustFixture(name);
  const data = createDataset(Float64Array.from(fx.data), fx.n, fx.d, { source: name });
  const fits = fx.mapFits.filter((f) => f.fit !== null && covarianceModel(resolveCovarianceName(f.model)!).supportsPrior !== false);

  describe(`mclust MAP fits on ${fx.dataset}`, () => {
    for (const f of fits)
      it(`${f.model} K=${f.k}: the default prior is mclust's defaultPrior, and one MAP-EM step is mclust's`, async () => {
        const type = resolveCovarianceName(f.model)!;
        const options = gmmPlugin.parseOptions({ k: f.k, covariance: f.model, regCovar: 0, prior: 'default' });
        const prior = resolvePrior(data, options.prior!, type, f.k);
        const reference = f.prior!;
        expect(prior.shrinkage).toBe(reference.shrinkage);
        expect(prior.dof).toBe(reference.dof);
        expect(relativeGap(prior.mean, reference.mean)).toBeLessThan(1e-12);
        // mclust's scale: one number for the diagonal family, D×D for the others; in this structure's shape.
        const scale = typeof reference.scale === 'number' ? new Float64Array(prior.scale.length).fill(reference.scale) : Float64Array.from(reference.scale);
        expect(relativeGap(prior.scale, scale), 'scale').toBeLessThan(1e-12);

        // One EM step from mclust's fitted parameters, emkit's against mclust's (estep, mstep).
        if (!f.next) return;
        const params = withExtras(mclustParams(f as MclustFit, fx.d), { prior, totalWeight: fx.n });
        const stats = createStats(params);
        eStepRows(params, data, 0, data.rows, stats);
        const next = estimateParameters(params, stats, { regCovar: 0, freeze: [], totalWeight: fx.n });
        const expected = { ...f, ...f.next } as MclustFit;
        const tolerance = LOOSER[f.model] ?? STEP_TOLERANCE;
        expect(relativeGap(next.weights, expected.weights!), 'weights').toBeLessThan(tolerance);
        expect(relativeGap(next.means, expected.means!), 'means').toBeLessThan(ML_MEANS_IN_MCLUST[f.model] ?? tolerance);
        expect(relativeGap(next.covariances, mclustCovariances(type, expected, f.k, fx.d)), 'covariances').toBeLessThan(tolerance);
      });
  });
}
