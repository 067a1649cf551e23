import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OptionError } from '@emkit/core';

/**
 * A URL a worker can import for a plugin given as a file URL, a path (absolute or relative to
 * `fromDir`) to a module file or a package folder, or a package name installed where `fromDir`
 * can see it. Package names are resolved from `fromDir` (not from the runner's own folder);
 * packages (named or folders) through their `exports["."]` import condition or their
 * `module`/`main` field.
 */
export function resolvePluginSpecifier(specifier: string, fromDir: string = process.cwd()): string {
  if (specifier.startsWith('file:') || specifier.startsWith('http:') || specifier.startsWith('https:') || specifier.startsWith('data:')) return specifier;
  if (isAbsolute(specifier) || specifier.startsWith('.')) {
    const path = resolve(fromDir, specifier);
    if (!existsSync(path)) throw new OptionError({ field: 'plugin', detail: `${path} does not exist` });
    if (!statSync(path).isDirectory()) return pathToFileURL(path).href;
    // A package folder (a plugin checked out and built locally): its manifest names the entry.
    const manifestPath = join(path, 'package.json');
    if (!existsSync(manifestPath)) throw new OptionError({ field: 'plugin', detail: `${path} is a folder without a package.json; give the plugin's module file or its package folder` });
    return entryUrl(manifestPath, '');
  }
  const require = createRequire(join(resolve(fromDir), 'noop.js'));
  const [scopeOrName, maybeName, ...rest] = specifier.split('/');
  const packageName = scopeOrName.startsWith('@') ? `${scopeOrName}/${maybeName}` : scopeOrName;
  const subpath = (scopeOrName.startsWith('@') ? rest : [maybeName, ...rest]).filter(Boolean).join('/');
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${packageName}/package.json`);
  } catch {
    // Packages whose exports hide package.json: walk node_modules folders upwards.
    manifestPath = findManifest(packageName, resolve(fromDir));
  }
  return entryUrl(manifestPath, subpath);
}

/** The file URL of a package's entry for `subpath` ('' for the main entry), which must exist. */
function entryUrl(manifestPath: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  const packageName = typeof manifest.name === 'string' ? manifest.name : dirname(manifestPath);
  const entry = entryOf(manifest, subpath ? `./${subpath}` : '.');
  if (!entry) throw new OptionError({ field: 'plugin', detail: `package ${packageName} has no importable entry for "${subpath ? `./${subpath}` : '.'}"` });
  const path = join(dirname(manifestPath), entry);
  if (!existsSync(path)) throw new OptionError({ field: 'plugin', detail: `the entry of package ${packageName}, ${path}, does not exist (is the package built?)` });
  return pathToFileURL(path).href;
}

function findManifest(packageName: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', packageName, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new OptionError({ field: 'plugin', detail: `cannot find package "${packageName}" from ${fromDir}; install it or give a path to the plugin module` });
}

function entryOf(manifest: Record<string, unknown>, subpath: string): string | null {
  const exports = manifest.exports;
  const pick = (target: unknown): string | null => {
    if (typeof target === 'string') return target;
    if (target && typeof target === 'object') {
      const t = target as Record<string, unknown>;
      for (const condition of ['import', 'node', 'default']) {
        const hit = pick(t[condition]);
        if (hit) return hit;
      }
    }
    return null;
  };
  if (exports !== undefined) {
    if (typeof exports === 'string' || (exports && typeof exports === 'object' && !Object.keys(exports).some((k) => k.startsWith('.'))))
      return subpath === '.' ? pick(exports) : null;
    return pick((exports as Record<string, unknown>)[subpath]);
  }
  if (subpath !== '.') return subpath;
  return (manifest.module as string) ?? (manifest.main as string) ?? 'index.js';
}
