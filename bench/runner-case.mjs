// One runner benchmark case in its own process, so peak RSS belongs to that case alone.
// usage: node runner-case.mjs <in-process|workers> <workers> <n> <iterations> [restarts] [k]
import { createDataset, fit as fitInProcess } from '@emkit/core';
import { gmmPlugin } from '@emkit/gmm';
import { Random } from '@emkit/linalg';
import { allocateSharedValues } from '@emkit/runner';
import { fit } from '@emkit/runner/node';

const [mode, workersArg, nArg, iterArg, restartsArg = '1', kArg = '8'] = process.argv.slice(2);
const N = Number(nArg);
const D = 8;
const K = Number(kArg);
const workers = Number(workersArg);
const maxIter = Number(iterArg);
const restarts = Number(restartsArg);

// Generated straight into shared memory: the runner then never copies the data.
const values = allocateSharedValues(N, D);
const random = new Random(7);
const centres = Array.from({ length: K }, () => Array.from({ length: D }, () => 10 * random.nextNormal()));
for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) values[i * D + j] = centres[i % K][j] + random.nextNormal() * (1 + (j % 3));
const data = createDataset(values, N, D);

// BENCH_RUNNER_KERNELS=js: the scalar kernels (default: the plugin's, WebAssembly where available).
const kernels = process.env.BENCH_RUNNER_KERNELS ? { kernels: process.env.BENCH_RUNNER_KERNELS } : {};
const options = restarts > 1 ? { k: K, covariance: 'full', initMethod: 'random', ...kernels } : { k: K, covariance: 'full', init: { means: Array.from({ length: K }, (_, j) => Array.from(values.subarray(j * 997 * D, j * 997 * D + D))) }, ...kernels };
const driver = { tol: restarts > 1 ? 1e-3 : 0, maxIter, restarts, seed: 1 };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = mode === 'in-process' ? await fitInProcess(gmmPlugin, data, options, driver) : await fit(gmmPlugin, data, options, { ...driver, workers });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// CPU seconds of every thread of the process: cpuSeconds / seconds is how many cores it got.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const rssMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ mode, workers, n: N, seconds, cpuSeconds, iterations: result.iterations, meanLogLikelihood: result.meanLogLikelihood, peakRssMiB: rssMiB, dataMiB: (N * D * 8) / 2 ** 20 }));
