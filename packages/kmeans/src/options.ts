import { type OptionSpec, parseOptionsWith, readMatrix } from '@emkit/core';
import { KERNEL_CHOICES, KERNELS_OPTION_SPEC, type KernelChoice } from '@emkit/linalg';
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

const schema = z.object({
  k: z
    .number({ error: (issue) => (issue.input === undefined ? 'required: the number of clusters' : `expected an integer ≥ 1, got ${JSON.stringify(issue.input)}`) })
    .int({ error: (issue) => `expected an integer ≥ 1, got ${JSON.stringify(issue.input)}` })
    .min(1, { error: (issue) => `expected an integer ≥ 1, got ${JSON.stringify(issue.input)}` }),
  // Exactly a fixture file's `init` object: `centers` is read below; other fields (centerIndices) are ignored.
  init: z
    .object({ centers: z.unknown() }, { error: 'expected an object {"centers": [[...], ...]} (K rows of D numbers)' })
    .nullish(),
  initMethod: z.enum(INIT_METHODS, { error: `expected one of ${INIT_METHODS.join(', ')}` }).default('kmeans++'),
  algorithm: z.enum(KMEANS_ALGORITHMS, { error: `expected one of ${KMEANS_ALGORITHMS.join(', ')}` }).optional(),
  kernels: z.enum(KERNEL_CHOICES as [KernelChoice, ...KernelChoice[]], { error: `expected one of ${KERNEL_CHOICES.join(', ')}` }).optional(),
}).strict(); // a misspelt option is an error, not silently ignored

export function parseKMeansOptions(raw: unknown): KMeansOptions {
  const parsed = parseOptionsWith(schema, raw);
  let init: KMeansOptions['init'] = null;
  if (parsed.init != null) {
    const m = readMatrix(parsed.init.centers, 'init.centers', parsed.k, undefined, 'option');
    init = { centers: m.values, cols: m.cols };
  }
  // Absent stays absent ('auto'): variants built on these options (online k-means) have no assignment step to choose.
  const options: KMeansOptions = parsed.algorithm === undefined ? { k: parsed.k, init, initMethod: parsed.initMethod } : { k: parsed.k, init, initMethod: parsed.initMethod, algorithm: parsed.algorithm };
  return parsed.kernels === undefined ? options : { ...options, kernels: parsed.kernels };
}

export const kmeansOptionSpecs: readonly OptionSpec[] = [
  { name: 'k', type: 'integer', description: 'number of clusters', required: true },
  {
    name: 'init',
    type: 'json',
    description: 'starting centres, a JSON object {"centers": [[...], ...]} with K rows of D numbers; overrides --init-method',
  },
  {
    name: 'initMethod',
    type: 'string',
    description: 'how starting centres are drawn without --init: greedy k-means++ or k distinct random rows',
    choices: INIT_METHODS,
    defaultValue: 'kmeans++',
  },
  {
    name: 'algorithm',
    type: 'string',
    description:
      "assignment step: every distance (lloyd), or skip the distances Hamerly's or Elkan's bounds rule out — the same labels, centres and inertia, bit for bit; auto picks by K and D",
    choices: KMEANS_ALGORITHMS,
    defaultValue: 'auto',
  },
  { ...KERNELS_OPTION_SPEC, description: "Lloyd's distances and centre sums: wasm (WebAssembly SIMD, where the engine has it) or js (the scalar reference); the same bits either way" },
];
