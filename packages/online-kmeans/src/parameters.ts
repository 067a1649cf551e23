import { kmeansParameters, type KMeansParameters } from '@emkit/kmeans';
import type { StochasticKMeansParams } from './pass.js';

/** Online and mini-batch k-means' parameters as plain arrays. */
export interface StochasticKMeansParameters extends KMeansParameters {
  /** The weight each centre has received (nⱼ of the step sizes), K numbers. */
  readonly counts: number[];
  /** Passes over the data so far. */
  readonly passes: number;
}

/** The centres, counts and passes of fitted (or model-file) online or mini-batch k-means parameters. */
export function stochasticKMeansParameters(params: StochasticKMeansParams): StochasticKMeansParameters {
  return { ...kmeansParameters(params), counts: Array.from(params.counts), passes: params.passes };
}
