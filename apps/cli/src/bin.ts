#!/usr/bin/env node
// Only the SIGINT handler and the first status line are loaded before they are in place:
// loading the models takes a while.
import { handleInterrupts } from './interrupts.js';
import { showEarlyStatus, wantsEarlyStatus } from './early-status.js';

handleInterrupts();
const argv = process.argv.slice(2);
if (wantsEarlyStatus(argv, process.stderr.isTTY === true)) showEarlyStatus(`emkit ${argv.slice(0, 2).join(' ')}: starting…`);

// `emkit predict ... | head`: a closed pipe is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { main } = await import('./main.js');
process.exitCode = await main(argv);
