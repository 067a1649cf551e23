// pnpm bench (HMM part): Baum–Welch on 1 000 sequences × 1 000 steps, K = 8, D = 4 Gaussian (full)
// emissions: milliseconds per iteration in-process and on 1 and 2 workers (shards of whole
// sequences), and pomegranate 0.14 beside it when /usr/bin/python3 has it (bench/hmm-peer.py).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const S = Number(process.env.BENCH_HMM_SEQUENCES ?? 1000);
const T = Number(process.env.BENCH_HMM_STEPS ?? 1000);
const ITER = Number(process.env.BENCH_HMM_ITERATIONS ?? 5);

function run(workers) {
  const out = execFileSync(process.execPath, [`${here}/hmm-case.mjs`, workers, S, T, ITER].map(String), { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const cases = [0, 1, 2].map(run);
console.log(`\nHMM bench: Baum–Welch, ${S} sequences × ${T} steps (${S * T} rows), K = 8, D = 4 Gaussian full, ${ITER} iterations`);
console.log('case          ms/iteration   peak RSS MiB   same result as in-process');
for (const r of cases)
  console.log(
    `${(r.workers === 0 ? 'in-process' : `${r.workers} worker${r.workers > 1 ? 's' : ''}`).padEnd(12)} ${r.msPerIteration.toFixed(0).padStart(13)}   ${r.peakRssMiB.toFixed(0).padStart(12)}   ${r.meanLogLikelihood === cases[0].meanLogLikelihood ? 'yes (bit-identical)' : 'NO'}`,
  );
console.log(`speed-up 1 → 2 workers: ${(cases[1].msPerIteration / cases[2].msPerIteration).toFixed(2)}×`);

const python = '/usr/bin/python3';
if (existsSync(python)) {
  try {
    // pomegranate takes minutes per iteration at this size: two iterations are enough to time it.
    const out = execFileSync(python, [`${here}/hmm-peer.py`, S, T, Math.min(ITER, 2)].map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const line of out.trim().split('\n')) {
      const r = JSON.parse(line);
      console.log(`${r.peer} (${r.jobs} job${r.jobs > 1 ? 's' : ''}): ${r.msPerIteration.toFixed(0)} ms/iteration`);
    }
  } catch {
    console.log('peer: pomegranate not available to /usr/bin/python3 (apt install python3-pomegranate)');
  }
}
