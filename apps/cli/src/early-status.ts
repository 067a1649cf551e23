/**
 * The first status line, drawn by bin.ts before the models load: loading them (every plugin,
 * its option schemas, the worker pool's code) takes most of a second on a busy machine, and a
 * fit on a terminal should show that it has started at once. The line is a plain text without
 * a newline; the first later write to stderr or stdout — the status line proper, an error, the
 * summary, --json — erases it first, so nothing of it remains.
 */

/** Commands that draw a status line while they run. */
const FITTING_COMMANDS = new Set(['fit', 'select']);

/** Whether `argv` (without node and the script) runs a fitting command on a terminal with its status line. */
export function wantsEarlyStatus(argv: readonly string[], stderrIsTerminal: boolean): boolean {
  if (!stderrIsTerminal || !FITTING_COMMANDS.has(argv[0] ?? '')) return false;
  return !argv.some((a) => a === '--quiet' || a === '--help' || a === '-h');
}

/** Writes `text` as a provisional line on stderr, erased by the next write to stderr or stdout. */
export function showEarlyStatus(text: string): void {
  const streams = [process.stderr, process.stdout] as const;
  const originals = streams.map((s) => s.write);
  let erased = false;
  const restore = (): void => {
    streams.forEach((s, i) => (s.write = originals[i]));
  };
  streams.forEach((stream, i) => {
    stream.write = function (this: NodeJS.WriteStream, ...args: Parameters<NodeJS.WriteStream['write']>): boolean {
      if (!erased) {
        erased = true;
        restore();
        // Carriage return, erase the line: the cursor is back where the line began.
        originals[0].call(process.stderr, '\r\x1b[K');
      }
      return originals[i].apply(this, args);
    } as NodeJS.WriteStream['write'];
  });
  originals[0].call(process.stderr, text);
  // A process that ends without writing again leaves no half line behind.
  process.once('exit', () => {
    if (!erased) originals[0].call(process.stderr, '\r\x1b[K');
  });
}
