// pnpm bench: stepwise (online) EM against batch EM, E-steps through Redis, and out-of-core fits.
//
// Online — 1 000 000 generated rows, K = 8, D = 8 (BENCH_ONLINE_N changes N): one pass of
// stepwise EM (mini-batches of 1000 rows, α = 0.7) must end within 0.5 % of batch EM's mean
// log-likelihood, in less time than 3 batch EM iterations. Batch EM runs to convergence from the
// same seed; its seconds per iteration are its wall time over its E-steps (iterations + 1). The
// online time includes everything fitOnline does: the pass, the held-out score and the final
// E-step over all rows that reports the mean log-likelihood.
//
// Distributed — a redis-server on a loopback port and 3 `emkit worker` processes (1 thread
// each) on this machine: the per-iteration overhead of a round trip through Redis (one
// 100-row shard per iteration) and shards per second (200 000 rows in 1000-row shards), next to
// the same fits in this process. BENCH_DISTRIBUTED=0 skips it (it needs Debian's redis-server);
// BENCH_SCALING=1 adds a sweep over rows × worker processes (docs/scaling-out.md); BENCH_SCALE=0
// skips this whole file. Timings are wall clock on whatever else the machine runs: the load
// average is printed beside them.
//
// Out of core — a generated 20 000 000 × 8 CSV file (about 2.1 GB, in a temporary folder that
// is deleted afterwards; BENCH_OUT_OF_CORE_ROWS changes N) fitted by `emkit fit gmm --memory
// 512MiB` (BENCH_OUT_OF_CORE_MEMORY changes it; k = 4, full covariances, 2 workers, BENCH_OUT_OF_CORE_ITER iterations, default 5)
// under `/usr/bin/time -v`: its peak resident set size, threads included, must stay under
// 1 GiB. It is skipped, saying why, when the temporary folder's disk has less than twice the
// file's size free or /usr/bin/time is missing. BENCH_OUT_OF_CORE=0 skips it; BENCH_ONLINE=0
// and BENCH_DISTRIBUTED=0 skip the other parts (to run this one alone).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataset, fit, fitOnline } from '@emkit/core';
import { fitDistributed, shareDataFile } from '@emkit/distributed';
import { indexFile, readTable } from '@emkit/io/node';
import { gmmPlugin } from '@emkit/gmm';
import { Random } from '@emkit/linalg';

if (process.env.BENCH_SCALE === '0') process.exit(0);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const root = resolve(fileURLToPath(import.meta.url), '../..');

function blobs(n, d, k, seed) {
  const random = new Random(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => 10 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centres[random.nextInt(k)];
    for (let j = 0; j < d; j++) values[i * d + j] = c[j] + random.nextNormal() * (1 + (j % 3));
  }
  return values;
}

/** A headerless CSV file in memory here, and indexed for the workers, which read their shards from it. */
async function sharedData(path, shardRows) {
  const { dataset: data } = await readTable(path, { header: 'no' });
  const dataFile = await shareDataFile((await indexFile(path, { format: 'csv', header: 'no', shardRows })).reference);
  return { data, dataFile };
}

