import { FitAbortedError, FitError, InputError, ModelFileError, OptionError } from '@emkit/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram, exitCodeOf } from './main.js';
import { findNonFinite, formatModelJson } from './files.js';
import { kebab, optionFor, withFlagNames } from './plugin-flags.js';
import { registry } from './registry.js';

describe('exit codes', () => {
  it('maps errors to 2 (usage, input, model file), 1 (fit, internal) and 130 (interrupted)', () => {
    expect(exitCodeOf(new OptionError({ field: 'k', detail: 'bad' }))).toBe(2);
    expect(exitCodeOf(new InputError({ file: 'x.csv', detail: 'bad', line: 3 }))).toBe(2);
    expect(exitCodeOf(new ModelFileError({ field: 'means', detail: 'bad' }))).toBe(2);
    expect(exitCodeOf(new CommanderError(1, 'commander.missingMandatoryOptionValue', 'x'))).toBe(2);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
    expect(exitCodeOf(new FitError({ plugin: 'gmm', iteration: 3, detail: 'singular' }))).toBe(1);
    expect(exitCodeOf(new Error('bug'))).toBe(1);
    expect(exitCodeOf(new FitAbortedError())).toBe(130);
  });

  it('tells emkit errors by code: those of a plugin with its own @emkit/core, or rebuilt after a worker, map the same', () => {
    const foreign = (code: string) => Object.assign(new Error('x'), { code });
    expect(exitCodeOf(foreign('option'))).toBe(2);
    expect(exitCodeOf(foreign('input'))).toBe(2);
    expect(exitCodeOf(foreign('model-file'))).toBe(2);
    expect(exitCodeOf(foreign('fit'))).toBe(1);
    expect(exitCodeOf(foreign('worker'))).toBe(1);
    expect(exitCodeOf(foreign('aborted'))).toBe(130);
    expect(exitCodeOf(foreign('ENOENT'))).toBe(1);
    // Fields, not the message, carry the parts: the message is never parsed back.
    const foreignOption = Object.assign(new Error('init.means[2]: expected 4 numbers'), { code: 'option', field: 'init.means[2]', detail: 'expected 4 numbers' });
    const relabelled = withFlagNames(foreignOption, registry[0].plugin, { init: 'init.json' });
    expect((relabelled as Error).message).toBe('--init init.json: means[2]: expected 4 numbers');
  });
});

describe('plugin flags', () => {
  it('spells camelCase options as kebab flags', () => {
    expect(kebab('regCovar')).toBe('reg-covar');
    expect(kebab('initMethod')).toBe('init-method');
    expect(kebab('k')).toBe('k');
  });

  it('builds a program for every registered plugin (no flag clashes)', () => {
    expect(() => createProgram()).not.toThrow();
    const names = registry.map((m) => m.plugin.name);
    expect(names).toEqual(expect.arrayContaining(['gmm', 'kmeans', 'bernoulli', 'factor-analysis', 'bayes-linreg', 'soft-kmeans']));
    expect(new Set(names).size).toBe(names.length);
    expect(() => optionFor({ name: 'maxIter', type: 'integer', description: 'x' })).toThrow(/clashes with the CLI flag --max-iter/);
  });

  it('relabels option errors with the flag and file', () => {
    const gmm = registry[0].plugin;
    const e = withFlagNames(new OptionError({ field: 'init.means[2]', detail: 'expected 4 numbers' }), gmm, { init: 'init.json' }) as OptionError;
    expect(e.message).toBe('--init init.json: means[2]: expected 4 numbers');
    expect((withFlagNames(new OptionError({ field: 'regCovar', detail: 'must be ≥ 0' }), gmm, {}) as Error).message).toBe('--reg-covar: must be ≥ 0');
    expect((withFlagNames(new OptionError({ field: 'maxIter', detail: 'must be ≥ 1' }), gmm, {}) as Error).message).toBe('--max-iter: must be ≥ 1');
    const other = new OptionError({ field: 'unknown', detail: 'x' });
    expect(withFlagNames(other, gmm, {})).toBe(other);
  });
});

describe('model JSON', () => {
  it('keeps number arrays on one line and parses back', () => {
    const value = { a: [1, -2.5e-7, 3], m: [[1, 2], [3, 4]], s: ['x', 'y'], n: 1 };
    const text = formatModelJson(value);
    expect(text).toContain('"a": [1, -2.5e-7, 3]');
    expect(text).toContain('[1, 2],');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('finds non-finite numbers', () => {
    expect(findNonFinite({ a: [1, 2], b: { c: [[0, NaN]] } })).toBe('b.c[0][1]');
    expect(findNonFinite({ a: [1, 2] })).toBeNull();
  });
});
