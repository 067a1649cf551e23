import { z } from 'zod';
import { OptionError, parseOptionsWith, type OptionSpec } from '@emkit/core';

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

const positiveInteger = (what: string) =>
  z
    .union([z.number(), z.string().trim().regex(/^\d+$/, `expected ${what}`).transform(Number)], { error: `expected ${what}` })
    .refine((n) => Number.isInteger(n) && n >= 1, `expected ${what}`);

// `hidden` arrives as 64 (code), "64,32" (code or a JSON file) or ["64", "32"] (a CLI list flag).
const hiddenSizes = z.unknown().transform((value, ctx): number[] => {
  const items = typeof value === 'number' ? [value] : typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  const sizes = items?.map((item) => (typeof item === 'string' && /^\s*\d+\s*$/.test(item) ? Number(item) : item));
  if (!sizes || !sizes.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1)) {
    ctx.addIssue({ code: 'custom', message: `expected hidden layer sizes, integers ≥ 1 (64, or "64,32" for two layers), got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return sizes as number[];
});

const schema = z
  .object({
    latent: positiveInteger('the latent dimension, an integer ≥ 1').default(DEFAULTS.latent),
    // [] (code only) is a network without hidden layers: a linear encoder and decoder.
    hidden: hiddenSizes.default([...DEFAULTS.hidden]),
    activation: z.enum(ACTIVATIONS, { error: `expected one of ${ACTIVATIONS.join(', ')}` }).default(DEFAULTS.activation),
    decoder: z.enum(DECODERS, { error: `expected one of ${DECODERS.join(', ')}` }).default(DEFAULTS.decoder),
    variance: z
      .number({ error: 'expected a number > 0' })
      .refine((v) => v > 0 && Number.isFinite(v), 'expected a finite number > 0')
      .nullish(),
    epochs: positiveInteger('an integer ≥ 1').default(DEFAULTS.epochs),
    batchSize: positiveInteger('an integer ≥ 1').default(DEFAULTS.batchSize),
    learningRate: z
      .number({ error: 'expected a number > 0' })
      .refine((v) => v > 0 && Number.isFinite(v), 'expected a finite number > 0')
      .default(DEFAULTS.learningRate),
    iwaeSamples: positiveInteger('an integer ≥ 1').default(DEFAULTS.iwaeSamples),
  })
  .strict(); // a misspelt option is an error, not silently ignored

export function parseVaeOptions(raw: unknown): VaeOptions {
  const o = parseOptionsWith(schema, raw);
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
}

export const vaeOptionSpecs: readonly OptionSpec[] = [
  { name: 'latent', type: 'integer', description: 'latent dimension', defaultValue: DEFAULTS.latent },
  { name: 'hidden', type: 'list', description: 'hidden layer sizes of the encoder (the decoder mirrors them), e.g. 64 or 128,64', defaultValue: DEFAULTS.hidden.join(',') },
  { name: 'activation', type: 'string', description: 'hidden-layer activation', choices: ACTIVATIONS, defaultValue: DEFAULTS.activation },
  { name: 'decoder', type: 'string', description: 'p(x|z): bernoulli for 0/1 data, gaussian for real data', choices: DECODERS, defaultValue: DEFAULTS.decoder },
  { name: 'variance', type: 'number', description: 'gaussian decoder: a fixed variance for every column (default: one learned variance per column)' },
  { name: 'epochs', type: 'integer', description: 'passes over the data (one Adam step per mini-batch)', defaultValue: DEFAULTS.epochs },
  { name: 'batchSize', type: 'integer', description: 'rows per mini-batch', defaultValue: DEFAULTS.batchSize },
  { name: 'learningRate', type: 'number', description: "Adam's step size", defaultValue: DEFAULTS.learningRate },
  { name: 'iwaeSamples', type: 'integer', description: 'importance samples k of the IWAE estimate of log p(x) that scores report', defaultValue: DEFAULTS.iwaeSamples },
];