/** Generated blobs (K = 4) written as a headerless CSV file; returns its path. */
function writeBlobsCsv(dir, name, n, d, seed) {
  const values = blobs(n, d, 4, seed);
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(Array.from(values.subarray(i * d, (i + 1) * d), (x) => x.toFixed(6)).join(','));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function onlineBench() {
  const N = Number(process.env.BENCH_ONLINE_N ?? 1_000_000);
  const D = 8;
  const K = 8;
  const data = createDataset(blobs(N, D, K, 7), N, D);
  const options = { k: K, covariance: 'full' };
  // Warm-up (JIT, kernels) on a slice, so neither side pays it.
  await fit(gmmPlugin, createDataset(data.values.subarray(0, 20_000 * D), 20_000, D), options, { seed: 0, maxIter: 2, restarts: 1 });
  console.log(`\nstepwise EM vs batch EM: gmm full, N = ${N}, D = ${D}, K = ${K} (load ${load()})`);
  let started = performance.now();
  const batch = await fit(gmmPlugin, data, options, { seed: 0, restarts: 1 });
  const batchSeconds = (performance.now() - started) / 1000;
  const perIteration = batchSeconds / (batch.iterations + 1);
  started = performance.now();
  // The pass ends when the held-out score is reported; the final E-step over all rows after it
  // only evaluates the model (it is what reports the mean log-likelihood compared here).
  let passSeconds = NaN;
  const online = await fitOnline(gmmPlugin, data, options, {
    seed: 0,
    passes: 1,
    batchSize: 1000,
    stepPower: 0.7,
    onProgress: (p) => {
      if (p.heldOutMeanLogLikelihood !== null) passSeconds = (performance.now() - started) / 1000;
    },
  });
  const onlineSeconds = (performance.now() - started) / 1000;
  const gap = Math.abs(online.meanLogLikelihood - batch.meanLogLikelihood) / Math.abs(batch.meanLogLikelihood);
  console.table([
    { fit: 'batch EM', 'mean log-likelihood': batch.meanLogLikelihood.toFixed(6), iterations: batch.iterations, seconds: batchSeconds.toFixed(2), 's/iteration': perIteration.toFixed(3) },
    { fit: 'stepwise EM, 1 pass', 'mean log-likelihood': online.meanLogLikelihood.toFixed(6), iterations: `${online.steps} steps`, seconds: `${passSeconds.toFixed(2)} (+ ${(onlineSeconds - passSeconds).toFixed(2)} final E-step)`, 's/iteration': '' },
  ]);
  console.log(`gap ${(gap * 100).toFixed(3)} % (target < 0.5 %): ${gap < 0.005 ? 'PASS' : 'FAIL'}`);
  console.log(`pass ${passSeconds.toFixed(2)} s vs 3 batch iterations ${(3 * perIteration).toFixed(2)} s: ${passSeconds < 3 * perIteration ? 'PASS' : 'FAIL'}; with the final E-step ${onlineSeconds.toFixed(2)} s: ${onlineSeconds < 3 * perIteration ? 'PASS' : 'FAIL'} (load ${load()})`);
}

function freePort() {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function startProcess(command, args, readyText) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const ready = new Promise((resolveReady, reject) => {
    const onData = (d) => {
      log += d.toString();
      if (log.includes(readyText)) resolveReady(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${log}`)));
  });
  return ready;
}

async function distributedBench() {
  if (process.env.BENCH_DISTRIBUTED === '0') return;
  const server = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync);
  if (!server) throw new Error('the distributed benchmark needs redis-server (apt-get install redis-server), or BENCH_DISTRIBUTED=0 to skip it');
  const temp = mkdtempSync(join(tmpdir(), 'emkit-bench-redis-'));
  const port = await freePort();
  const redis = await startProcess(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', temp], 'Ready to accept connections');
  const url = `redis://127.0.0.1:${port}`;
  const cli = join(root, 'apps/cli/dist/bin.js');
  const workers = await Promise.all([0, 1, 2].map(() => startProcess(process.execPath, [cli, 'worker', '--redis', url, '--concurrency', '1'], 'serving queue')));
  try {
    const rows = [];
    const write = (name, n, d) => writeBlobsCsv(temp, name, n, d, 3);
    const cases = [
      { label: 'overhead: 1 shard of 100 rows', path: write('tiny.csv', 100, 8), shardRows: 1000 },
      { label: 'throughput: 200 000 rows in 1000-row shards', path: write('many.csv', 200_000, 8), shardRows: 1000 },
    ];
    const iterations = 10;
    console.log(`\nE-steps through Redis: 3 emkit worker processes (1 thread each) on this machine, gmm diag K = 4, ${iterations} iterations (load ${load()})`);
    for (const { label, path, shardRows } of cases) {
      const { data, dataFile } = await sharedData(path, shardRows);
      const options = { k: 4, covariance: 'diag' };
      const driver = { seed: 0, tol: 0, maxIter: iterations, shardRows, restarts: 1 };
      await fitDistributed(gmmPlugin, data, options, { ...driver, maxIter: 1, redis: url, dataFile }); // warm-up: workers check the file
      let started = performance.now();
      const distributed = await fitDistributed(gmmPlugin, data, options, { ...driver, redis: url, dataFile });
      const distributedSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      const local = await fit(gmmPlugin, data, options, driver);
      const localSeconds = (performance.now() - started) / 1000;
      const eSteps = distributed.iterations + 1;
      const shards = Math.ceil(data.rows / shardRows);
      rows.push({
        case: label,
        'ms/iteration (Redis)': ((distributedSeconds / eSteps) * 1000).toFixed(1),
        'ms/iteration (in process)': ((localSeconds / eSteps) * 1000).toFixed(1),
        'overhead ms/iteration': (((distributedSeconds - localSeconds) / eSteps) * 1000).toFixed(1),
        'shards/s': ((shards * eSteps) / distributedSeconds).toFixed(0),
        'same bits': String(distributed.logLikelihood === local.logLikelihood),
      });
    }
    console.table(rows);
    console.log(`(load ${load()})`);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    redis.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * BENCH_SCALING=1: per-iteration time through Redis for N rows × W worker processes (1 thread
 * each), the numbers behind docs/scaling-out.md. W workers are started for each W in turn.
 */
async function scalingSweep() {
  if (process.env.BENCH_SCALING !== '1') return;
  const server = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync);
  if (!server) throw new Error('BENCH_SCALING needs redis-server');
  const temp = mkdtempSync(join(tmpdir(), 'emkit-bench-sweep-'));
  const port = await freePort();
  const redis = await startProcess(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', temp], 'Ready to accept connections');
  const url = `redis://127.0.0.1:${port}`;
  const cli = join(root, 'apps/cli/dist/bin.js');
  const sizes = (process.env.BENCH_SCALING_N ?? '50000,200000').split(',').map(Number);
  const counts = (process.env.BENCH_SCALING_W ?? '1,2,3').split(',').map(Number);
  const files = sizes.map((n) => writeBlobsCsv(temp, `n${n}.csv`, n, 8, 5));
  const table = [];
  try {
    for (const w of counts) {
      const workers = await Promise.all(Array.from({ length: w }, () => startProcess(process.execPath, [cli, 'worker', '--redis', url, '--concurrency', '1'], 'serving queue')));
      try {
        for (const [i, n] of sizes.entries()) {
          const { data, dataFile } = await sharedData(files[i], 8192);
          const driver = { seed: 0, tol: 0, maxIter: 5, redis: url, dataFile };
          await fitDistributed(gmmPlugin, data, { k: 4, covariance: 'diag' }, { ...driver, maxIter: 1 });
          const started = performance.now();
          const r = await fitDistributed(gmmPlugin, data, { k: 4, covariance: 'diag' }, driver);
          table.push({ workers: w, rows: n, shards: Math.ceil(n / 8192), 'ms/iteration': (((performance.now() - started) / (r.iterations + 1))).toFixed(1) });
        }
      } finally {
        for (const worker of workers) worker.kill('SIGTERM');
      }
    }
    console.log(`\nper-iteration time through Redis, gmm diag K = 4, D = 8, 8192-row shards (load ${load()})`);
    console.table(table);
  } finally {
    redis.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(temp, { recursive: true, force: true });
  }
}

/** N rows × 8 columns of blobs (K = 4) written as a headed CSV file in blocks, never all in memory. */
function writeLargeCsv(path, n, seed) {
  const d = 8;
  const random = new Random(seed);
  const centres = Array.from({ length: 4 }, () => Array.from({ length: d }, () => 10 * random.nextNormal()));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${Array.from({ length: d }, (_, j) => `x${j}`).join(',')}\n`);
    const block = 100_000;
    for (let start = 0; start < n; start += block) {
      const lines = [];
      for (let i = start; i < Math.min(n, start + block); i++) {
        const c = centres[random.nextInt(4)];
        const cells = new Array(d);
        for (let j = 0; j < d; j++) cells[j] = (c[j] + random.nextNormal() * (1 + (j % 3))).toFixed(9);
        lines.push(cells.join(','));
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Runs a command under /usr/bin/time -v: its exit code, output, peak RSS (bytes) and wall seconds. */
function timed(command, args) {
  return new Promise((resolvePromise) => {
    const child = spawn('/usr/bin/time', ['-v', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.resume();
    child.on('exit', (code) => {
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
      const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
      resolvePromise({ code, stderr, rssBytes: rss ? Number(rss[1]) * 1024 : NaN, seconds });
    });
  });
}

async function outOfCoreBench() {
  if (process.env.BENCH_OUT_OF_CORE === '0') return;
  const n = Number(process.env.BENCH_OUT_OF_CORE_ROWS ?? 20_000_000);
  const iterations = Number(process.env.BENCH_OUT_OF_CORE_ITER ?? 5);
  console.log(`\nout of core: emkit fit gmm --memory ${process.env.BENCH_OUT_OF_CORE_MEMORY ?? '512MiB'} on a generated ${n.toLocaleString('en')} × 8 CSV file (load ${load()})`);
  const bin = join(root, 'apps/cli/dist/bin.js');
  if (!existsSync('/usr/bin/time')) return console.log('skipped: /usr/bin/time (GNU time) is not installed, and it measures the peak RSS');
  const expectedBytes = n * 8 * 14;
  const budget = process.env.BENCH_OUT_OF_CORE_MEMORY ?? '512MiB';
  const { bavail, bsize } = statfsSync(tmpdir());
  if (bavail * bsize < 2 * expectedBytes)
    return console.log(`skipped: ${tmpdir()} has ${(bavail * bsize / 1e9).toFixed(1)} GB free, the file needs about ${(expectedBytes / 1e9).toFixed(1)} GB (twice that is required); free space or set TMPDIR`);
  const temp = mkdtempSync(join(tmpdir(), 'emkit-bench-ooc-'));
  try {
    const path = join(temp, 'blobs.csv');
    let started = performance.now();
    writeLargeCsv(path, n, 5);
    const size = statSync(path).size;
    console.log(`generated ${(size / 1e9).toFixed(2)} GB in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const args = [bin, 'fit', 'gmm', '--data', path, '--k', '4', '--covariance', 'full', '--memory', budget, '--max-iter', String(iterations), '--workers', '2', '--quiet', '--out', join(temp, 'model.json')];
    console.log(`$ /usr/bin/time -v node ${args.map((a) => a.replace(temp, '$TMP')).join(' ')}`);
    const run = await timed(process.execPath, args);
    if (run.code !== 0) {
      console.log(`FAIL: the fit exited with code ${run.code}:\n${run.stderr.split('\n').slice(0, 20).join('\n')}`);
      process.exitCode = 1;
      return;
    }
    // The index pass, then one pass per E-step (the iterations and the final one).
    const fitted = JSON.parse(readFileSync(join(temp, 'model.json'), 'utf8'));
    const passes = fitted.iterations + 2;
    const rssMiB = run.rssBytes / 2 ** 20;
    console.log(`wall ${run.seconds.toFixed(1)} s for ${passes} passes over the file (${fitted.iterations} iterations): ${((size / 1e6) * passes / run.seconds).toFixed(0)} MB/s of CSV read and parsed`);
    console.log(`peak RSS ${rssMiB.toFixed(0)} MiB (target < 1024 MiB): ${rssMiB < 1024 ? 'PASS' : 'FAIL'} (load ${load()})`);
    if (!(rssMiB < 1024)) process.exitCode = 1;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (process.env.BENCH_ONLINE !== '0') await onlineBench();
if (process.env.BENCH_DISTRIBUTED !== '0') await distributedBench();
await scalingSweep();
await outOfCoreBench();
