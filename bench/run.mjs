// pnpm bench: every benchmark in turn. Timing targets live here, never in unit tests (latency.mjs holds the abort and failure times the unit tests used to assert).
await import('./em-iterations.mjs');
await import('./runner.mjs');
await import('./latency.mjs');
