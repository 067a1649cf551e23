import type { AnyModelPlugin, FitResult } from '@emkit/core';
import { gmmPlugin } from '@emkit/gmm';
import { kmeansPlugin } from '@emkit/kmeans';
import { bernoulliPlugin } from '@emkit/bernoulli';
import { factorAnalysisPlugin } from '@emkit/factor-analysis';
import { bgmmFitFields, bgmmPlugin, type BgmmParams } from '@emkit/bgmm';
import { bayesLinregPlugin } from '@emkit/bayes-linreg';
import { vaePlugin } from '@emkit/vae';
import { hmmPlugin } from '@emkit/hmm';
import { softKmeansPlugin } from '@emkit/soft-kmeans';
import { kmedoidsPlugin } from '@emkit/kmedoids';
import { minibatchKmeansPlugin, onlineKmeansPlugin } from '@emkit/online-kmeans';

/**
 * A model the CLI offers. Commands are generic over `plugin`; the only per-model code is
 * `extraFitFields`, for output fields the issue names that neither the plugin's toJSON nor
 * core's fit summary hold.
 */
export interface RegisteredModel {
  readonly plugin: AnyModelPlugin;
  /** Fields added to the model file after a fit. */
  extraFitFields?(result: FitResult<unknown, unknown>): Record<string, unknown>;
}

/**
 * The k-means family's "log-likelihood" is minus the distance (cost) to the nearest centre, so
 * its total is −inertia (0 − x rather than −x so that an inertia of 0 is not written as -0).
 */
function inertiaField(result: FitResult<unknown, unknown>): Record<string, unknown> {
  return { inertia: 0 - result.logLikelihood };
}

/** k-medoids' cost: the summed distance (under its metric, not squared unless it says so) to the medoids. */
function costField(result: FitResult<unknown, unknown>): Record<string, unknown> {
  return { cost: 0 - result.logLikelihood };
}

export const registry: readonly RegisteredModel[] = [
  { plugin: gmmPlugin },
  { plugin: kmeansPlugin, extraFitFields: inertiaField },
  { plugin: bernoulliPlugin },
  { plugin: factorAnalysisPlugin },
  { plugin: bayesLinregPlugin },
  { plugin: softKmeansPlugin },
  { plugin: kmedoidsPlugin, extraFitFields: costField },
  { plugin: onlineKmeansPlugin, extraFitFields: inertiaField },
  { plugin: minibatchKmeansPlugin, extraFitFields: inertiaField },
  // The ELBO (total, not per row) and its history per E-step.
  { plugin: bgmmPlugin, extraFitFields: (result) => bgmmFitFields(result as FitResult<BgmmParams, unknown>) },
  { plugin: vaePlugin },
  { plugin: hmmPlugin },
];

export const plugins: readonly AnyModelPlugin[] = registry.map((m) => m.plugin);

export function findModel(name: string): RegisteredModel | undefined {
  return registry.find((m) => m.plugin.name === name);
}
