// pnpm bench (latency part): how fast failures and aborts end a fit. The unit tests check what
// happens (an AbortError, a WorkerError naming the shard, exit 130, no output, no worker left);
// the time limits live here, where a busy machine reads as a slow number rather than a red test.
//  1. In-process fit, a timer aborts it: abort → rejection, against the time of one shard.
//  2. On 2 workers, an abort at iteration 2: abort → rejection (target < 1 s).
//  3. On 2 workers, an E-step that throws on shard 3: start → rejection (target < 5 s).
//  4. The CLI, Ctrl-C (SIGINT) during a fit: signal → exit 130 (target < 10 s, workers closed).
//  5. The CLI on a 200 000-row CSV (id and label columns) under a pseudo-terminal (`script`):
//     start → first status-line output (target < 1 s), → the first loading line with rows and
//     bytes (target < 1 s), → data read, → first initialisation step, → first EM iteration,
//     with --workers 2 and 0. `BENCH_LATENCY=first-progress` runs this part alone.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataset, fit as fitInProcess } from '@emkit/core';
import { gmmPlugin } from '@emkit/gmm';
import { Random } from '@emkit/linalg';
import { fitWithPool } from '@emkit/runner';
import { NodeWorkerPool } from '@emkit/runner/node';

const here = fileURLToPath(new URL('.', import.meta.url));
const faulty = await import(new URL('../packages/runner/src/test-support/faulty-plugins.mjs', import.meta.url).href);

function blobs(n, d, k, seed) {
  const random = new Random(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => 8 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) values[i * d + j] = centres[i % k][j] + random.nextNormal();
  return createDataset(values, n, d);
}

// BENCH_LATENCY=first-progress runs part 5 alone.
const firstProgressOnly = process.env.BENCH_LATENCY === 'first-progress';
const rows = [];
const report = (what, ms, target, verdict) => rows.push({ what, ms, target, verdict });

// 1. In-process: the fit returns to the event loop before every shard.
if (!firstProgressOnly) {
  const shardRows = 8192;
  const data = blobs(16 * shardRows, 8, 8, 1);
  const options = { k: 8, covariance: 'full' };
  const controller = new AbortController();
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, 300);
  const outcome = await fitInProcess(gmmPlugin, data, options, { maxIter: 10_000, tol: 0, shardRows, signal: controller.signal }).then(
    () => 'finished',
    (error) => error.name,
  );
  const ms = performance.now() - abortedAt;
  const oneShard = await timeOneShard(data, options, shardRows);
  report('in-process fit, timer abort → rejection', ms, `≤ one shard (${oneShard.toFixed(1)} ms)`, outcome === 'AbortError' && ms <= oneShard * 1.5 + 5 ? 'OK' : `${outcome}, SLOW`);
}

async function timeOneShard(data, options, shardRows) {
  const result = await fitInProcess(gmmPlugin, data, options, { maxIter: 1, tol: 0, shardRows });
  const t0 = performance.now();
  const stats = gmmPlugin.createStats(result.params, data.cols);
  gmmPlugin.eStep(result.params, data, { start: 0, end: shardRows }, stats);
  return performance.now() - t0;
}

// 2. On workers: abort at iteration 2.
if (!firstProgressOnly) {
  const data = blobs(640, 2, 3, 2);
  const init = { means: [[0, 0], [5, 5], [-5, 5]] };
  const controller = new AbortController();
  let abortedAt = 0;
  let pool;
  const outcome = await fitWithPool(
    faulty.slowGmm,
    data,
    { k: 3, init },
    {
      shardRows: 64,
      workers: 2,
      maxIter: 1000,
      tol: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.iteration === 2) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    },
    (n) => (pool = new NodeWorkerPool(n)),
    2,
  ).then(
    () => 'finished',
    (error) => error.name,
  );
  const ms = performance.now() - abortedAt;
  report('2 workers, abort at iteration 2 → rejection', ms, '< 1000 ms', outcome === 'AbortError' && ms < 1000 && pool.threadCount === 0 ? 'OK' : `${outcome}, SLOW or workers left`);
}

// 3. On workers: an E-step that throws on shard 3.
if (!firstProgressOnly) {
  const data = blobs(640, 2, 3, 2);
  const init = { means: [[0, 0], [5, 5], [-5, 5]] };
  let pool;
  const started = performance.now();
  const outcome = await fitWithPool(faulty.throwsOnShard3, data, { k: 3, init }, { shardRows: 64, workers: 2 }, (n) => (pool = new NodeWorkerPool(n)), 2).then(
    () => 'finished',
    (error) => error.name,
  );
  const ms = performance.now() - started;
  report('2 workers, E-step throws on shard 3 → rejection', ms, '< 5000 ms', outcome === 'WorkerError' && ms < 5000 && pool.threadCount === 0 ? 'OK' : `${outcome}, SLOW or workers left`);
}

