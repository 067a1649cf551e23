import { toNested } from '@emkit/core';
import type { KMeansParams } from './plugin.js';

/** k-means' parameters as plain nested arrays. */
export interface KMeansParameters {
  /** The K cluster centres, each D numbers. */
  readonly centers: number[][];
}

/** The centres of fitted (or model-file) k-means parameters. */
export function kmeansParameters(params: Pick<KMeansParams, 'k' | 'cols' | 'centers'>): KMeansParameters {
  return { centers: toNested(params.centers, params.k, params.cols) };
}
