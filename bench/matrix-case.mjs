// One cell of the `pnpm bench` matrix in its own process: fits one case of matrix-cases.mjs
// with the given kernels, workers and iterations from the shared start, and prints the fit's
// wall time (pool start-up included) and the time from the end of its first iteration to the end
// of its last (msIterations, over timedIterations iterations: what matrix.mjs reports).
// usage: node matrix-case.mjs <dir> <case id> <kernels> <workers> <iterations>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataset } from '@emkit/core';
import { gmmPlugin } from '@emkit/gmm';
import { kmeansPlugin } from '@emkit/kmeans';
import { allocateSharedValues } from '@emkit/runner';
import { fit } from '@emkit/runner/node';
import { CASES, dataName } from './matrix-cases.mjs';

const [dir, id, kernels, workersArg, iterArg] = process.argv.slice(2);
const spec = CASES.find((c) => c.id === id);
if (!spec) throw new Error(`unknown case ${id}`);
const plugins = { gmm: gmmPlugin, kmeans: kmeansPlugin };
const plugin = plugins[spec.model];
const { n, d } = JSON.parse(readFileSync(join(dir, `data-${dataName(spec)}.json`), 'utf8'));
const bytes = readFileSync(join(dir, `data-${dataName(spec)}.f64`));
const values = allocateSharedValues(n, d);
values.set(new Float64Array(bytes.buffer, bytes.byteOffset, n * d));
const data = createDataset(values, n, d);
const start = JSON.parse(readFileSync(join(dir, `start-${spec.model}-${spec.d}-${spec.k}-${spec.peer.covariance ?? 'none'}.json`), 'utf8'));
const options = spec.options(start, kernels);
if (!plugin.optionSpecs.some((s) => s.name === 'kernels')) delete options.kernels;
// When each iteration ended (the driver reports it on this thread): the time from the first
// iteration's end to the last's is the iterations' own, without the pool's start-up or init.
const ends = [];
const t0 = performance.now();
const result = await fit(plugin, data, options, { tol: 0, maxIter: Number(iterArg), restarts: 1, workers: Number(workersArg), onProgress: () => ends.push(performance.now()) });
const ms = performance.now() - t0;
const msIterations = ends.length > 1 ? ends.at(-1) - ends[0] : null;
console.log(JSON.stringify({ ms, msIterations, timedIterations: ends.length - 1, iterations: result.iterations, meanLogLikelihood: result.meanLogLikelihood }));