// 4. The CLI: SIGINT during a fit on workers and in the main thread.
if (!firstProgressOnly) {
  const dir = mkdtempSync(join(tmpdir(), 'emkit-bench-'));
  try {
    const random = new Random(3);
    const lines = ['a,b,c,d'];
    for (let i = 0; i < 20_000; i++) lines.push([0, 1, 2, 3].map((j) => (random.next() * 10 + (i % 5) * j).toFixed(5)).join(','));
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    for (const workers of [2, 0]) {
      const { code, ms } = await interrupted(['fit', 'gmm', '--data', csv, '--k', '5', '--tol', '0', '--max-iter', '1000000', '--restarts', '1', '--workers', String(workers), '--out', join(dir, 'm.json')], 1500);
      report(`CLI fit --workers ${workers}, SIGINT → exit`, ms, '< 10000 ms', code === 130 && ms < 10_000 ? 'OK' : `exit ${code}, SLOW`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// 5. Time to the first progress output on a terminal.
{
  const dir = mkdtempSync(join(tmpdir(), 'emkit-bench-'));
  try {
    const csv = join(dir, 'rows200k.csv');
    writeFileSync(csv, labelledRows(200_000, 6, 4, 5));
    for (const workers of [2, 0]) {
      const times = await firstOutputs(['fit', 'gmm', '--data', csv, '--drop', 'id', '--label', 'species', '--k', '4', '--restarts', '1', '--workers', String(workers)]);
      const load = loadavg()[0].toFixed(2);
      report(`CLI fit 200k rows --workers ${workers}: start → first progress`, times.first, '< 1000 ms', times.first < 1000 ? 'OK' : 'SLOW');
      report('  … → first loading line (rows and bytes)', times.loading, '< 1000 ms', times.loading < 1000 ? 'OK' : 'SLOW');
      report('  … → data read', times.read, 'shown', Number.isFinite(times.read) ? 'OK' : 'MISSING');
      report(`  … → first initialisation step (load ${load})`, times.init, 'shown', Number.isFinite(times.init) ? 'OK' : 'MISSING');
      report('  … → first EM iteration', times.iteration, 'shown', Number.isFinite(times.iteration) ? 'OK' : 'MISSING');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `id,x0,…,species` CSV text: n rows around k centres in d dimensions, a row id and a class label. */
function labelledRows(n, d, k, seed) {
  const random = new Random(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => 6 * random.nextNormal()));
  const lines = [['id', ...Array.from({ length: d }, (_, j) => `x${j}`), 'species'].join(',')];
  for (let i = 0; i < n; i++) lines.push([i + 1, ...centres[i % k].map((c) => (c + random.nextNormal()).toFixed(5)), `class_${i % k}`].join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the CLI under util-linux's `script` (a pseudo-terminal, so the status line is drawn) and
 * returns the milliseconds from spawning it to its first output, its first initialisation step
 * and its first EM iteration on the terminal.
 */
function firstOutputs(args) {
  const command = [process.execPath, join(here, '../apps/cli/dist/bin.js'), ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const times = { first: Infinity, loading: Infinity, read: Infinity, init: Infinity, iteration: Infinity };
    let shown = '';
    const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (chunk) => {
      const at = performance.now() - started;
      shown += chunk.toString();
      if (times.first === Infinity) times.first = at;
      if (times.loading === Infinity && /reading .*: [\d,]+ rows, /.test(shown)) times.loading = at;
      if (times.read === Infinity && /read .*: [\d,]+ rows, /.test(shown)) times.read = at;
      if (times.init === Infinity && /initialising gmm: /.test(shown)) times.init = at;
      if (times.iteration === Infinity && /iteration 1 {2}mean log-likelihood/.test(shown)) times.iteration = at;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(times) : reject(new Error(`emkit ${args.join(' ')} exited with ${code}`))));
  });
}

function interrupted(args, delayMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, '../apps/cli/dist/bin.js'), ...args], { stdio: 'ignore' });
    let sentAt = 0;
    setTimeout(() => {
      sentAt = performance.now();
      child.kill('SIGINT');
    }, delayMs);
    child.on('close', (code) => resolve({ code, ms: performance.now() - sentAt }));
  });
}

console.log('\nlatency bench: how fast an abort or a failure ends a fit, and how soon progress shows');
console.log(`${'case'.padEnd(56)} ${'ms'.padStart(8)}   target`);
for (const r of rows) console.log(`${r.what.padEnd(56)} ${r.ms.toFixed(1).padStart(8)}   ${r.target}  ${r.verdict}`);
