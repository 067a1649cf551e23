import { z } from 'zod';
import { defineOptions, type OptionsInput } from '@emkit/core';
import type { UpdateRule } from './params.js';

export const UPDATE_RULES = ['em', 'mackay'] as const satisfies readonly UpdateRule[];

export interface BayesLinregOptions {
  /** `em`: EM re-estimation (monotone); `mackay`: MacKay's evidence fixed point (fewer iterations). */
  update: UpdateRule;
  /** Starting α; null: 1 (scikit-learn's BayesianRidge start). */
  initialAlpha: number | null;
  /** Starting β; null: 1 / (weighted variance of the targets), or 1 when the targets are constant. */
  initialBeta: number | null;
}

export const bayesLinregOptions = defineOptions({
  update: z.enum(UPDATE_RULES).default('em').meta({
    description: "how α and β are re-estimated: EM (monotone in the evidence) or MacKay's fixed point (faster)",
    modelFile: 'always',
  }),
  initialAlpha: z.number().positive().nullable().default(null).meta({ description: 'starting weight-prior precision α', defaultText: '1', group: 'start', modelFile: 'always' }),
  initialBeta: z.number().positive().nullable().default(null).meta({ description: 'starting noise precision β', defaultText: '1 / variance of the target', group: 'start', modelFile: 'always' }),
});

export type BayesLinregOptionsInput = OptionsInput<typeof bayesLinregOptions>;

export const parseBayesLinregOptions: (raw: unknown) => BayesLinregOptions = bayesLinregOptions.parse;
