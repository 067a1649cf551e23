import { z } from 'zod';
import { defineOptions, type OptionsInput } from '@emkit/core';

/**
 * The plugin's options, each written once: its schema (type, bounds, default) with what a user
 * interface needs (.meta). The CLI's `--k <integer>` and `--rate-floor <number>`, their help, the
 * web app's form, the error messages and the defaults of model files all come from here.
 */
export const poissonMixtureOptions = defineOptions({
  k: z.number().int().min(1).meta({ description: 'number of components', modelFile: 'always' }),
  rateFloor: z.number().positive().default(1e-10).meta({ description: 'smallest rate the M-step returns', modelFile: 'always' }),
});

/** What the plugin's hooks receive: every option, defaults filled in. */
export type PoissonMixtureOptions = ReturnType<typeof poissonMixtureOptions.parse>;

/** What callers write (`fit(poissonMixturePlugin, data, { k: 3 })` is checked against it). */
export type PoissonMixtureOptionsInput = OptionsInput<typeof poissonMixtureOptions>;
