// pnpm bench: every benchmark in turn. Timing targets live here, never in unit tests.
await import('./matrix.mjs');
await import('./kmeans.mjs');
await import('./runner.mjs');
await import('./runner-overhead.mjs');
await import('./hmm.mjs');
await import('./mixture.mjs');
await import('./scale.mjs');
const { peerBenchmark } = await import('./peers.mjs');
await peerBenchmark();
await import('./latency.mjs');
