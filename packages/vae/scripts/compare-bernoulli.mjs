#!/usr/bin/env node
// Held-out comparison on bernoulli20 (500 × 20 binary rows): the VAE's IWAE estimate of
// log p(x) against the 3-component Bernoulli mixture's exact log-likelihood, both fitted on the
// first 400 rows and scored on the last 100 (mean per row, nats).
//
//   pnpm --filter @emkit/vae exec tsc --build   # or: npx tsc --build in packages/vae
//   node packages/vae/scripts/compare-bernoulli.mjs [--epochs 200] [--hidden 64] [--latent 2]
//        [--learning-rate 0.001] [--batch-size 64] [--seeds 0,1,2] [--held-out 100] [--k 64,1000]
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDataset, fit } from '@emkit/core';
import { bernoulliPlugin } from '@emkit/bernoulli';
import { importanceWeightedLogLikelihood, vaePlugin } from '@emkit/vae';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '200' },
    hidden: { type: 'string', default: '64' },
    latent: { type: 'string', default: '2' },
    'learning-rate': { type: 'string', default: '0.001' },
    'batch-size': { type: 'string', default: '64' },
    seeds: { type: 'string', default: '0,1,2' },
    'held-out': { type: 'string', default: '100' },
    k: { type: 'string', default: '64,1000' },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const csv = resolve(here, '../../../../shared/fixtures/datasets/bernoulli20.csv');
const rows = readFileSync(csv, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',').map(Number));
const d = rows[0].length;
const toDataset = (part) => {
  const values = new Float64Array(part.length * d);
  part.forEach((r, i) => values.set(r, i * d));
  return createDataset(values, part.length, d);
};
const heldOutRows = Number(args['held-out']);
const train = toDataset(rows.slice(0, rows.length - heldOutRows));
const test = toDataset(rows.slice(rows.length - heldOutRows));
const mean = (xs) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
const ks = args.k.split(',').map(Number);
const seeds = args.seeds.split(',').map(Number);

console.log(`bernoulli20: ${train.rows} training rows, ${test.rows} held-out rows, ${d} columns; mean log p(x) per row, nats`);

const mixture = await fit(bernoulliPlugin, train, { k: 3 }, { seed: 0, restarts: 10, tol: 1e-10 });
const mixtureTrain = mean(bernoulliPlugin.scoreSamples(mixture.params, train));
const mixtureTest = mean(bernoulliPlugin.scoreSamples(mixture.params, test));
console.log(`Bernoulli mixture, K = 3 (62 parameters; 10 restarts): train ${mixtureTrain.toFixed(4)}  held-out ${mixtureTest.toFixed(4)}`);

const options = {
  latent: Number(args.latent),
  hidden: args.hidden,
  epochs: Number(args.epochs),
  batchSize: Number(args['batch-size']),
  learningRate: Number(args['learning-rate']),
};
console.log(`VAE ${JSON.stringify(options)}`);
const summary = ks.map(() => []);
for (const seed of seeds) {
  const started = performance.now();
  const result = await fit(vaePlugin, train, options, { seed });
  const seconds = (performance.now() - started) / 1000;
  const line = [`  seed ${seed}: ${result.iterations} steps in ${seconds.toFixed(1)} s, ${result.parameterCount} weights; final-epoch ELBO ${result.params.epochElbo.at(-1).toFixed(4)}`];
  ks.forEach((k, i) => {
    const trainScore = mean(importanceWeightedLogLikelihood(result.params, train, { samples: k }));
    const testScore = mean(importanceWeightedLogLikelihood(result.params, test, { samples: k }));
    summary[i].push(testScore);
    line.push(`IWAE k=${k}: train ${trainScore.toFixed(4)} held-out ${testScore.toFixed(4)}`);
  });
  console.log(line.join('; '));
}
ks.forEach((k, i) => console.log(`VAE held-out IWAE k=${k}, mean over seeds ${seeds.join(',')}: ${mean(summary[i]).toFixed(4)}  (mixture ${mixtureTest.toFixed(4)})`));
