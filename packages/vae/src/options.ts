import { z } from 'zod';
import { OptionError, defineOptions, type OptionsInput } from '@emkit/core';

export const DECODERS = ['bernoulli', 'gaussian'] as const;
/** The likelihood p(x | z): independent Bernoullis (0/1 data) or independent Gaussians (real data). */
export type DecoderKind = (typeof DECODERS)[number];

export const ACTIVATIONS = ['tanh', 'relu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export interface VaeOptions {
  /** Latent dimension L. */
  readonly latent: number;
  /** Hidden layer sizes of the encoder, input side first; the decoder uses them reversed. */
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly decoder: DecoderKind;
  /**
   * Gaussian decoder only: a fixed variance σ² for every column, or null to learn one
   * log-variance per column (a free parameter of the decoder, not a network output).
   */
  readonly variance: number | null;
  /** Passes over the data; training stops after epochs × ⌈N / batchSize⌉ Adam steps. */
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam's step size α. */
  readonly learningRate: number;
  /** k of the importance-weighted (IWAE) estimate of log p(x) that scoreSamples returns. */
  readonly iwaeSamples: number;
}

export const DEFAULTS = {
  latent: 2,
  hidden: [64],
  activation: 'tanh',
  decoder: 'bernoulli',
  epochs: 50,
  batchSize: 64,
  learningRate: 1e-3,
  iwaeSamples: 64,
} as const;

// Numbers, or numeric text as JSON files and forms may hold it.
const positiveInteger = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)])
  .refine((n) => Number.isInteger(n) && n >= 1, 'expected an integer ≥ 1')
  .meta({ kind: 'integer', expected: 'an integer ≥ 1' });

// `hidden` arrives as 64 (code), "64,32" (code or a JSON file) or ["64", "32"] (a CLI list flag).
const hiddenSizes = z.union([z.number(), z.string(), z.array(z.union([z.number(), z.string()]))]).transform((value, ctx): number[] => {
  const items = typeof value === 'number' ? [value] : typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  const sizes = items?.map((item) => (typeof item === 'string' && /^\s*\d+\s*$/.test(item) ? Number(item) : item));
  if (!sizes || !sizes.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1)) {
    ctx.addIssue({ code: 'custom', message: `expected hidden layer sizes, integers ≥ 1 (64, or "64,32" for two layers), got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return sizes as number[];
});

export const vaeOptions = defineOptions(
  {
    latent: positiveInteger.default(DEFAULTS.latent).meta({ description: 'latent dimension', group: 'architecture', modelFile: 'always' }),
    // [] (code only) is a network without hidden layers: a linear encoder and decoder.
    hidden: hiddenSizes.default([...DEFAULTS.hidden]).meta({
      kind: 'list',
      expected: 'hidden layer sizes, integers ≥ 1 (64, or "64,32" for two layers)',
      description: 'hidden layer sizes of the encoder (the decoder mirrors them), e.g. 64 or 128,64',
      group: 'architecture',
      modelFile: 'always',
    }),
    activation: z.enum(ACTIVATIONS).default(DEFAULTS.activation).meta({ description: 'hidden-layer activation', group: 'architecture', modelFile: 'always' }),
    decoder: z.enum(DECODERS).default(DEFAULTS.decoder).meta({ description: 'p(x|z): bernoulli for 0/1 data, gaussian for real data', group: 'architecture', modelFile: 'always' }),
    variance: z
      .number()
      .positive()
      .nullish()
      .meta({ description: 'gaussian decoder: a fixed variance for every column', defaultText: 'one learned variance per column', group: 'architecture', modelFile: 'always' }),
    epochs: positiveInteger.default(DEFAULTS.epochs).meta({ description: 'passes over the data (one Adam step per mini-batch)', group: 'training', modelFile: 'always' }),
    batchSize: positiveInteger.default(DEFAULTS.batchSize).meta({ description: 'rows per mini-batch', group: 'training', modelFile: 'always' }),
    learningRate: z.number().positive().default(DEFAULTS.learningRate).meta({ description: "Adam's step size", group: 'training', modelFile: 'always' }),
    iwaeSamples: positiveInteger.default(DEFAULTS.iwaeSamples).meta({ description: 'importance samples k of the IWAE estimate of log p(x) that scores report', modelFile: 'always' }),
  },
  (o): VaeOptions => {
    const variance = o.variance ?? null;
    if (variance !== null && o.decoder !== 'gaussian') throw new OptionError({ field: 'variance', detail: 'applies to the Gaussian decoder only (decoder: "gaussian")' });
    return {
      latent: o.latent,
      hidden: [...o.hidden],
      activation: o.activation,
      decoder: o.decoder,
      variance,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      iwaeSamples: o.iwaeSamples,
    };
  },
);

export type VaeOptionsInput = OptionsInput<typeof vaeOptions>;

export const parseVaeOptions: (raw: unknown) => VaeOptions = vaeOptions.parse;
