#!/usr/bin/env node
// Only the SIGINT handler is loaded before it is installed: loading the models takes a while.
import { handleInterrupts } from './interrupts.js';

handleInterrupts();

// `emkit predict ... | head`: a closed pipe is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
