import { describe, expect, it } from 'vitest';
import { hasErrorCode } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { gmmPlugin } from './plugin.js';
import { COVARIANCE_TYPES, covarianceModel } from './covariance/index.js';
import { readFixtureDataset } from './test-support/fixtures.js';

const faithful = readFixtureDataset('faithful');
const d = faithful.cols;

/** The bound on a model file's prior.dof: an inverse-Wishart needs dof > D − 1, an inverse-gamma dof > 0. */
const DOF_ABOVE: Record<string, number> = { full: d - 1, tied: d - 1, diag: 0, spherical: 0, EII: 0, EEI: 0, VEI: 0, EVI: 0 };

describe("a model file's prior.dof, checked through the covariance module (no covariance-name switch in plugin.ts)", () => {
  const withPrior = COVARIANCE_TYPES.filter((t) => covarianceModel(t).supportsPrior !== false);

  it('covers every structure that offers a prior', () => {
    expect([...withPrior].sort()).toEqual(Object.keys(DOF_ABOVE).sort());
  });

  for (const covariance of withPrior)
    it(`${covariance}: dof must be above ${DOF_ABOVE[covariance]}`, () => {
      const options = gmmPlugin.parseOptions({ k: 2, covariance, prior: 'default' });
      const json = gmmPlugin.toJSON(gmmPlugin.init(faithful, options, new Random(0)), options) as Record<string, unknown> & { prior: Record<string, unknown> };
      const withDof = (dof: number) => ({ ...json, prior: { ...json.prior, dof } });
      expect(() => gmmPlugin.fromJSON(withDof(DOF_ABOVE[covariance] + 0.5))).not.toThrow();
      let error: unknown;
      try {
        gmmPlugin.fromJSON(withDof(DOF_ABOVE[covariance]));
      } catch (e) {
        error = e;
      }
      expect(hasErrorCode(error, 'model-file')).toBe(true);
      expect((error as { field?: string }).field).toBe('prior.dof');
      expect(String((error as Error).message)).toContain(`must be > ${DOF_ABOVE[covariance]}`);
    });
});
