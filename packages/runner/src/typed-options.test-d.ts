/**
 * Type-level tests (vitest typecheck, i.e. tsc): the options of `fit` (core and runner) and
 * `selectModel` are the plugin's own, inferred from its option schema. Every `@ts-expect-error`
 * line must fail to compile: if inference broke (options typed `unknown` or `any` again), the
 * directive would be unused, which tsc reports as an error, and this file fails.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { datasetFromRows, fit as fitInProcess, selectModel, type FitResult, type OptionsInput } from '@emkit/core';
import { gmmOptions, gmmPlugin, type GmmOptions, type GmmOptionsInput, type GmmParams } from '@emkit/gmm';
import { kmeansPlugin, type KMeansOptions } from '@emkit/kmeans';
import { fit } from '@emkit/runner/node';

const data = datasetFromRows([
  [0, 1],
  [1, 0],
]);

describe('typed plugin options', () => {
  it('core fit: options checked against the plugin; the result typed by it', () => {
    expectTypeOf(fitInProcess(gmmPlugin, data, { k: 2, covariance: 'full' })).resolves.toEqualTypeOf<FitResult<GmmParams, GmmOptions>>();
    // mclust's names are choices too
    void fitInProcess(gmmPlugin, data, { k: 2, covariance: 'VVV', regCovar: 1e-4, freeze: ['weights'] });
    // @ts-expect-error misspelt option
    void fitInProcess(gmmPlugin, data, { k: 2, covarance: 'full' });
    // @ts-expect-error k is a number, not text
    void fitInProcess(gmmPlugin, data, { k: '3' });
    // @ts-expect-error not a covariance structure
    void fitInProcess(gmmPlugin, data, { k: 2, covariance: 'ful' });
    // @ts-expect-error k is required
    void fitInProcess(gmmPlugin, data, { covariance: 'full' });
    // @ts-expect-error another plugin's option
    void fitInProcess(kmeansPlugin, data, { k: 2, regCovar: 1e-6 });
    expectTypeOf(fitInProcess(kmeansPlugin, data, { k: 2, algorithm: 'elkan' })).resolves.toEqualTypeOf<FitResult<import('@emkit/kmeans').KMeansParams, KMeansOptions>>();
  });

  it("the runner's fit", () => {
    void fit(gmmPlugin, data, { k: 2 }, { workers: 0 });
    // @ts-expect-error misspelt option
    void fit(gmmPlugin, data, { k: 2, covarance: 'full' }, { workers: 0 });
    // @ts-expect-error k is a number, not text
    void fit(kmeansPlugin, data, { k: '2' });
  });

  it('selectModel: every candidate', () => {
    void selectModel(gmmPlugin, data, [{ k: 1 }, { k: 2, covariance: 'diag' }]);
    // @ts-expect-error one candidate misspells an option
    void selectModel(gmmPlugin, data, [{ k: 1 }, { k: 2, covarance: 'diag' }]);
  });

  it('the input type is what the schema accepts, defaults optional, readonly values welcome', () => {
    expectTypeOf<GmmOptionsInput>().toEqualTypeOf<OptionsInput<typeof gmmOptions>>();
    expectTypeOf<GmmOptionsInput['k']>().toEqualTypeOf<number>();
    expectTypeOf<{ k: 2; freeze: readonly ['means'] }>().toMatchTypeOf<GmmOptionsInput>();
    expectTypeOf(gmmPlugin.parseOptions).returns.toEqualTypeOf<GmmOptions>();
  });
});
