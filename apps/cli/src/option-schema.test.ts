/**
 * One schema per plugin is the single source of its options: a plugin built from an option
 * schema alone gets its CLI flags, `--help` (grouped), `emkit models`, flag errors in the
 * library's words, and model-file defaults — and adding an option is one line in the schema.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AnyModelPlugin, type OptionShape, datasetFromRows, defineOptions, fit, modelFileFromFit, readModelFile } from '@emkit/core';
import { univariateGaussianMixture } from '@emkit/core/testing';
import { CommanderError } from 'commander';
import { createProgram } from './main.js';

/** The options a plugin author writes: nothing else about them is written anywhere. */
const shape = {
  k: z.number().int().min(1).default(2).meta({ description: 'number of components', modelFile: 'always' }),
  minVariance: z.number().positive().default(1e-6).meta({ description: 'lower bound of every variance', group: 'regularisation', modelFile: 'always' }),
  mode: z.enum(['fast', 'exact']).default('exact').meta({ description: 'how hard to try', modelFile: 'non-default' }),
} satisfies OptionShape;

/**
 * A plugin whose option surface is the schema's: the EM hooks are core's test mixture, and the
 * option members come from `defineOptions` and nothing else.
 */
function pluginFrom<S extends OptionShape>(name: string, optionShape: S): AnyModelPlugin {
  const options = defineOptions(optionShape);
  const base = univariateGaussianMixture;
  return {
    ...base,
    name,
    optionSpecs: options.specs,
    parseOptions: (raw: unknown) => ({ ...base.parseOptions(pick(options.parse(raw), ['k', 'minVariance'])), ...options.parse(raw) }),
    toJSON: (params, parsed) => ({ ...base.toJSON(params, parsed), ...options.toModelFile(parsed) }),
    fromJSON: (json) => ({ params: base.fromJSON(json).params, options: { ...base.fromJSON(json).options, ...options.fromModelFile(json) } }),
  };
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, o[key]]));
}

/** What `emkit <args>` prints (help) or throws (an error), run in-process. */
async function cli(plugin: AnyModelPlugin, args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const program = createProgram([{ plugin }]);
  const output = { writeOut: (text: string) => (out += text), writeErr: (text: string) => (out += text), getOutHelpWidth: () => 200, getErrHelpWidth: () => 200 };
  program.configureOutput(output);
  for (const command of program.commands) for (const sub of command.commands) sub.configureOutput(output);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return { out };
    return { out, error };
  }
  return { out };
}

const data = datasetFromRows([[0], [0.2], [0.1], [5], [5.3], [4.9], [5.1], [-0.1]]);

describe('a plugin from its option schema alone', () => {
  const plugin = pluginFrom('schema-demo', shape);

  it('gets its CLI flags and --help: kinds, choices, defaults, required and groups from the schema', async () => {
    const { out } = await cli(plugin, ['fit', 'schema-demo', '--help']);
    expect(out).toMatch(/Model options:\n\s+--k <integer>\s+number of components \(default: 2\)\n\s+--mode <choice>\s+how hard to try \(fast, exact\) \(default: exact\)/);
    expect(out).toMatch(/Model options \(regularisation\):\n\s+--min-variance <number>\s+lower bound of every variance \(default: 0\.000001\)/);
  });

  it("refuses bad flag values in the library's words, naming the flag", async () => {
    const run = (flags: string[]) => cli(plugin, ['fit', 'schema-demo', '--data', 'never-read.csv', ...flags]);
    expect((await run(['--min-variance', 'x'])).error).toMatchObject({ code: 'option', field: '--min-variance', detail: 'expected a number > 0, got "x"' });
  });

  it('gets model-file defaults: an option a file lacks takes the schema default', async () => {
    const result = await fit(plugin, data, { k: 2, mode: 'fast', minVariance: 1e-3 }, { seed: 1 });
    const file = JSON.parse(JSON.stringify(modelFileFromFit(plugin, result))) as Record<string, unknown>;
    expect(file).toMatchObject({ k: 2, minVariance: 1e-3, mode: 'fast' });
    delete file.mode;
    delete file.minVariance;
    expect(readModelFile(plugin, file).options).toMatchObject({ k: 2, mode: 'exact', minVariance: 1e-6 });
    // `non-default` options are left out of files of plain fits.
    const plain = modelFileFromFit(plugin, await fit(plugin, data, { k: 2 }, { seed: 1 }));
    expect(plain).not.toHaveProperty('mode');
  });

  it('adding an option touches one place: the schema', async () => {
    const grown = pluginFrom('schema-demo', {
      ...shape,
      damping: z.number().min(0).max(1).default(0.25).meta({ description: 'step damping', group: 'regularisation', modelFile: 'always' }),
    });
    const { out } = await cli(grown, ['fit', 'schema-demo', '--help']);
    expect(out).toMatch(/Model options \(regularisation\):\n(.*\n)*\s+--damping <number>\s+step damping \(default: 0\.25\)/);
    expect(() => grown.parseOptions({ damping: 2 })).toThrow(/^damping: expected a number in \[0, 1\], got 2$/);
    const result = await fit(grown, data, { damping: 0.5 }, { seed: 1 });
    const file = JSON.parse(JSON.stringify(modelFileFromFit(grown, result))) as Record<string, unknown>;
    expect(file.damping).toBe(0.5);
    delete file.damping;
    expect(readModelFile(grown, file).options).toMatchObject({ damping: 0.25 });
    // `emkit models --json` lists the specs as they are.
    expect(grown.optionSpecs.find((spec) => spec.name === 'damping')).toEqual({
      name: 'damping',
      type: 'number',
      description: 'step damping',
      flag: 'damping',
      expected: 'a number in [0, 1]',
      defaultValue: 0.25,
      group: 'regularisation',
    });
  });
});
