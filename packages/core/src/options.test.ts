import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OptionError } from './errors.js';
import { defineOptions, parseOptionsWith } from './options.js';

const schema = z
  .object({
    k: z.number().int().min(1),
    tol: z.number().positive().default(1e-3),
    init: z.object({ means: z.array(z.array(z.number())) }).optional(),
  })
  .strict();

function optionError(f: () => unknown): OptionError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return e as OptionError;
  }
  throw new Error('expected an OptionError');
}

describe('parseOptionsWith', () => {
  it('returns the parsed options with defaults filled in', () => {
    expect(parseOptionsWith(schema, { k: 3 })).toEqual({ k: 3, tol: 1e-3 });
    expect(parseOptionsWith(z.object({ k: z.number().default(2) }), undefined)).toEqual({ k: 2 });
  });

  it('names a top-level field', () => {
    const e = optionError(() => parseOptionsWith(schema, { k: 0 }));
    expect(e.field).toBe('k');
    expect(e.message).toMatch(/^k: /);
    expect(optionError(() => parseOptionsWith(schema, { k: 2, tol: -1 })).field).toBe('tol');
    expect(optionError(() => parseOptionsWith(schema, {})).field).toBe('k');
  });

  it('names a nested path with array indices in brackets: init.means[1][0]', () => {
    const e = optionError(() => parseOptionsWith(schema, { k: 2, init: { means: [[1, 2], ['x', 3]] } }));
    expect(e.field).toBe('init.means[1][0]');
    expect(e.message.startsWith('init.means[1][0]: ')).toBe(true);
  });

  it('puts the prefix in front of the path', () => {
    expect(optionError(() => parseOptionsWith(schema, { k: 1.5 }, 'gmm.')).field).toBe('gmm.k');
  });

  it('says "options" when the whole value is wrong', () => {
    expect(optionError(() => parseOptionsWith(schema, 42)).field).toBe('options');
    expect(optionError(() => parseOptionsWith(schema, [1])).field).toBe('options');
  });

  it('names unknown keys through the schema’s own message', () => {
    const e = optionError(() => parseOptionsWith(schema, { k: 1, colour: 'red' }));
    expect(e.message).toMatch(/colour/);
  });
});

