import { type OptionSpec, OptionError, parseOptionsWith } from '@emkit/core';
import { type KMeansOptions, parseKMeansOptions } from '@emkit/kmeans';
import { z } from 'zod';

export const LEARNING_RATES = ['count', 'power'] as const;
export type LearningRate = (typeof LEARNING_RATES)[number];

/** Online k-means: k-means' options (k, init, initMethod) and the step-size schedule. */
export interface OnlineKMeansOptions extends KMeansOptions {
  /**
   * 'count': η = w / nⱼ (nⱼ: the weight centre j has received, this row included), so each centre
   * is the running mean of its rows (MacQueen). 'power': η = min(1, w·(t0 + nⱼ)^−κ).
   */
  readonly learningRate: LearningRate;
  readonly t0: number;
  readonly kappa: number;
}

/** Mini-batch k-means: k-means' options and the batch size. */
export interface MiniBatchKMeansOptions extends KMeansOptions {
  readonly batchSize: number;
}

function asObject(raw: unknown): Record<string, unknown> | null {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
}

const numberError = (what: string) => (issue: { input: unknown }) => `expected ${what}, got ${JSON.stringify(issue.input)}`;

const onlineSchema = z.object({
  learningRate: z.enum(LEARNING_RATES, { error: `expected one of ${LEARNING_RATES.join(', ')}` }).default('count'),
  t0: z.number({ error: numberError('a finite number ≥ 0') }).finite({ error: numberError('a finite number ≥ 0') }).min(0, { error: numberError('a finite number ≥ 0') }).optional(),
  // Robbins–Monro: Σ η = ∞ and Σ η² < ∞ need 1/2 < κ ≤ 1.
  kappa: z.number({ error: numberError('a number in (0.5, 1]') }).gt(0.5, { error: numberError('a number in (0.5, 1]') }).max(1, { error: numberError('a number in (0.5, 1]') }).optional(),
});

export const DEFAULT_T0 = 1;
export const DEFAULT_KAPPA = 0.75;

/** Validates online k-means options; k, init and initMethod go through @emkit/kmeans' parser. */
export function parseOnlineKMeansOptions(raw: unknown): OnlineKMeansOptions {
  const object = asObject(raw);
  if (object === null) return { ...parseKMeansOptions(raw), learningRate: 'count', t0: DEFAULT_T0, kappa: DEFAULT_KAPPA };
  const { learningRate, t0, kappa, ...rest } = object;
  if (rest.algorithm !== undefined) throw new OptionError({ field: 'algorithm', detail: 'applies to batch k-means (model kmeans) only' });
  const own = parseOptionsWith(onlineSchema, { learningRate, t0, kappa });
  if (own.learningRate === 'count') {
    if (own.t0 !== undefined) throw new OptionError({ field: 't0', detail: 'applies to learningRate "power" only' });
    if (own.kappa !== undefined) throw new OptionError({ field: 'kappa', detail: 'applies to learningRate "power" only' });
  }
  return { ...parseKMeansOptions(rest), learningRate: own.learningRate, t0: own.t0 ?? DEFAULT_T0, kappa: own.kappa ?? DEFAULT_KAPPA };
}

const miniBatchSchema = z.object({
  batchSize: z
    .number({ error: numberError('an integer ≥ 1') })
    .int({ error: numberError('an integer ≥ 1') })
    .min(1, { error: numberError('an integer ≥ 1') })
    .default(1024),
});

/** Validates mini-batch k-means options; k, init and initMethod go through @emkit/kmeans' parser. */
export function parseMiniBatchKMeansOptions(raw: unknown): MiniBatchKMeansOptions {
  const object = asObject(raw);
  if (object === null) return { ...parseKMeansOptions(raw), batchSize: 1024 };
  const { batchSize, ...rest } = object;
  if (rest.algorithm !== undefined) throw new OptionError({ field: 'algorithm', detail: 'applies to batch k-means (model kmeans) only' });
  const own = parseOptionsWith(miniBatchSchema, { batchSize });
  return { ...parseKMeansOptions(rest), batchSize: own.batchSize };
}

const commonSpecs: readonly OptionSpec[] = [
  { name: 'k', type: 'integer', description: 'number of clusters', required: true },
  { name: 'init', type: 'json', description: 'starting centres, a JSON object {"centers": [[...], ...]} with K rows of D numbers; overrides --init-method' },
  {
    name: 'initMethod',
    type: 'string',
    description: 'how starting centres are drawn without --init: greedy k-means++ or k distinct random rows',
    choices: ['kmeans++', 'random'],
    defaultValue: 'kmeans++',
  },
];

export const onlineKMeansOptionSpecs: readonly OptionSpec[] = [
  ...commonSpecs,
  {
    name: 'learningRate',
    type: 'string',
    description: 'step size of a centre for a row of weight w: count = w/n (n: the weight the centre has received; a running mean), power = w·(t0 + n)^−kappa',
    choices: LEARNING_RATES,
    defaultValue: 'count',
  },
  { name: 't0', type: 'number', description: 'offset of the power schedule (learningRate power only)', defaultValue: DEFAULT_T0 },
  { name: 'kappa', type: 'number', description: 'exponent of the power schedule, in (0.5, 1] (learningRate power only)', defaultValue: DEFAULT_KAPPA },
];

export const miniBatchKMeansOptionSpecs: readonly OptionSpec[] = [
  ...commonSpecs,
  { name: 'batchSize', type: 'integer', description: 'rows per mini-batch (each pass visits every row once, in a seeded random order)', defaultValue: 1024 },
];
