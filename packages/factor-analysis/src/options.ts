import { z } from 'zod';
import { KERNEL_CHOICES, KERNELS_OPTION_SPEC, type KernelChoice } from '@emkit/linalg';
import { parseOptionsWith, type OptionSpec } from '@emkit/core';
import type { NoiseModel } from './params.js';

export type InitMethod = 'pca' | 'random';

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

const schema = z
  .object({
    factors: z.number({ error: 'required: the number of latent factors, an integer ≥ 1' }).int('must be an integer').min(1, 'must be ≥ 1'),
    noise: z.enum(['diagonal', 'isotropic']).default('diagonal'),
    noiseFloor: z.number().min(0, 'must be ≥ 0').refine(Number.isFinite, 'must be finite').default(1e-6),
    initMethod: z.enum(['pca', 'random']).default('pca'),
    init: z
      .object({
        mean: z.unknown().optional(),
        loadings: z.unknown().optional(),
        noiseVariance: z.unknown().optional(),
      })
      .loose()
      .nullable()
      .default(null),
    kernels: z.enum(KERNEL_CHOICES as [KernelChoice, ...KernelChoice[]]).default('wasm'),
  })
  .strict();

export function parseFactorOptions(raw: unknown): FactorOptions {
  const o = parseOptionsWith(schema, raw);
  return { ...o, init: o.init as FactorInit | null };
}

export const factorOptionSpecs: readonly OptionSpec[] = [
  { name: 'factors', type: 'integer', description: 'number of latent factors q (1 ≤ q < number of columns)', required: true },
  { name: 'noise', type: 'string', description: 'noise covariance: diagonal (factor analysis) or isotropic σ²I (probabilistic PCA)', choices: ['diagonal', 'isotropic'], defaultValue: 'diagonal' },
  { name: 'noiseFloor', type: 'number', description: 'lower bound on each noise variance, relative to the column variance (keeps Heywood cases finite)', defaultValue: 1e-6 },
  { name: 'initMethod', type: 'string', description: 'start from the top principal components or from seeded random loadings', choices: ['pca', 'random'], defaultValue: 'pca' },
  { name: 'init', type: 'json', description: 'JSON file with starting mean, loadings (D×q) and/or noiseVariance (a model file\'s fields)' },
  KERNELS_OPTION_SPEC,
];
