// pnpm bench: the matrix of issue 13 — milliseconds per EM iteration at N = 100 000 for every
// case of matrix-cases.mjs (gmm full/tied/diag/spherical and k-means at D×K 8×8 and 32×16), for
// emkit's js and wasm kernels on 1 and 2 workers, beside scikit-learn 1.2 (Debian's
// python3-sklearn, the faster of 1 or 2 BLAS threads; the column is skipped when it is missing).
//
// Time per iteration is marginal, over iterations 2–21 of a fit from the same initial parameters
// (emkit's init computed once, given to both), each fit in its own process: emkit's is timed
// inside a 21-iteration fit, from the end of its first iteration to the end of its last (the
// driver reports each); scikit-learn's, which reports none, is (time of 21 iterations − time of
// 1) / 20, both fits in one process after a throwaway warm-up fit. Start-up, pool creation and
// initialisation stay out either way (between whole emkit processes they vary by more than 20
// iterations of an 8×8 case take). The peer's final mean log-likelihood must
// match emkit's within 1e-6 relative ("same"). Each figure is also shown as a multiple of this
// machine's floor: 2 × the case's multiply-adds per iteration at numpy's measured dgemm rate
// (1 thread for 1 worker and for the peer's best, 2 threads for 2 workers).
//
// Environment: BENCH_MATRIX (comma-separated substrings of case ids, e.g. "gmm full,kmeans 32"),
// BENCH_MATRIX_N (rows, default 100 000), BENCH_MATRIX_REPEATS (default 1: the least of that
// many runs per cell, emkit and scikit-learn alike — other work only ever adds time),
// BENCH_MATRIX_COLUMNS (default "js:1,js:2,wasm:1,wasm:2"), BENCH_SKLEARN=0 (skip the peer).
// scikit-learn runs per row, right after emkit's cells, so a ratio's two sides share the load;
// each row also prints the 1-minute load average. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the peer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDataset } from '@emkit/core';
import { gmmPlugin } from '@emkit/gmm';
import { Random } from '@emkit/linalg';
import { blobs, overlappingClusters } from './clusters.mjs';
import { CASES, dataName } from './matrix-cases.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const N = Number(process.env.BENCH_MATRIX_N ?? 100_000);
const SHORT = 1;
const LONG = 21;
const REPEATS = Math.max(1, Number(process.env.BENCH_MATRIX_REPEATS ?? 1));
const filters = process.env.BENCH_MATRIX ? process.env.BENCH_MATRIX.split(',').map((s) => s.trim()) : null;
const cases = CASES.filter((c) => !filters || filters.some((f) => c.id.includes(f)));
if (cases.length === 0) throw new Error(`BENCH_MATRIX: no case matches; known: ${CASES.map((c) => c.id).join(', ')}`);
const columns = (process.env.BENCH_MATRIX_COLUMNS ?? 'js:1,js:2,wasm:1,wasm:2').split(',').map((s) => {
  const [kernels, workers] = s.trim().split(':');
  return { kernels, workers: Number(workers), label: `${kernels} ${workers}w` };
});

const dir = mkdtempSync(join(tmpdir(), 'emkit-matrix-'));
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

// Data per D and kind (generated with the largest K's centres) and the shared start per case.
const datasets = new Map();
for (const spec of cases) {
  const name = dataName(spec);
  if (!datasets.has(name)) {
    const values = (spec.data === 'overlapping' ? overlappingClusters : blobs)(N, spec.d, 16, 42 + spec.d);
    datasets.set(name, values);
    writeFileSync(join(dir, `data-${name}.f64`), Buffer.from(values.buffer));
    writeFileSync(join(dir, `data-${name}.json`), JSON.stringify({ n: N, d: spec.d }));
  }
  const values = datasets.get(name);
  // K rows spread through the data as the starting centres.
  const centers = Array.from({ length: spec.k }, (_, j) => Array.from(values.subarray(((j * 997) % N) * spec.d, (((j * 997) % N) + 1) * spec.d)));
  let start = { centers };
  if (spec.model === 'gmm') {
    // emkit's init from those means (one M-step on their hard assignment), given to both sides whole.
    const options = gmmPlugin.parseOptions({ k: spec.k, covariance: spec.peer.covariance, init: { means: centers }, kernels: 'js' });
    const params = gmmPlugin.init(createDataset(values, N, spec.d), options, new Random(0));
    const json = gmmPlugin.toJSON(params, options);
    start = { weights: json.weights, means: json.means, covariances: json.covariances };
  }
  writeFileSync(join(dir, `start-${spec.model}-${spec.d}-${spec.k}-${spec.peer.covariance ?? 'none'}.json`), JSON.stringify(start));
}

/**
 * emkit's ms per iteration on one cell: the least over REPEATS fits of LONG iterations (other work
 * on the machine only ever adds time) of the time from the end of iteration SHORT to the end of
 * the last, per iteration — timed inside the fit, so the pool's start-up and init, whose noise
 * between processes is larger than 20 iterations of a small case, stay out.
 */
