// pnpm bench (mixture part): the mixture helper in core (packages/core/src/mixture.ts) against
// each plugin's own loops before it. One E-step over all rows and scoreSamples for gmm (K = 5,
// D = 8: full and diag on the TypeScript row kernels, full on the default WebAssembly kernels)
// and bernoulli (K = 8, D = 32: TypeScript and WebAssembly), median CPU time of several calls, each case
// in its own process; cases of this checkout and of a baseline alternate, on the same data.
// The baseline is another built checkout: BENCH_MIXTURE_BASELINE=/path/to/checkout (for example
// `git worktree add /tmp/before <rev>`, then pnpm install and pnpm build there). Without one,
// this checkout alone is timed. The check column must agree: same bits, not only same speed.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const current = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const baseline = process.env.BENCH_MIXTURE_BASELINE ?? null;
const N = Number(process.env.BENCH_MIXTURE_ROWS ?? 100_000);
const REPS = Number(process.env.BENCH_MIXTURE_REPS ?? 7);
const ROUNDS = Number(process.env.BENCH_MIXTURE_ROUNDS ?? 3);

const cases = [
  { name: 'gmm full, js kernels', plugin: 'gmm', cols: 8, options: { k: 5, covariance: 'full', kernels: 'js' } },
  { name: 'gmm diag, js kernels', plugin: 'gmm', cols: 8, options: { k: 5, covariance: 'diag', kernels: 'js' } },
  { name: 'gmm full, wasm (default)', plugin: 'gmm', cols: 8, options: { k: 5, covariance: 'full' } },
  { name: 'bernoulli, js kernels', plugin: 'bernoulli', cols: 32, options: { k: 8, kernels: 'js' } },
  { name: 'bernoulli, wasm (default)', plugin: 'bernoulli', cols: 32, options: { k: 8 } },
];

const only = process.env.BENCH_MIXTURE_ONLY ?? '';

function run(root, c) {
  const out = execFileSync(process.execPath, [`${here}/mixture-case.mjs`, root, c.plugin, JSON.stringify(c.options), N, c.cols, REPS].map(String), { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`\nMixture helper bench: one E-step and scoreSamples over ${N} rows, median of ${REPS} calls × ${ROUNDS} processes${baseline ? `; baseline ${baseline}` : ''}`);
console.log(`case                         ${baseline ? 'E-step ms before → after   scoreSamples ms before → after   same bits' : 'E-step ms   scoreSamples ms'}`);
for (const c of cases.filter((x) => x.name.includes(only))) {
  const now = [];
  const before = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (baseline) before.push(run(baseline, c));
    now.push(run(current, c));
  }
  const e = median(now.map((x) => x.eStepMs));
  const s = median(now.map((x) => x.scoreSamplesMs));
  if (!baseline) {
    console.log(`${c.name.padEnd(28)} ${e.toFixed(1).padStart(9)}   ${s.toFixed(1).padStart(15)}`);
    continue;
  }
  const eb = median(before.map((x) => x.eStepMs));
  const sb = median(before.map((x) => x.scoreSamplesMs));
  const same = now.every((x) => Object.is(x.check, before[0].check));
  console.log(`${c.name.padEnd(28)} ${eb.toFixed(1).padStart(9)} → ${e.toFixed(1).padEnd(12)} ${sb.toFixed(1).padStart(13)} → ${s.toFixed(1).padEnd(17)} ${same ? 'yes' : 'NO'}`);
}
