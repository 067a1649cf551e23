// One k-means fit in its own process, for bench/kmeans.mjs: prints the fit's wall time (the
// pool's start-up included) and the time from the end of its first iteration to the end of its last.
// usage: node kmeans-case.mjs <data.f64> <init.json> <D> <iterations> <algorithm> <workers>
import { readFileSync } from 'node:fs';
import { createDataset, fit as fitInProcess } from '@emkit/core';
import { kmeansPlugin } from '@emkit/kmeans';
import { allocateSharedValues } from '@emkit/runner';
import { fit } from '@emkit/runner/node';

const [file, initFile, dArg, iterArg, algorithm, workersArg] = process.argv.slice(2);
const D = Number(dArg);
const bytes = readFileSync(file);
// Read straight into shared memory: the runner then never copies the data.
const values = allocateSharedValues(bytes.byteLength / 8 / D, D);
new Uint8Array(values.buffer).set(bytes);
const data = createDataset(values, values.length / D, D);
const centers = JSON.parse(readFileSync(initFile, 'utf8'));
const workers = Number(workersArg);
const options = { k: centers.length, init: { centers }, algorithm };
// When each iteration ended (reported by the driver on this thread): from the first's end to the
// last's is the iterations' own time, without the pool's start-up or init (as matrix-case.mjs).
const ends = [];
const driver = { tol: 0, maxIter: Number(iterArg), onProgress: () => ends.push(performance.now()) };
const t0 = performance.now();
const result = workers === 0 ? await fitInProcess(kmeansPlugin, data, options, driver) : await fit(kmeansPlugin, data, options, { ...driver, workers });
const ms = performance.now() - t0;
const msIterations = ends.length > 1 ? ends.at(-1) - ends[0] : null;
console.log(JSON.stringify({ iterations: result.iterations, inertia: -result.logLikelihood, ms, msIterations, timedIterations: ends.length - 1 }));
