import { OptionError, defineOptions, type OptionsInput } from '@emkit/core';
import { z } from 'zod';
import { METRICS, type Metric } from './metric.js';

export const METHODS = ['alternate', 'pam'] as const;
export type KMedoidsMethod = (typeof METHODS)[number];

export const INIT_METHODS = ['build', 'k-medoids++', 'random'] as const;
export type KMedoidsInitMethod = (typeof INIT_METHODS)[number];

export interface KMedoidsOptions {
  /** Number of clusters K. */
  readonly k: number;
  /** 'alternate': assign, then each cluster's best member; 'pam': BUILD, then best single swaps. */
  readonly method: KMedoidsMethod;
  readonly metric: Metric;
  /** How starting medoids are chosen when `init` is not given (default: build for pam, k-medoids++ for alternate). */
  readonly initMethod: KMedoidsInitMethod;
  /** Given starting medoids: K distinct 0-based row indices of the training data. */
  readonly init: Int32Array | null;
  /**
   * Alternate method only: evaluate at most this many sampled rows (plus the current medoids) as
   * new medoids per iteration instead of every row; null: every row (the exact method).
   */
  readonly maxCandidates: number | null;
}

const indexList = z.array(z.number().int().min(0));

export const kmedoidsOptions = defineOptions(
  {
    k: z.number().int().min(1).meta({ description: 'number of clusters (medoids)', modelFile: 'always' }),
    method: z.enum(METHODS).default('alternate').meta({
      description: 'alternate: assign rows, then move each medoid to its cluster’s best member; pam: BUILD, then the best medoid/non-medoid swap per iteration',
      modelFile: 'always',
    }),
    metric: z.enum(METRICS).default('euclidean').meta({ description: 'the distance a row pays to its medoid', modelFile: 'always' }),
    initMethod: z.enum(INIT_METHODS).optional().meta({
      description: 'starting medoids without --init: greedy BUILD (deterministic), k-medoids++ (k-means++ seeding on the rows) or k random rows',
      defaultText: 'build for pam, k-medoids++ for alternate',
      group: 'start',
      modelFile: 'always',
    }),
    // `medoidIndices`, or a k-means fixture's `init` object as is (its `centerIndices`; `centers` is ignored).
    init: z
      .object({ medoidIndices: indexList.optional(), centerIndices: indexList.optional() })
      .nullish()
      .meta({
        kind: 'json',
        expected: 'an object {"medoidIndices": [i, ...]} (K row indices)',
        description: 'starting medoids, a JSON object {"medoidIndices": [i, ...]} of K distinct 0-based row indices (a k-means fixture’s "centerIndices" works too); overrides --init-method',
        group: 'start',
      }),
    maxCandidates: z
      .number()
      .int()
      .min(1)
      .nullish()
      .meta({
        description: 'alternate method only: per iteration, evaluate this many sampled rows (plus the medoids) as new medoids instead of every row — smaller statistics and E-step, a stochastic search',
        modelFile: 'non-default',
      }),
  },
  (parsed): KMedoidsOptions => {
    const { k, method, metric } = parsed;
    let init: Int32Array | null = null;
    if (parsed.init != null) {
      const field = parsed.init.medoidIndices !== undefined ? 'init.medoidIndices' : 'init.centerIndices';
      const indices = parsed.init.medoidIndices ?? parsed.init.centerIndices;
      if (indices === undefined) throw new OptionError({ field: 'init.medoidIndices', detail: 'required: K distinct 0-based row indices' });
      if (indices.length !== k) throw new OptionError({ field, detail: `expected ${k} row indices, got ${indices.length}` });
      const seen = new Set<number>();
      indices.forEach((i, j) => {
        if (seen.has(i)) throw new OptionError({ field: `${field}[${j}]`, detail: `row ${i} is given twice; medoids must be distinct rows` });
        seen.add(i);
      });
      init = Int32Array.from(indices);
    }
    const maxCandidates = parsed.maxCandidates ?? null;
    if (maxCandidates !== null && method !== 'alternate')
      throw new OptionError({ field: 'maxCandidates', detail: `applies to method "alternate" only; PAM's swap search always considers every row` });
    const initMethod = parsed.initMethod ?? (method === 'pam' ? 'build' : 'k-medoids++');
    return { k, method, metric, initMethod, init, maxCandidates };
  },
);

export type KMedoidsOptionsInput = OptionsInput<typeof kmedoidsOptions>;

export const parseKMedoidsOptions: (raw: unknown) => KMedoidsOptions = kmedoidsOptions.parse;
