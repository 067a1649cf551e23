import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CLI tests run the built dist/bin.js, so build it (and the packages it references) first.
 * `tsc --build` is incremental: after `pnpm build` this is a no-op check of about a second.
 */
export default function setup(): void {
  const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '--build', cliDir], { stdio: 'pipe' });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`building apps/cli failed:\n${output}`, { cause: error });
  }
}
