import { execFile, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const cliDir = resolve(here, '../..');
export const repoRoot = resolve(cliDir, '../..');
export const shared = resolve(repoRoot, '../shared');
export const datasets = resolve(shared, 'fixtures/datasets');
export const references = resolve(shared, 'fixtures/reference');
export const bin = resolve(cliDir, 'dist/bin.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/bin.js ...args` and resolves with its exit code and output (never rejects on exit codes). */
export function emkit(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [bin, ...args], { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolvePromise({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** Runs `node dist/bin.js ...args` with `input` on stdin (never rejects on exit codes). */
export function emkitWithStdin(args: readonly string[], input: Buffer | string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: repoRoot, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolvePromise({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

/** Starts emkit, sends SIGINT after `delayMs`, and resolves with the exit code and output. */
export function emkitInterrupted(args: readonly string[], delayMs: number): Promise<RunResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), delayMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, signal, stdout, stderr });
    });
  });
}
