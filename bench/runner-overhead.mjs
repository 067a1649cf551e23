// pnpm bench (runner overhead): what the runner costs per EM iteration at N = 100 000 (13 shards
// of 8192 rows) on 2 workers when the E-step itself costs nothing (bench/null-kmeans.mjs, K = 8,
// D = 8): task messages, cloning parameters and statistics, merging them in shard order, the
// driver's M-step and bookkeeping. Two ways of sending an E-step: one task per shard (pools
// without runEStepBatch, and the runner before batches) and one task per worker holding its
// shards with the parameters sent once. Marginal ms/iter = (t(201 iterations) − t(1)) / 200 on
// one pool that stays open, least of 5.
import { createDataset } from '@emkit/core';
import { allocateSharedValues } from '@emkit/runner';
import { NodeWorkerPool, fit } from '@emkit/runner/node';
import { nullKmeans } from './null-kmeans.mjs';

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

async function seconds(p, maxIter) {
  const t0 = performance.now();
  await fit(nullKmeans, data, options, { pool: p, tol: 0, maxIter });
  return (performance.now() - t0) / 1000;
}

async function marginal(p) {
  const short = [];
  const long = [];
  for (let r = 0; r < 5; r++) {
    short.push(await seconds(p, 1));
    long.push(await seconds(p, 201));
  }
  return ((Math.min(...long) - Math.min(...short)) / 200) * 1000;
}

try {
  await seconds(pool, 20); // workers started, plugin loaded, code warm
  const tasks = await marginal(perShard);
  const batches = await marginal(pool);
  console.log(`\nrunner overhead per iteration, N=${N} (13 shards), K=${K} D=${D}, ${WORKERS} workers, E-step doing no work:`);
  console.log(`  one task per shard:       ${tasks.toFixed(3)} ms/iter`);
  console.log(`  one batch per worker:     ${batches.toFixed(3)} ms/iter`);
} finally {
  await pool.close();
}