describe('defineOptions: one schema per option, everything else derived', () => {
  const options = defineOptions(
    {
      k: z.number().int().min(1).meta({ description: 'number of components', modelFile: 'always' }),
      covariance: z.enum(['full', 'diag', 'spherical', 'tied']).default('full').meta({ description: 'covariance structure', modelFile: 'always' }),
      regCovar: z.number().min(0).default(1e-6).meta({ description: 'added to the diagonal', modelFile: 'non-default', group: 'regularisation' }),
      clamp: z.number().min(0).lt(0.5).default(1e-10).meta({ description: 'clamp' }),
      freeze: z.array(z.enum(['weights', 'means'])).default([]).meta({ description: 'parameters kept fixed', modelFile: 'always' }),
      init: z.strictObject({ means: z.array(z.array(z.number())) }).nullable().default(null).meta({ description: 'starting means', kind: 'json' }),
      dof: z.number().positive().nullable().default(null).meta({ description: 'degrees of freedom', defaultText: 'D + 2' }),
    },
    (o) => ({ ...o, components: o.k }),
  );

  it('derives the specs: kind, flag, choices, default, required, group, expected', () => {
    expect(options.specs).toEqual([
      { name: 'k', type: 'integer', description: 'number of components', flag: 'k', expected: 'an integer ≥ 1', required: true },
      { name: 'covariance', type: 'string', description: 'covariance structure', flag: 'covariance', expected: 'one of full, diag, spherical, tied', choices: ['full', 'diag', 'spherical', 'tied'], defaultValue: 'full' },
      { name: 'regCovar', type: 'number', description: 'added to the diagonal', flag: 'reg-covar', expected: 'a number ≥ 0', defaultValue: 1e-6, group: 'regularisation' },
      { name: 'clamp', type: 'number', description: 'clamp', flag: 'clamp', expected: 'a number in [0, 0.5)', defaultValue: 1e-10 },
      { name: 'freeze', type: 'list', description: 'parameters kept fixed', flag: 'freeze', expected: 'a list of weights, means', choices: ['weights', 'means'] },
      { name: 'init', type: 'json', description: 'starting means', flag: 'init', expected: 'an object {means}' },
      { name: 'dof', type: 'number', description: 'degrees of freedom', flag: 'dof', expected: 'a number > 0', defaultText: 'D + 2' },
    ]);
    expect(options.defaults).toEqual({ covariance: 'full', regCovar: 1e-6, clamp: 1e-10, freeze: [], init: null, dof: null });
  });

  it('parses with defaults and the finishing step', () => {
    expect(options.parse({ k: 2 })).toEqual({ k: 2, components: 2, covariance: 'full', regCovar: 1e-6, clamp: 1e-10, freeze: [], init: null, dof: null });
  });

  it('describes the bad value: type, bounds, choices with the closest, misspelt names', () => {
    const detail = (raw: unknown) => optionError(() => options.parse(raw));
    expect(detail({ k: '3' }).message).toBe('k: expected an integer ≥ 1, got the string "3"');
    expect(detail({ k: 0 }).message).toBe('k: expected an integer ≥ 1, got 0');
    expect(detail({ k: 2.5 }).message).toBe('k: expected an integer ≥ 1, got 2.5');
    expect(detail({}).message).toBe('k: required: an integer ≥ 1 (number of components)');
    expect(detail({ k: 2, covariance: 'ful' }).message).toBe('covariance: expected one of full, diag, spherical, tied, got "ful"; did you mean "full"?');
    expect(detail({ k: 2, covariance: 'banana' }).message).toBe('covariance: expected one of full, diag, spherical, tied, got "banana"');
    expect(detail({ k: 2, clamp: 0.5 }).message).toBe('clamp: expected a number in [0, 0.5), got 0.5');
    expect(detail({ k: 2, regCovar: Infinity }).message).toBe('regCovar: expected a number ≥ 0, got Infinity');
    expect(detail({ k: 2, freeze: ['weights', 'meens'] }).message).toBe('freeze[1]: expected one of weights, means, got "meens"; did you mean "means"?');
    expect(detail({ k: 2, covarance: 'full' }).message).toBe('covarance: unknown option; did you mean "covariance"?');
    expect(detail({ k: 2, colour: 'red' }).message).toBe('colour: unknown option; the options are k, covariance, regCovar, clamp, freeze, init, dof');
    expect(detail({ k: 2, init: { means: [[1], ['x']] } }).message).toBe('init.means[1][0]: expected a number, got the string "x"');
    expect(detail({ k: 2, init: { means: [[1]], extra: 1 } }).message).toBe('init.extra: unknown field; the fields are means');
    expect(detail(3).message).toBe('options: expected an object of options, got 3');
  });

  it('model files keep the marked options (non-default ones only when they differ) and fill the rest from the defaults', () => {
    const parsed = options.parse({ k: 3, regCovar: 1e-6, freeze: ['means'], clamp: 0.1 });
    expect(options.toModelFile(parsed)).toEqual({ k: 3, covariance: 'full', freeze: ['means'] });
    expect(options.toModelFile({ ...parsed, regCovar: 0.5 })).toMatchObject({ regCovar: 0.5 });
    expect(options.fromModelFile({ k: 3, means: [[1]] })).toEqual(options.parse({ k: 3 }));
    expect(options.fromModelFile({ k: 3, clamp: 0.2 }).clamp).toBe(1e-10); // not a model-file field: never read
    expect(options.fromModelFile({ means: [[1]] }, { k: 1 }).k).toBe(1);
    let error: unknown;
    try {
      options.fromModelFile({ k: 3, covariance: 'ful' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'model-file', field: 'covariance' });
  });

  it('refuses an option without a description or whose kind cannot be told', () => {
    expect(() => defineOptions({ k: z.number() })).toThrow(/"k": give it a description/);
    expect(() => defineOptions({ init: z.object({}).meta({ description: 'x' }) })).toThrow(/"init": .*kind/);
  });
});
