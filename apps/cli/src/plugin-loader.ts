import { isAbsolute, resolve } from 'node:path';
import { type AnyModelPlugin, OptionError, PLUGIN_API_VERSION, hasErrorCode, isModelPlugin } from '@emkit/core';
import { resolvePluginSpecifier } from '@emkit/runner/node';
import { RESERVED_FLAGS, flagOf } from './plugin-flags.js';
import type { RegisteredModel } from './registry.js';

/**
 * `--plugin <spec>` loads model plugins from a module for one invocation. It is taken out of
 * argv before commander parses it, because the plugins it loads decide which commands and flags
 * exist (`emkit --plugin x fit poisson-mixture --k 2`, `--help` included). So it may stand
 * anywhere on the command line, and may be repeated.
 */
export function takePluginFlags(argv: readonly string[]): { specs: string[]; rest: string[] } {
  const specs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--plugin=')) specs.push(arg.slice('--plugin='.length));
    else if (arg === '--plugin') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) throw new OptionError({ field: '--plugin', detail: 'expected a plugin module: a path (./my-plugin, ./dist/index.js) or an installed package name' });
      specs.push(value);
      i++;
    } else rest.push(arg);
  }
  for (const spec of specs) if (spec === '') throw new OptionError({ field: '--plugin', detail: 'expected a plugin module: a path or an installed package name, got nothing' });
  return { specs, rest };
}

/**
 * What a model file records about the plugin that wrote it: a package name as given, a path
 * made absolute (so the hint works from any folder).
 */
function recordedSpecifier(spec: string, fromDir: string): string {
  return spec.startsWith('.') || isAbsolute(spec) ? resolve(fromDir, spec) : spec;
}

interface LoadedPlugin {
  /** The exported object, for telling one plugin exported twice from two plugins of one name. */
  readonly exported: AnyModelPlugin;
  readonly model: RegisteredModel;
}

/**
 * Imports the module `spec` names (resolved from `fromDir` as the runner resolves it for its
 * workers) and returns every plugin it exports, as registry entries.
 */
async function loadPluginModule(spec: string, fromDir: string): Promise<LoadedPlugin[]> {
  let url: string;
  try {
    url = resolvePluginSpecifier(spec, fromDir);
  } catch (error) {
    throw new OptionError({ field: '--plugin', detail: `${spec}: ${hasErrorCode(error, 'option') ? error.detail : String(error)}` });
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new OptionError({ field: '--plugin', detail: `${spec}: cannot import ${url}: ${error instanceof Error ? error.message : String(error)}` });
  }
  const found = [...new Set(Object.values(module).filter(isModelPlugin))];
  if (found.length === 0) throw new OptionError({ field: '--plugin', detail: `${spec}: ${url} exports no emkit model plugin (an object with name, init, eStep and mStep)` });
  const source = recordedSpecifier(spec, fromDir);
  return found.map((exported) => {
    if (exported.apiVersion !== PLUGIN_API_VERSION)
      throw new OptionError({
        field: '--plugin',
        detail: `${spec}: plugin "${exported.name}" implements plugin API version ${String(exported.apiVersion)}; this emkit supports version ${PLUGIN_API_VERSION}`,
      });
    for (const option of exported.optionSpecs ?? [])
      if (RESERVED_FLAGS.includes(flagOf(option)))
        throw new OptionError({ field: '--plugin', detail: `${spec}: plugin "${exported.name}" has an option "${option.name}", which clashes with emkit's own flag --${flagOf(option)}` });
    // Workers import a plugin from its moduleUrl; one that does not say where it lives is where we found it.
    const plugin: AnyModelPlugin = exported.moduleUrl ? exported : (Object.create(exported, { moduleUrl: { value: url, enumerable: true } }) as AnyModelPlugin);
    return { exported, model: { plugin, extraFitFields: () => ({ pluginModule: source }) } };
  });
}

/** `base` plus the plugins of every --plugin module; a model name may be taken only once. */
export async function registryWithPlugins(base: readonly RegisteredModel[], specs: readonly string[], fromDir: string): Promise<readonly RegisteredModel[]> {
  const loaded = new Map<string, AnyModelPlugin>();
  const models = [...base];
  for (const spec of specs) {
    for (const { exported, model } of await loadPluginModule(spec, fromDir)) {
      const name = exported.name;
      if (base.some((m) => m.plugin.name === name)) throw new OptionError({ field: '--plugin', detail: `${spec}: its model "${name}" has the name of a model built into emkit` });
      const earlier = loaded.get(name);
      // The same plugin reached twice (one module given twice, or re-exported) is loaded once.
      if (earlier === exported) continue;
      if (earlier) throw new OptionError({ field: '--plugin', detail: `${spec}: its model "${name}" has the name of a model another --plugin loaded` });
      loaded.set(name, exported);
      models.push(model);
    }
  }
  return models;
}
