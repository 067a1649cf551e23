import { setMaxListeners } from 'node:events';

/**
 * Ctrl-C (SIGINT), from the first moment of the process: bin.ts installs the handler before it
 * loads anything else, as loading the models can take seconds on a busy machine. A fitting
 * command registers an AbortController while it runs: the first Ctrl-C aborts it (it stops at
 * the next shard and writes nothing), a second one leaves at once. Outside a fit — while loading,
 * or in a command that does not listen — Ctrl-C leaves at once, unless the command handles SIGINT
 * itself. Outputs are written by rename,
 * so nothing partial remains either way.
 */
let installed = false;
let running: AbortController | null = null;
let interrupts = 0;

function onSigint(): void {
  interrupts++;
  if (running !== null && interrupts === 1) {
    running.abort(new Error('interrupted'));
    return;
  }
  // A command with a handler of its own (`emkit worker` finishes its job, then closes) decides.
  if (running === null && process.listenerCount('SIGINT') > 1) return;
  process.stderr.write('emkit: interrupted; no output was written\n');
  process.exit(130);
}

/** Installs the SIGINT handler (once); returns how to remove it. */
export function handleInterrupts(): () => void {
  if (installed) return () => undefined;
  installed = true;
  interrupts = 0;
  process.on('SIGINT', onSigint);
  return () => {
    process.off('SIGINT', onSigint);
    installed = false;
  };
}

/**
 * Runs `body` with a signal that the first Ctrl-C aborts. Every fit, and each of its shards, may
 * listen to the one signal, so the listener limit is lifted.
 */
export async function withInterrupts<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  // Called from code (the tests' in-process main) the handler may not be there yet.
  const uninstall = handleInterrupts();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  running = controller;
  try {
    return await body(controller.signal);
  } finally {
    running = null;
    uninstall();
  }
}
