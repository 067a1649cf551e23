// Shared by the packages' tests (not shipped): outputs written to a named pipe.
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';

/**
 * Makes a FIFO (named pipe) at `path` and starts reading it: resolves with all the text a
 * writer sends through it, once the writer closes it.
 */
export function readFromNewFifo(path: string): Promise<string> {
  execFileSync('mkfifo', [path]);
  return new Promise<string>((resolve, reject) => {
    let text = '';
    createReadStream(path, 'utf8')
      .on('data', (chunk) => (text += chunk as string))
      .on('end', () => resolve(text))
      .on('error', reject);
  });
}
