// pnpm bench (runner part): the worker pool against the in-process driver.
//  1. GMM full, N = 1 000 000, D = 8, K = 8, 20 iterations: in-process, 1 worker, 2 workers;
//     speed-up from 1 to 2 workers (target ≥ 1.8× on 2 cores) and peak RSS against
//     data size × 1.5 + 200 MB (the data is shared, not copied per worker). "cores used" = the
//     process's CPU time over its wall time: near 2 with 2 workers on a quiet machine; near 1
//     means the machine's other load left it one core, whatever the runner does.
//     Then 1 and 2 workers on the scalar kernels (`kernels: 'js'`), whose speed-up is the runner's
//     alone: the WebAssembly kernels' is capped by the machine (see below).
//  2. 8 restarts of K = 8 on N = 100 000: 2 workers (restarts run concurrently) against sequential.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const N = Number(process.env.BENCH_RUNNER_N ?? 1_000_000);
const ITER = 20;

function run(...args) {
  return runWith({}, ...args);
}

/** A case with extra environment (BENCH_RUNNER_KERNELS=js: the scalar kernels). */
function runWith(env, ...args) {
  const out = execFileSync(process.execPath, [`${here}/runner-case.mjs`, ...args.map(String)], { encoding: 'utf8', env: { ...process.env, ...env } });
  return JSON.parse(out.trim().split('\n').pop());
}

const inProcess = run('in-process', 0, N, ITER);
const one = run('workers', 1, N, ITER);
const two = run('workers', 2, N, ITER);
const limit = inProcess.dataMiB * 1.5 + 200 / 1.048576;
console.log(`\nrunner bench: GMM full, N=${N} D=8 K=8, ${ITER} iterations (data ${inProcess.dataMiB.toFixed(0)} MiB)`);
console.log(`load average (1/5/15 min): ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores: above about 1, 2 workers cannot both have a core, and the speed-up says more about the load than about emkit)`);
console.log('case          seconds   CPU s  cores used   peak RSS MiB   same result as in-process');
for (const r of [inProcess, one, two])
  console.log(
    `${(r.mode === 'in-process' ? 'in-process' : `${r.workers} worker${r.workers > 1 ? 's' : ''}`).padEnd(12)} ${r.seconds.toFixed(2).padStart(8)} ${r.cpuSeconds.toFixed(2).padStart(7)} ${(r.cpuSeconds / r.seconds).toFixed(2).padStart(11)}   ${r.peakRssMiB.toFixed(0).padStart(12)}   ${r.meanLogLikelihood === inProcess.meanLogLikelihood ? 'yes (bit-identical log-likelihood)' : 'NO'}`,
  );
console.log(`speed-up 1 → 2 workers: ${(one.seconds / two.seconds).toFixed(2)}× (target ≥ 1.8×)`);
console.log(`peak RSS with 2 workers: ${two.peakRssMiB.toFixed(0)} MiB (limit data×1.5 + 200 MB = ${limit.toFixed(0)} MiB) ${two.peakRssMiB <= limit ? 'OK' : 'OVER'}`);
// The same fit on the scalar kernels (unless those were the kernels above): what the runner's
// sharding gives when the kernels are not SIMD-bound. Two SIMD-heavy threads on this kind of VM
// each run 20–30 % slower than one alone (two scalar ones 5–10 %), and the serial part (init,
// pool start, M-steps) weighs more beside faster kernels, so the WebAssembly speed-up is lower.
if (process.env.BENCH_RUNNER_KERNELS !== 'js') {
  const js = { BENCH_RUNNER_KERNELS: 'js' };
  const oneJs = runWith(js, 'workers', 1, N, ITER);
  const twoJs = runWith(js, 'workers', 2, N, ITER);
  console.log(
    `scalar kernels (BENCH_RUNNER_KERNELS=js): 1 worker ${oneJs.seconds.toFixed(2)} s, 2 workers ${twoJs.seconds.toFixed(2)} s (cores used ${(twoJs.cpuSeconds / twoJs.seconds).toFixed(2)}) → ${(oneJs.seconds / twoJs.seconds).toFixed(2)}× (target ≥ 1.8×)`,
  );
}

const seq = run('in-process', 0, 100_000, 300, 8);
const par = run('workers', 2, 100_000, 300, 8);
console.log(`\n8 restarts, K=8, N=100000 (tol 1e-3): sequential ${seq.seconds.toFixed(2)} s, 2 workers ${par.seconds.toFixed(2)} s → ${(seq.seconds / par.seconds).toFixed(2)}×; same winner: ${seq.meanLogLikelihood === par.meanLogLikelihood ? 'yes' : 'NO'}`);
