// pnpm bench (runner overhead): what the runner costs per EM iteration at N = 100 000 (13 shards
// of 8192 rows) on 2 workers when the E-step itself costs nothing (bench/null-kmeans.mjs, K = 8,
// D = 8): task messages, cloning parameters and statistics, merging them in shard order, the
// driver's M-step and bookkeeping. Three ways of sending an E-step: one task per shard (pools
// without runEStepBatch, and the runner before batches); one task per worker holding its shards
// (pinned, for plugins that keep shard state); runs of consecutive shards, twice as many as
// workers, that any free worker takes (the others) — the parameters sent once per task.
// Marginal ms/iter = (t(201 iterations) − t(1)) / 200 on one pool that stays open, least of 5.
import { createDataset } from '@emkit/core';
import { allocateSharedValues } from '@emkit/runner';
import { NodeWorkerPool, fit } from '@emkit/runner/node';
import { nullKmeansPinned, nullKmeansRuns } from './null-kmeans.mjs';

const N = 100_000;
const D = 8;
const K = 8;
const WORKERS = 2;
const values = allocateSharedValues(N, D);
for (let i = 0; i < values.length; i++) values[i] = (i * 7919) % 101;
const data = createDataset(values, N, D);
const options = { k: K, init: { centers: Array.from({ length: K }, (_, j) => Array.from(values.subarray(j * D, j * D + D))) } };

const pool = new NodeWorkerPool(WORKERS);
/** The same pool seen without runEStepBatch: one task per shard. */
const perShard = { size: pool.size, runEStep: (t, s) => pool.runEStep(t, s), runRestart: (t, o) => pool.runRestart(t, o), close: () => pool.close() };

async function seconds(p, maxIter, plugin = nullKmeansPinned) {
  const t0 = performance.now();
  await fit(plugin, data, options, { pool: p, tol: 0, maxIter });
  return (performance.now() - t0) / 1000;
}

async function marginal(p, plugin) {
  const short = [];
  const long = [];
  for (let r = 0; r < 5; r++) {
    short.push(await seconds(p, 1, plugin));
    long.push(await seconds(p, 201, plugin));
  }
  return ((Math.min(...long) - Math.min(...short)) / 200) * 1000;
}

try {
  await seconds(pool, 20); // workers started, plugin loaded, code warm
  await seconds(pool, 20, nullKmeansRuns);
  const tasks = await marginal(perShard, nullKmeansPinned);
  const batches = await marginal(pool, nullKmeansPinned);
  const runs = await marginal(pool, nullKmeansRuns);
  console.log(`\nrunner overhead per iteration, N=${N} (13 shards), K=${K} D=${D}, ${WORKERS} workers, E-step doing no work:`);
  console.log(`  one task per shard:       ${tasks.toFixed(3)} ms/iter`);
  console.log(`  one batch per worker:     ${batches.toFixed(3)} ms/iter (pinned: plugins keeping shard state)`);
  console.log(`  ${2 * WORKERS} runs, any free worker:  ${runs.toFixed(3)} ms/iter (the others)`);
} finally {
  await pool.close();
}
