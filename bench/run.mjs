// pnpm bench: every benchmark in turn. Timing targets live here, never in unit tests.
await import('./em-iterations.mjs');
await import('./runner.mjs');
const { peerBenchmark } = await import('./peers.mjs');
await peerBenchmark();
