import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * The end-to-end test serves the built app. Under `pnpm test` turbo has just built it; run on its
 * own (`vitest --project web`), the test rebuilds it when a source is newer than dist/index.html.
 */
export function ensureBuilt(appDir: string): void {
  const built = newest(join(appDir, 'dist', 'index.html'));
  const sources = Math.max(...['src', 'index.html', 'vite.config.ts', '../../examples'].map((p) => newest(join(appDir, p))));
  if (built > sources) return;
  // vite's exports map hides its bin; pnpm links the package itself into node_modules.
  const vite = join(appDir, 'node_modules', 'vite', 'bin', 'vite.js');
  try {
    execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: appDir, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } });
  } catch (error) {
    const output = `${(error as { stdout?: Buffer }).stdout ?? ''}${(error as { stderr?: Buffer }).stderr ?? ''}`;
    throw new Error(`building apps/web failed:\n${output}`, { cause: error });
  }
}
