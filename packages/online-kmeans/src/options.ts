import { OptionError, defineOptions, type OptionsInput } from '@emkit/core';
import { type KMeansOptions, kmeansStart, kmeansStartOptions } from '@emkit/kmeans';
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

export const DEFAULT_T0 = 1;
export const DEFAULT_KAPPA = 0.75;

/** Online k-means' options: k-means' k, init and initMethod, and the step-size schedule. */
export const onlineKMeansOptions = defineOptions(
  {
    ...kmeansStartOptions,
    learningRate: z.enum(LEARNING_RATES).default('count').meta({
      description: 'step size of a centre for a row of weight w: count = w/n (n: the weight the centre has received; a running mean), power = w·(t0 + n)^−kappa',
      modelFile: 'always',
    }),
    t0: z.number().min(0).optional().meta({ description: 'offset of the power schedule (learningRate power only)', defaultText: String(DEFAULT_T0), modelFile: 'always' }),
    // Robbins–Monro: Σ η = ∞ and Σ η² < ∞ need 1/2 < κ ≤ 1.
    kappa: z.number().gt(0.5).max(1).optional().meta({ description: 'exponent of the power schedule (learningRate power only)', defaultText: String(DEFAULT_KAPPA), modelFile: 'always' }),
  },
  (o): OnlineKMeansOptions => {
    if (o.learningRate === 'count') {
      if (o.t0 !== undefined) throw new OptionError({ field: 't0', detail: 'applies to learningRate "power" only' });
      if (o.kappa !== undefined) throw new OptionError({ field: 'kappa', detail: 'applies to learningRate "power" only' });
    }
    return { ...kmeansStart(o), learningRate: o.learningRate, t0: o.t0 ?? DEFAULT_T0, kappa: o.kappa ?? DEFAULT_KAPPA };
  },
);

/** Mini-batch k-means' options: k-means' k, init and initMethod, and the batch size. */
export const miniBatchKMeansOptions = defineOptions(
  {
    ...kmeansStartOptions,
    batchSize: z.number().int().min(1).default(1024).meta({ description: 'rows per mini-batch (each pass visits every row once, in a seeded random order)', modelFile: 'always' }),
  },
  (o): MiniBatchKMeansOptions => ({ ...kmeansStart(o), batchSize: o.batchSize }),
);

export type OnlineKMeansOptionsInput = OptionsInput<typeof onlineKMeansOptions>;
export type MiniBatchKMeansOptionsInput = OptionsInput<typeof miniBatchKMeansOptions>;

export const parseOnlineKMeansOptions: (raw: unknown) => OnlineKMeansOptions = onlineKMeansOptions.parse;
export const parseMiniBatchKMeansOptions: (raw: unknown) => MiniBatchKMeansOptions = miniBatchKMeansOptions.parse;
