import { z } from 'zod';
import type { KernelChoice } from '@emkit/linalg';
import { defineOptions, kernelsOption, type OptionsInput } from '@emkit/core';
import type { NoiseModel } from './params.js';

export const NOISE_MODELS = ['diagonal', 'isotropic'] as const satisfies readonly NoiseModel[];
export const INIT_METHODS = ['pca', 'random'] as const;
export type InitMethod = (typeof INIT_METHODS)[number];

/**
 * Starting parameters in the shapes of a model file: any subset; the rest comes from
 * `initMethod` (the mean from the data). Extra fields are ignored, so a whole model file's
 * fields can be passed.
 */
export interface FactorInit {
  /** μ, D numbers. */
  mean?: number[];
  /** W, D rows of q numbers. */
  loadings?: number[][];
  /** The diagonal of Ψ: D numbers > 0, or one number (σ², or the same for every column). */
  noiseVariance?: number[] | number;
}

export interface FactorOptions {
  /** q, the number of latent factors: an integer with 1 ≤ q < D. */
  factors: number;
  /** `diagonal`: factor analysis (Ψ diagonal); `isotropic`: probabilistic PCA (Ψ = σ²·I). */
  noise: NoiseModel;
  /**
   * Lower bound on every noise variance, relative to the data: ψ_c ≥ noiseFloor × var_c, with
   * var_c the (weighted, population) variance of column c (for isotropic noise, σ² ≥ noiseFloor
   * × the mean column variance). A column of zero variance uses the mean column variance instead.
   * Default 1e-6. The M-step maximises over noise variances ≥ the floor, so EM stays monotone.
   */
  noiseFloor: number;
  initMethod: InitMethod;
  init: FactorInit | null;
  /** The E-step's kernels: 'wasm' (default, WebAssembly SIMD where available) or 'js' (the scalar reference). */
  kernels?: KernelChoice;
}

export const factorOptions = defineOptions(
  {
    factors: z.number().int().min(1).meta({ description: 'number of latent factors q (1 ≤ q < number of columns)', modelFile: 'always' }),
    noise: z.enum(NOISE_MODELS).default('diagonal').meta({ description: 'noise covariance: diagonal (factor analysis) or isotropic σ²I (probabilistic PCA)', modelFile: 'always' }),
    noiseFloor: z.number().min(0).default(1e-6).meta({ description: 'lower bound on each noise variance, relative to the column variance (keeps Heywood cases finite)', modelFile: 'always' }),
    initMethod: z.enum(INIT_METHODS).default('pca').meta({ description: 'start from the top principal components or from seeded random loadings', group: 'start' }),
    init: z
      .looseObject({ mean: z.unknown().optional(), loadings: z.unknown().optional(), noiseVariance: z.unknown().optional() })
      .nullable()
      .default(null)
      .meta({ kind: 'json', description: "JSON file with starting mean, loadings (D×q) and/or noiseVariance (a model file's fields)", group: 'start' }),
    kernels: kernelsOption(),
  },
  (o): FactorOptions => ({ ...o, init: o.init as FactorInit | null }),
);

export type FactorOptionsInput = OptionsInput<typeof factorOptions>;

export const parseFactorOptions: (raw: unknown) => FactorOptions = factorOptions.parse;
