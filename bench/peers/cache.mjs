// The peers' fits for the peer benchmark, cached in bench/peers/cache/<data set>.<peer>.jsonl (committed):
// one JSON line per fit, {data, peer, settings, model, k, loglik[, reason]}, keyed by
//   data      sha256 of the data set's values (row-major float64 bytes, after the row and column counts),
//   peer      the peer's version (mclust and R, or scikit-learn and numpy),
//   settings  what the peer script fits (change it here when the script's fit changes),
//   model, k  mclust's model name (scikit-learn's covariance type for scikit-learn) and K.
// A fit is run only when no line matches its key (or with refresh); each line is appended as its fit
// ends, so a killed run loses nothing done. mclust alone takes over an hour on breast_cancer.
//
//   node bench/peers/cache.mjs [data set,...] [peer]   runs the peers' fits missing from the cache (nice it);
//   PEERS_REFRESH=1 re-runs them all; PEERS_KMAX (default 6); PEERS_MODELS=EEV,VVV just these models
//   (to run the slow ones in another process).
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = join(here, 'cache');
export const DATA_DIR = join(here, 'data');
export const ALL_DATASETS = ['diabetes', 'banknote', 'faithful', 'iris', 'wine', 'breast_cancer'];
export const MCLUST_MODELS = ['EII', 'VII', 'EEI', 'VEI', 'EVI', 'VVI', 'EEE', 'VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV', 'VVV'];
export const SKLEARN_TYPES = ['spherical', 'diag', 'tied', 'full'];

/** Each peer: how to ask its version, how to run its fits, what they are. */
export const PEERS = {
  mclust: {
    settings: 'Mclust(x, G = k, modelNames = model), defaults (hc start, emControl tolerances); loglik at its parameters',
    models: MCLUST_MODELS,
    version: ['Rscript', ['-e', 'suppressPackageStartupMessages(library(mclust)); cat(sprintf("mclust %s, %s", packageVersion("mclust"), R.version.string))']],
    fit: (csv, name, kmax, todo) => ['Rscript', [join(here, 'mclust-fits.R'), 'fit', csv, name, String(kmax), todo]],
    model: (line) => line.model,
  },
  sklearn: {
    settings: 'GaussianMixture(k, covariance_type, n_init=10, random_state=0), defaults otherwise; loglik = score(X)·N',
    models: SKLEARN_TYPES,
    version: ['/usr/bin/python3', ['-c', 'import sklearn, numpy; print(f"scikit-learn {sklearn.__version__}, numpy {numpy.__version__}", end="")']],
    fit: (csv, name, kmax, todo) => ['/usr/bin/python3', [join(here, 'sklearn_fits.py'), 'fit', csv, name, String(kmax), todo]],
    model: (line) => line.covariance,
  },
};

/** A committed data set's CSV (header, then numbers) as row-major values. */
export function readPeerData(name) {
  const lines = readFileSync(join(DATA_DIR, `${name}.csv`), 'utf8').trim().split(/\r?\n/).slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  const d = rows[0].length;
  const values = new Float64Array(rows.length * d);
  rows.forEach((r, i) => values.set(r, i * d));
  return { values, n: rows.length, d };
}

export function dataHash({ values, n, d }) {
  return createHash('sha256').update(`${n}x${d}:`).update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

/** The peer's version, or null when it is not installed. */
export async function peerVersion(peer) {
  const [command, args] = PEERS[peer].version;
  try {
    return (await promisify(execFile)(command, args, { timeout: 120_000 })).stdout.trim();
  } catch {
    return null;
  }
}

const cachePath = (name, peer) => join(CACHE_DIR, `${name}.${peer}.jsonl`);

/**
 * The cached fits of a peer on a data set matching the data hash and settings (and the version,
 * unless it is null: the peer is not installed, so any version's fits are taken), by `model:k`;
 * the last matching line wins. A torn last line (a killed run) is skipped.
 */
export function cachedFits(name, peer, hash, version) {
  const path = cachePath(name, peer);
  const fits = new Map();
  if (!existsSync(path)) return fits;
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      continue;
    }
    if (line.data !== hash || line.settings !== PEERS[peer].settings || (version !== null && line.peer !== version)) continue;
    fits.set(`${line.model}:${line.k}`, line);
  }
  return fits;
}

/**
 * Runs the peer's fits missing from the cache (all of them with refresh), appending each as it
 * ends; resolves to the cache's fits for the data set. Does nothing when the peer is missing.
 */
export async function fillCache(name, peer, { kmax = 6, refresh = false, version, models = PEERS[peer].models, log = () => {} } = {}) {
  const data = readPeerData(name);
  const hash = dataHash(data);
  const have = refresh ? new Map() : cachedFits(name, peer, hash, version);
  const todo = models.flatMap((m) => Array.from({ length: kmax }, (_, i) => `${m}:${i + 1}`)).filter((key) => !have.has(key));
  if (todo.length === 0 || version === null) return cachedFits(name, peer, hash, version);
  log(`  ${name}: running ${peer} for ${todo.length} fit(s) not in the cache`);
  mkdirSync(CACHE_DIR, { recursive: true });
  const [command, args] = PEERS[peer].fit(join(DATA_DIR, `${name}.csv`), name, kmax, todo.join(','));
  await new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const text of lines) {
        if (text.trim() === '') continue;
        const fit = JSON.parse(text);
        const entry = { data: hash, peer: version, settings: PEERS[peer].settings, model: PEERS[peer].model(fit), k: fit.k, loglik: fit.loglik, ...(fit.reason ? { reason: fit.reason } : {}) };
        appendFileSync(cachePath(name, peer), `${JSON.stringify(entry)}\n`);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${peer} on ${name} exited with ${code}: ${stderr.trim().split('\n').pop()}`))));
  });
  return cachedFits(name, peer, hash, version);
}

/** Rewrites a cache file keeping only the last line of each key (atomically). */
export function compactCache(name, peer) {
  const path = cachePath(name, peer);
  if (!existsSync(path)) return;
  const last = new Map();
  let lines = 0;
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    lines++;
    try {
      const line = JSON.parse(text);
      last.set(`${line.data}|${line.peer}|${line.settings}|${line.model}|${line.k}`, text);
    } catch {
      // a torn line from a killed run
    }
  }
  // Nothing to drop: leave the file to any run still appending to it.
  if (last.size === lines) return;
  writeFileSync(`${path}.tmp`, [...last.values()].map((t) => `${t}\n`).join(''));
  renameSync(`${path}.tmp`, path);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv[2] ? process.argv[2].split(',') : ALL_DATASETS;
  const kmax = Number(process.env.PEERS_KMAX ?? 6);
  const refresh = process.env.PEERS_REFRESH === '1';
  for (const peer of process.argv[3] ? [process.argv[3]] : Object.keys(PEERS)) {
    const version = await peerVersion(peer);
    if (version === null) {
      console.log(`${peer}: not installed; its cached fits stay as they are`);
      continue;
    }
    for (const name of names) {
      const started = performance.now();
      const models = process.env.PEERS_MODELS ? process.env.PEERS_MODELS.split(',') : PEERS[peer].models;
      const fits = await fillCache(name, peer, { kmax, refresh, version, models, log: console.log });
      compactCache(name, peer);
      console.log(`${peer} ${name}: ${fits.size} fits cached (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
}
