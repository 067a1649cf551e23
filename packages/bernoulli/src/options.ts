import { z } from 'zod';
import type { KernelChoice } from '@emkit/linalg';
import { defineOptions, kernelsOption, readMatrix, readMixtureWeights, OptionError, type OptionsInput } from '@emkit/core';

export const INIT_METHODS = ['kmeans++', 'random-rows', 'random'] as const;
export type BernoulliInitMethod = (typeof INIT_METHODS)[number];

/** The default clamp, as in the reference fixture: probabilities in [1e-10, 1 − 1e-10] inside the log. */
export const DEFAULT_CLAMP = 1e-10;

/** Given starting parameters, read from an `init` object (a fixture's `init` as it is). */
export interface BernoulliInit {
  /** K weights summing to 1, or null for uniform 1/K. */
  readonly weights: Float64Array | null;
  /** K×D row-major probabilities with their column count, or null to draw them with `initMethod`. */
  readonly probabilities: { readonly values: Float64Array; readonly cols: number } | null;
}

export interface BernoulliOptions {
  /** Number of components K. */
  readonly k: number;
  readonly init: BernoulliInit | null;
  /** How to start when `init.probabilities` is not given. */
  readonly initMethod: BernoulliInitMethod;
  /** Probabilities are clamped to [clamp, 1 − clamp] inside the log; 0 ≤ clamp < 0.5. */
  readonly clamp: number;
  /** Beta(a, b) prior on each probability (MAP-EM), a, b ≥ 1; null for maximum likelihood. */
  readonly betaPrior: readonly [number, number] | null;
  /** Symmetric Dirichlet(α) prior on the weights (MAP-EM), α ≥ 1; null for maximum likelihood. */
  readonly dirichletPrior: number | null;
  /** The E-step's kernels: 'wasm' (default, WebAssembly SIMD where available) or 'js' (the scalar reference). */
  readonly kernels?: KernelChoice;
}

// CLI `list` flags arrive as strings ("2,2" → ["2", "2"]): accept numeric strings too.
const numberLike = z.union([z.number(), z.string().trim().regex(/^[-+0-9.eE]+$/).transform(Number)]);

export const bernoulliOptions = defineOptions(
  {
    k: z.number().int().min(1).meta({ description: 'number of components', modelFile: 'always' }),
    // Exactly a fixture's `init` object; other fields (note, meanIndices) are ignored.
    init: z
      .looseObject({ weights: z.unknown().optional(), probabilities: z.unknown().optional() })
      .nullish()
      .meta({
        kind: 'json',
        expected: 'an object {"weights": [...], "probabilities": [[...], ...]}',
        description: 'JSON file {"weights": [K], "probabilities": [[D], ... K rows]} with starting parameters (a fixture\'s init object); either part may be left out',
        group: 'start',
      }),
    initMethod: z.enum(INIT_METHODS).default('kmeans++').meta({
      description: 'start without init.probabilities: k-means++ rows or k random rows smoothed to 0.25 + 0.5·row, or random responsibilities',
      group: 'start',
    }),
    clamp: z.number().min(0).lt(0.5).default(DEFAULT_CLAMP).meta({ description: 'probabilities are clamped to [clamp, 1 − clamp] inside the log', modelFile: 'always' }),
    betaPrior: z
      .tuple([numberLike, numberLike])
      .refine(([a, b]) => a >= 1 && b >= 1 && Number.isFinite(a) && Number.isFinite(b), 'expected [a, b] with finite a ≥ 1 and b ≥ 1 (below 1 the posterior mode runs off to 0 or 1)')
      .nullish()
      .meta({
        kind: 'list',
        expected: 'two numbers a,b, both ≥ 1',
        description: 'Beta prior a,b (both ≥ 1) on every probability: MAP-EM against 0/1 collapse; e.g. 2,2 adds one pseudo-count to each side',
        group: 'prior',
        modelFile: 'always',
      }),
    dirichletPrior: numberLike
      .refine((a) => a >= 1 && Number.isFinite(a), 'expected a finite α ≥ 1 (below 1 the posterior mode runs off to a zero weight)')
      .nullish()
      .meta({ kind: 'number', expected: 'a number ≥ 1', description: 'symmetric Dirichlet prior α ≥ 1 on the weights: MAP-EM against empty components', group: 'prior', modelFile: 'always' }),
    kernels: kernelsOption(),
  },
  (o): BernoulliOptions => ({
    k: o.k,
    init: o.init == null ? null : readInit(o.init, o.k),
    initMethod: o.initMethod,
    clamp: o.clamp,
    betaPrior: o.betaPrior == null ? null : [o.betaPrior[0], o.betaPrior[1]],
    dirichletPrior: o.dirichletPrior ?? null,
    kernels: o.kernels,
  }),
);

export type BernoulliOptionsInput = OptionsInput<typeof bernoulliOptions>;

export const parseBernoulliOptions: (raw: unknown) => BernoulliOptions = bernoulliOptions.parse;

function readInit(init: { weights?: unknown; probabilities?: unknown }, k: number): BernoulliInit {
  let weights: Float64Array | null = null;
  if (init.weights !== undefined) weights = readMixtureWeights(init.weights, 'init.weights', k, 'option', 1e-6);
  let probabilities: BernoulliInit['probabilities'] = null;
  if (init.probabilities !== undefined) {
    const m = readMatrix(init.probabilities, 'init.probabilities', k, undefined, 'option');
    checkProbabilities(m.values, m.cols, (field, message) => new OptionError({ field: `init.probabilities${field}`, detail: message }));
    probabilities = { values: m.values, cols: m.cols };
  }
  return { weights, probabilities };
}

/** Throws the error `make` builds, naming `[j][c]`, for the first value outside [0, 1]. */
export function checkProbabilities(values: Float64Array, cols: number, make: (field: string, message: string) => Error): void {
  for (let i = 0; i < values.length; i++)
    if (!(values[i] >= 0 && values[i] <= 1)) throw make(`[${Math.floor(i / cols)}][${i % cols}]`, `is ${values[i]}; a probability must be in [0, 1]`);
}
