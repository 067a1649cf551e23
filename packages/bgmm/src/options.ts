import { z } from 'zod';
import { defineOptions, type OptionsInput } from '@emkit/core';

export type WeightPrior = 'dirichlet-process' | 'dirichlet';
export const WEIGHT_PRIORS = ['dirichlet-process', 'dirichlet'] as const satisfies readonly WeightPrior[];
export type BgmmInitMethod = 'kmeans' | 'random';
export const BGMM_INIT_METHODS = ['kmeans', 'random'] as const satisfies readonly BgmmInitMethod[];
export type BgmmCovariance = 'full' | 'diag' | 'spherical' | 'tied';
export const BGMM_COVARIANCES = ['full', 'diag', 'spherical', 'tied'] as const satisfies readonly BgmmCovariance[];

export interface BgmmOptions {
  /** Number of components K: the truncation level of the Dirichlet process, or the Dirichlet's size. */
  k: number;
  /**
   * Covariance structure, as scikit-learn's covariance_type: `full` (default; a Wishart on each
   * component's precision matrix), `diag` (a Gamma on each component's precision per dimension),
   * `spherical` (a Gamma on one precision per component), `tied` (one Wishart precision matrix
   * shared by all components).
   */
  covariance: BgmmCovariance;
  /**
   * `dirichlet-process` (default): a truncated stick-breaking prior, πₖ = vₖ·Π_{j<k}(1 − vⱼ),
   * vₖ ~ Beta(1, γ). `dirichlet`: π ~ Dirichlet(α₀, …, α₀). (`dirichlet-distribution`, scikit-learn's
   * name, is accepted as an alias.)
   */
  weightPrior: WeightPrior;
  /** γ (process) or α₀ (distribution); null: 1/K, as scikit-learn. Smaller values prefer fewer components. */
  weightConcentration: number | null;
  /** β₀, the prior precision of the means in units of the component precision (default 1). */
  meanPrecision: number;
  /** m₀; null: the data mean. */
  meanPrior: number[] | null;
  /** ν₀ > D − 1; null: D. */
  degreesOfFreedom: number | null;
  /** W₀⁻¹ (D×D, symmetric positive definite); null: the data covariance (N − 1 in the denominator). */
  covariancePrior: number[][] | null;
  /**
   * Added to the diagonal of the covariance prior W₀⁻¹ (default 1e-6). scikit-learn adds its
   * reg_covar to each component's scatter matrix instead; adding it to the prior keeps every
   * update an exact coordinate-ascent step, so the ELBO never decreases, and still keeps every
   * Wishart scale positive definite (e.g. with a constant column).
   */
  regCovar: number;
  /** Starting responsibilities: k-means labels (k-means++ seeds, Lloyd) or random, as scikit-learn's init_params. */
  initMethod: BgmmInitMethod;
}

export const bgmmOptions = defineOptions({
  k: z.number().int().min(1).meta({ description: 'number of components (the truncation level of the Dirichlet process)', modelFile: 'always' }),
  covariance: z.enum(BGMM_COVARIANCES).default('full').meta({
    description: 'covariance structure: full, diag (per dimension), spherical (one variance per component) or tied (one matrix shared)',
    modelFile: 'always',
  }),
  weightPrior: z
    .enum([...WEIGHT_PRIORS, 'dirichlet-distribution'])
    .default('dirichlet-process')
    .transform((v): WeightPrior => (v === 'dirichlet-distribution' ? 'dirichlet' : v))
    // scikit-learn's name, dirichlet-distribution, is accepted too
    .meta({ choices: WEIGHT_PRIORS, description: 'prior on the weights: a stick-breaking Dirichlet process or a Dirichlet distribution', group: 'prior', modelFile: 'always' }),
  weightConcentration: z
    .number()
    .positive()
    .nullable()
    .default(null)
    .meta({ description: 'concentration γ (process) or α₀ (distribution); smaller keeps fewer components', defaultText: '1/K', group: 'prior' }),
  meanPrecision: z.number().positive().default(1).meta({ description: 'prior precision β₀ of the means, in units of the component precision', group: 'prior' }),
  meanPrior: z.array(z.number()).min(1).nullable().default(null).meta({ kind: 'json', description: 'JSON file with the prior mean m₀ (D numbers; default: the data mean)', group: 'prior' }),
  degreesOfFreedom: z.number().nullable().default(null).meta({ description: 'Wishart degrees of freedom ν₀ > D − 1', defaultText: 'D', group: 'prior' }),
  covariancePrior: z
    .array(z.array(z.number()))
    .min(1)
    .nullable()
    .default(null)
    .meta({ kind: 'json', description: 'JSON file with the Wishart scale W₀⁻¹ (D×D; default: the data covariance)', group: 'prior' }),
  regCovar: z.number().min(0).default(1e-6).meta({ description: 'added to the diagonal of the covariance prior', modelFile: 'always' }),
  initMethod: z.enum(BGMM_INIT_METHODS).default('kmeans').meta({ description: 'starting responsibilities: k-means labels or random', group: 'start', modelFile: 'always' }),
});

export type BgmmOptionsInput = OptionsInput<typeof bgmmOptions>;

export const parseBgmmOptions: (raw: unknown) => BgmmOptions = bgmmOptions.parse;
