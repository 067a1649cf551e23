// One HMM benchmark case in its own process. usage: node hmm-case.mjs <workers> <sequences> <steps> <iterations>
// workers 0: in-process. Baum–Welch, K = 8 states, D = 4 Gaussian (full) emissions, from a fixed start.
import { createDataset, fit as fitInProcess } from '@emkit/core';
import { hmmPlugin, sampleSequences } from '@emkit/hmm';
import { Random } from '@emkit/linalg';
import { allocateSharedValues } from '@emkit/runner';
import { fit } from '@emkit/runner/node';

const [workersArg, sequencesArg, stepsArg, iterArg] = process.argv.slice(2);
const workers = Number(workersArg);
const S = Number(sequencesArg);
const T = Number(stepsArg);
const K = 8;
const D = 4;

const random = new Random(11);
const norm = (v) => v.map((x) => x / v.reduce((a, b) => a + b, 0));
const truth = hmmPlugin.fromJSON({
  k: K,
  emission: 'gaussian',
  covariance: 'full',
  startProbabilities: norm(Array.from({ length: K }, () => 0.5 + random.next())),
  transitions: Array.from({ length: K }, (_, i) => norm(Array.from({ length: K }, (_, j) => (i === j ? 10 : 0.5 + random.next())))),
  means: Array.from({ length: K }, () => Array.from({ length: D }, () => 3 * random.nextNormal())),
  covariances: Array.from({ length: K }, () => Array.from({ length: D }, (_, r) => Array.from({ length: D }, (_, c) => (r === c ? 1 : 0.2)))),
}).params;
const drawn = sampleSequences(truth, Array.from({ length: S }, () => T), random);
// Into shared memory: the runner then never copies the data.
const values = allocateSharedValues(S * T, D);
values.set(drawn.values);
const data = createDataset(values, S * T, D, { groups: drawn.groups });
// A fixed start away from the truth: means shifted, identity covariances, uniform-ish chain.
const init = {
  startProbabilities: Array(K).fill(1 / K),
  transitions: Array.from({ length: K }, (_, i) => norm(Array.from({ length: K }, (_, j) => (i === j ? 2 : 1)))),
  means: Array.from({ length: K }, (_, j) => Array.from(truth.emission.gaussian.means.subarray(j * D, (j + 1) * D), (x) => x + 0.5)),
  covariances: Array.from({ length: K }, () => Array.from({ length: D }, (_, r) => Array.from({ length: D }, (_, c) => (r === c ? 1 : 0)))),
};
const options = { k: K, covariance: 'full', init };
const driver = { tol: 0, maxIter: Number(iterArg), seed: 1 };
const t0 = performance.now();
const result = workers === 0 ? await fitInProcess(hmmPlugin, data, options, driver) : await fit(hmmPlugin, data, options, { ...driver, workers, parallelism: 'shards' });
const seconds = (performance.now() - t0) / 1000;
// iterations E+M steps plus the final E-step.
console.log(JSON.stringify({ workers, rows: S * T, seconds, msPerIteration: (1000 * seconds) / (result.iterations + 1), iterations: result.iterations, meanLogLikelihood: result.meanLogLikelihood, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