function emkitCell(spec, column) {
  let best = Infinity;
  let last;
  for (let r = 0; r < REPEATS; r++) {
    const out = execFileSync(process.execPath, [join(here, 'matrix-case.mjs'), dir, spec.id, column.kernels, String(column.workers), String(LONG)], { encoding: 'utf8' });
    last = JSON.parse(out.trim().split('\n').pop());
    best = Math.min(best, last.msIterations / last.timedIterations);
  }
  return { ...last, ms: best };
}

// The peer: one process per case, thread count and repeat, run right after emkit's cells of that
// case, so that both sides of a ratio are measured under the same load.
const peerEnv = { ...process.env };
delete peerEnv.OPENBLAS_CORETYPE;
delete peerEnv.OPENBLAS_L2_SIZE;
let peerNote = process.env.BENCH_SKLEARN === '0' ? 'skipped (BENCH_SKLEARN=0)' : '';
/** scikit-learn's best of 1 and 2 threads on one case (least marginal time of REPEATS runs), or null. */
function peerCase(spec) {
  if (peerNote) return null;
  const casesFile = join(dir, 'case.json');
  writeFileSync(casesFile, JSON.stringify([{ id: spec.id, model: spec.model, d: spec.d, k: spec.k, peer: spec.peer, data: dataName(spec) }]));
  let best = null;
  try {
    for (const threads of [1, 2])
      for (let r = 0; r < REPEATS; r++) {
        const out = JSON.parse(execFileSync('/usr/bin/python3', [join(here, 'matrix-peer.py'), dir, casesFile, String(threads), String(SHORT), String(LONG)], { encoding: 'utf8', env: peerEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
        dgemm[threads - 1] = Math.max(dgemm[threads - 1] ?? 0, out.dgemmGflops);
        const run = out[spec.id];
        const ms = (run[`ms${LONG}`] - run[`ms${SHORT}`]) / (LONG - SHORT);
        if (!best || ms < best.ms) best = { ms, threads, score: run.score, iterations: run.iterations };
      }
  } catch (error) {
    peerNote = `n/a (${String(error.message ?? error).split('\n')[0].slice(0, 120)}; apt-get install python3-sklearn)`;
    return null;
  }
  return best;
}
/** numpy's dgemm GFLOP/s on 1 and 2 threads, the best seen so far. */
const dgemm = [];

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
console.log(
  `\nemkit bench matrix: N=${N}, ms per iteration over iterations ${SHORT + 1}–${LONG}: emkit's timed inside a fit of ${LONG} iterations (from the end of iteration ${SHORT} to the end of the last), scikit-learn's = (time of a ${LONG}-iteration fit − time of a ${SHORT}-iteration fit) / ${LONG - SHORT} after a warm-up fit; each fit in its own process (node ${process.version}), least of ${REPEATS}`,
);
console.log(`load average (1/5/15 min) at the start: ${load()} (2 cores; a busy machine makes every figure pessimistic; scikit-learn runs right after emkit on each row)`);
console.log(`floor: 2 × multiply-adds per iteration at numpy's dgemm rate (the best measured on 1 and on 2 threads, shown at the end); "(3.1×)" = 3.1 × the floor`);
const width = 17;
console.log(['case'.padEnd(20), ...columns.map((c) => c.label.padStart(width)), 'scikit-learn'.padStart(width + 6), `${columns.at(-1).label} ÷ sk`.padStart(13), 'same result'.padStart(12), 'load (1 min)'.padStart(13)].join(' '));
// Each row is printed as soon as it is measured.
for (const spec of cases) {
  const cells = columns.map((column) => {
    const long = emkitCell(spec, column);
    return { column, ms: long.ms, meanLogLikelihood: long.meanLogLikelihood, iterations: long.iterations };
  });
  const best = peerCase(spec);
  const flops = 2 * spec.madds(N, spec.d, spec.k);
  const floor = (threads) => (dgemm[threads > 1 ? 1 : 0] ? (flops / (dgemm[threads > 1 ? 1 : 0] * 1e9)) * 1000 : null);
  const cell = (ms, threads) => `${fmt(ms)}${floor(threads) ? ` (${(ms / floor(threads)).toFixed(1)}×)` : ''}`;
  const last = cells.at(-1);
  let same = '';
  if (best && spec.peer.kind === 'gmm') same = Math.abs(last.meanLogLikelihood - best.score) <= 1e-6 * Math.abs(best.score) ? 'yes' : `NO (${last.meanLogLikelihood} vs ${best.score})`;
  else if (best) same = `iters ${last.iterations}/${best.iterations}`;
  console.log(
    [
      spec.id.padEnd(20),
      ...cells.map((c) => cell(c.ms, c.column.workers).padStart(width)),
      (best ? `${cell(best.ms, best.threads)} ${best.threads}t` : peerNote.slice(0, width + 6)).padStart(width + 6),
      (best ? (last.ms / best.ms).toFixed(2) : '').padStart(13),
      same.padStart(12),
      load().split(' ')[0].padStart(13),
    ].join(' '),
  );
}
if (dgemm.length) console.log(`dgemm: ${dgemm.map((g) => g.toFixed(1)).join(' GFLOP/s on 1 thread, ')} on 2`);
console.log(`load average at the end: ${load()}`);
rmSync(dir, { recursive: true, force: true });
