import { defineOptions, readMatrix, type OptionsInput } from '@emkit/core';
import { KERNEL_CHOICES, type KernelChoice } from '@emkit/linalg';
import { z } from 'zod';

export const INIT_METHODS = ['kmeans++', 'random'] as const;
export type KMeansInitMethod = (typeof INIT_METHODS)[number];

/** How rows are assigned: every distance (Lloyd), or skipping distances with Hamerly's or Elkan's bounds. */
export const KMEANS_ALGORITHMS = ['auto', 'lloyd', 'hamerly', 'elkan'] as const;
export type KMeansAlgorithm = (typeof KMEANS_ALGORITHMS)[number];

export interface KMeansOptions {
  /** Number of clusters K. */
  readonly k: number;
  /** Given starting centres (K×D row-major, D = `cols`), or null to draw them with `initMethod`. */
  readonly init: { readonly centers: Float64Array; readonly cols: number } | null;
  /** How starting centres are drawn when `init` is not given. */
  readonly initMethod: KMeansInitMethod;
  /**
   * The assignment step. All give the same labels, centres and inertia bit for bit; 'hamerly'
   * and 'elkan' skip distances that bounds rule out, 'auto' (the default, also when absent)
   * picks one of them by K and D.
   */
  readonly algorithm?: KMeansAlgorithm;
  /**
   * Which kernels compute Lloyd's distances and centre sums: 'wasm' (the default, also when
   * absent; WebAssembly SIMD where the engine has it) or 'js' (the scalar reference). Both give
   * the same bits.
   */
  readonly kernels?: KernelChoice;
}

/**
 * The options every k-means variant shares (k, the start), as schemas for defineOptions:
 * @emkit/online-kmeans builds its options from them.
 */
export const kmeansStartOptions = {
  k: z.number().int().min(1).meta({ description: 'number of clusters', modelFile: 'always' }),
  // Exactly a fixture file's `init` object: `centers` is read below; other fields (centerIndices) are ignored.
  init: z
    .looseObject({ centers: z.unknown() })
    .nullish()
    .meta({ kind: 'json', expected: 'an object {"centers": [[...], ...]} (K rows of D numbers)', description: 'starting centres, a JSON object {"centers": [[...], ...]} with K rows of D numbers; overrides --init-method', group: 'start' }),
  initMethod: z
    .enum(INIT_METHODS)
    .default('kmeans++')
    .meta({ description: 'how starting centres are drawn without --init: greedy k-means++ or k distinct random rows', group: 'start', modelFile: 'always' }),
};

/** k, init (its centres read as a K×D matrix) and initMethod from validated start options. */
export function kmeansStart(o: { k: number; init?: { centers: unknown } | null; initMethod: KMeansInitMethod }): Pick<KMeansOptions, 'k' | 'init' | 'initMethod'> {
  let init: KMeansOptions['init'] = null;
  if (o.init != null) {
    const m = readMatrix(o.init.centers, 'init.centers', o.k, undefined, 'option');
    init = { centers: m.values, cols: m.cols };
  }
  return { k: o.k, init, initMethod: o.initMethod };
}

export const kmeansOptions = defineOptions(
  {
    ...kmeansStartOptions,
    algorithm: z.enum(KMEANS_ALGORITHMS).default('auto').meta({
      description: "assignment step: every distance (lloyd), or skip the distances Hamerly's or Elkan's bounds rule out — the same labels, centres and inertia, bit for bit; auto picks by K and D",
      modelFile: 'always',
    }),
    kernels: z
      .enum(KERNEL_CHOICES as [KernelChoice, ...KernelChoice[]])
      .optional()
      .meta({
        description: "Lloyd's distances and centre sums: wasm (WebAssembly SIMD, where the engine has it) or js (the scalar reference); the same bits either way",
        defaultText: 'wasm',
        group: 'performance',
      }),
  },
  (o): KMeansOptions => {
    const options: KMeansOptions = { ...kmeansStart(o), algorithm: o.algorithm };
    // Absent stays absent ('wasm' where available).
    return o.kernels === undefined ? options : { ...options, kernels: o.kernels };
  },
);

/** The options object callers write for k-means. */
export type KMeansOptionsInput = OptionsInput<typeof kmeansOptions>;

export const parseKMeansOptions: (raw: unknown) => KMeansOptions = kmeansOptions.parse;
