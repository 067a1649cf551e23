import { type OptionSpec, OptionError, parseOptionsWith } from '@emkit/core';
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

const integerAtLeast = (min: number, what: string) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `required: ${what}` : `expected an integer ≥ ${min}, got ${JSON.stringify(issue.input)}`) })
    .int({ error: (issue) => `expected an integer ≥ ${min}, got ${JSON.stringify(issue.input)}` })
    .min(min, { error: (issue) => `expected an integer ≥ ${min}, got ${JSON.stringify(issue.input)}` });

const indexList = z.array(integerAtLeast(0, 'a row index'), { error: 'expected an array of 0-based row indices' });

const schema = z
  .object({
    k: integerAtLeast(1, 'the number of clusters'),
    method: z.enum(METHODS, { error: `expected one of ${METHODS.join(', ')}` }).default('alternate'),
    metric: z.enum(METRICS, { error: `expected one of ${METRICS.join(', ')}` }).default('euclidean'),
    initMethod: z.enum(INIT_METHODS, { error: `expected one of ${INIT_METHODS.join(', ')}` }).optional(),
    // `medoidIndices`, or a k-means fixture's `init` object as is (its `centerIndices`; `centers` is ignored).
    init: z
      .object({ medoidIndices: indexList.optional(), centerIndices: indexList.optional() }, { error: 'expected an object {"medoidIndices": [i, ...]} (K row indices)' })
      .nullish(),
    maxCandidates: integerAtLeast(1, 'a number of candidate rows').nullish(),
  })
  .strict();

export function parseKMedoidsOptions(raw: unknown): KMedoidsOptions {
  const parsed = parseOptionsWith(schema, raw);
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
}

export const kmedoidsOptionSpecs: readonly OptionSpec[] = [
  { name: 'k', type: 'integer', description: 'number of clusters (medoids)', required: true },
  {
    name: 'method',
    type: 'string',
    description: 'alternate: assign rows, then move each medoid to its cluster’s best member; pam: BUILD, then the best medoid/non-medoid swap per iteration',
    choices: METHODS,
    defaultValue: 'alternate',
  },
  { name: 'metric', type: 'string', description: 'the distance a row pays to its medoid', choices: METRICS, defaultValue: 'euclidean' },
  {
    name: 'initMethod',
    type: 'string',
    description: 'starting medoids without --init: greedy BUILD (deterministic), k-medoids++ (k-means++ seeding on the rows) or k random rows (default: build for pam, k-medoids++ for alternate)',
    choices: INIT_METHODS,
  },
  {
    name: 'init',
    type: 'json',
    description: 'starting medoids, a JSON object {"medoidIndices": [i, ...]} of K distinct 0-based row indices (a k-means fixture’s "centerIndices" works too); overrides --init-method',
  },
  {
    name: 'maxCandidates',
    type: 'integer',
    description: 'alternate method only: per iteration, evaluate this many sampled rows (plus the medoids) as new medoids instead of every row — smaller statistics and E-step, a stochastic search',
  },
];
