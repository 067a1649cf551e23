import { z } from 'zod';
import { OptionError, defineOptions, readMatrix, toNested, type OptionsInput } from '@emkit/core';
import type { GmmOptions, InitMethod } from '@emkit/gmm';

/**
 * Starting means, K rows of D numbers, as `{ means }` (a GMM fixture's init) or `{ centers }`
 * (a k-means fixture's init). Other fields (`centerIndices`, `weights`) are ignored.
 */
export interface SoftKMeansInit {
  means?: number[][];
  centers?: number[][];
}

export interface SoftKMeansOptions {
  /** Number of components K. */
  k: number;
  /**
   * The variance of every component, fixed: Σ_j = c·I. Responsibilities are
   * r_j(x) ∝ exp(−‖x − μ_j‖² / 2c), so c is the "temperature" and β = 1/c MacKay's stiffness
   * (with his d = ½‖x − μ‖²). c → 0 gives k-means' hard assignments; c → ∞ equal shares.
   */
  c: number;
  /** Given starting means (from `init.means` or `init.centers`), or null to use `initMethod`. */
  init: { means: number[][] } | null;
  /**
   * Starting means without `init`, as @emkit/gmm computes them: the means of the rows nearest to
   * k-means++ seeds (default), to K random rows, or to Lloyd's converged centres (`kmeans`).
   */
  initMethod: InitMethod;
}

export const INIT_METHODS: readonly InitMethod[] = ['kmeans++', 'random', 'kmeans'];

export const softKMeansOptions = defineOptions(
  {
    k: z.number().int().min(1).meta({ description: 'number of components', modelFile: 'always' }),
    c: z.number().positive().meta({ description: 'the fixed variance of every component, Σ = c·I (stiffness β = 1/c); small c approaches k-means', modelFile: 'always' }),
    init: z
      .looseObject({ means: z.unknown().optional(), centers: z.unknown().optional() })
      .nullable()
      .default(null)
      .meta({
        kind: 'json',
        expected: 'an object {"means": [[...], ...]} or {"centers": [[...], ...]}',
        description: 'JSON file with starting means: {"means": [[...], ...]} or a k-means fixture\'s {"centers": [[...], ...]}',
        group: 'start',
      }),
    initMethod: z
      .enum(INIT_METHODS as [InitMethod, ...InitMethod[]])
      .default('kmeans++')
      .meta({ description: "starting means without --init: means of the rows nearest to k-means++ seeds, to random rows, or to Lloyd's centres", group: 'start', modelFile: 'always' }),
  },
  (o): SoftKMeansOptions => {
    let init: SoftKMeansOptions['init'] = null;
    if (o.init !== null) {
      const hasMeans = o.init.means !== undefined;
      const hasCenters = o.init.centers !== undefined;
      if (hasMeans === hasCenters) throw new OptionError({ field: 'init', detail: 'give exactly one of "means" and "centers" (K rows of D numbers)' });
      const field = hasMeans ? 'means' : 'centers';
      const m = readMatrix(o.init[field], `init.${field}`, o.k, undefined, 'option');
      init = { means: toNested(m.values, m.rows, m.cols) };
    }
    return { k: o.k, c: o.c, init, initMethod: o.initMethod };
  },
);

export type SoftKMeansOptionsInput = OptionsInput<typeof softKMeansOptions>;

export const parseSoftKMeansOptions: (raw: unknown) => SoftKMeansOptions = softKMeansOptions.parse;

/**
 * The @emkit/gmm options that make a Gaussian mixture soft k-means: spherical covariance, equal
 * weights and the variance c, both frozen. regCovar is 0: the M-step never estimates a covariance.
 */
export function gmmOptionsFor(options: SoftKMeansOptions): GmmOptions {
  const { k, c } = options;
  return {
    k,
    covariance: 'spherical',
    regCovar: 0,
    regCovarScale: 'none',
    initMethod: options.initMethod,
    init: {
      weights: Array.from({ length: k }, () => 1 / k),
      covariances: Array.from({ length: k }, () => c),
      ...(options.init ? { means: options.init.means } : {}),
    },
    freeze: ['weights', 'covariances'],
    assignment: 'soft',
  };
}
