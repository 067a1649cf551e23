import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedis, startRedis } from '../../../tools/test-support/redis.js';
import { bin, cliDir, emkit, repoRoot } from './test-support/run.js';

/*
 * Distributed fits with real parts: a redis-server on a loopback port, three `emkit worker`
 * processes, and `emkit fit --redis` as the coordinator. Each result is compared with the local
 * fit of the same command, bit for bit (the model files are byte-identical).
 */

const temp = mkdtempSync(join(tmpdir(), 'emkit-distributed-'));
let redis: TestRedis;
const workers: Worker[] = [];

interface Worker {
  readonly child: ChildProcess;
  log: string;
  /** Resolves once the worker has logged `count` computed shards. */
  shardsDone(count: number): Promise<void>;
}

/** Starts `emkit [plugin flags] worker --redis url … [flags]` and resolves once it serves its queue. */
function startWorker(url: string, { plugin = [], flags = [], env = process.env }: { plugin?: readonly string[]; flags?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Worker> {
  const args = [bin, ...plugin, 'worker', '--redis', url, '--concurrency', '1', '--lock-duration', '2000', '--verbose', ...flags];
  const child = spawn(process.execPath, args, { cwd: cliDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const worker: Worker = {
    child,
    log: '',
    shardsDone: (count) =>
      new Promise((resolve) => {
        const check = () => {
          if ((worker.log.match(/ rows in /g) ?? []).length >= count) resolve();
        };
        child.stderr?.on('data', check);
        check();
      }),
  };
  child.stderr?.on('data', (d: Buffer) => (worker.log += d.toString()));
  workers.push(worker);
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', () => worker.log.includes('serving queue') && resolve(worker));
    child.once('exit', (code) => reject(new Error(`emkit worker exited with ${code}: ${worker.log}`)));
  });
}

function stopWorker(worker: Worker): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    worker.child.once('exit', () => resolve());
    worker.child.kill('SIGTERM');
  });
}

/** Rows of three well-separated 4-D clusters, deterministic. */
function writeData(path: string, rows: number): void {
  let state = 987654321;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = ['a,b,c,d'];
  for (let i = 0; i < rows; i++) {
    const c = i % 3;
    lines.push([c * 5 + next(), -c * 3 + next() * 2, next() + c * c, next() * 3 - c].map((x) => x.toFixed(6)).join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

let small: string;
let large: string;
beforeAll(async () => {
  redis = await startRedis();
  small = join(temp, 'small.csv');
  large = join(temp, 'large.csv');
  writeData(small, 30_000);
  writeData(large, 120_000);
  await Promise.all([0, 1, 2].map(() => startWorker(redis.url)));
});

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
  rmSync(temp, { recursive: true, force: true });
});

function localFit(args: readonly string[], out: string) {
  return emkit([...args, '--workers', '0', '--out', out]);
}

describe('emkit fit --redis through 3 emkit worker processes', () => {
  it('equals the local fit bit for bit (model files byte-identical), restarts included', async () => {
    const args = ['fit', 'gmm', '--data', small, '--k', '3', '--covariance', 'full', '--restarts', '2', '--seed', '7'];
    const [distributed, local] = await Promise.all([emkit([...args, '--redis', redis.url, '--out', join(temp, 'd.json')]), localFit(args, join(temp, 'l.json'))]);
    expect(distributed.code, distributed.stderr).toBe(0);
    expect(local.code, local.stderr).toBe(0);
    expect(readFileSync(join(temp, 'd.json'), 'utf8')).toBe(readFileSync(join(temp, 'l.json'), 'utf8'));
    expect(distributed.stderr).toMatch(/distributed run +gmm-[0-9a-f]{16} \(through Redis\)/);
    // Every worker took shards (4 shards per E-step, one thread each).
    for (const w of workers.slice(0, 3)) expect(w.log).toMatch(/ rows in /);
  });

  it('k-means and factor analysis too', async () => {
    for (const args of [
      ['fit', 'kmeans', '--data', small, '--k', '4', '--seed', '3'],
      ['fit', 'factor-analysis', '--data', small, '--factors', '2', '--seed', '1', '--max-iter', '20'],
    ]) {
      const name = args[1];
      const distributed = await emkit([...args, '--redis', redis.url, '--out', join(temp, `${name}-d.json`)]);
      expect(distributed.code, distributed.stderr).toBe(0);
      expect((await localFit(args, join(temp, `${name}-l.json`))).code).toBe(0);
      expect(readFileSync(join(temp, `${name}-d.json`), 'utf8')).toBe(readFileSync(join(temp, `${name}-l.json`), 'utf8'));
    }
  });
});

describe('emkit fit --redis with column selection, --standardize and out of core', () => {
  it('workers read their shards with the index of the file: equal to the local fit in memory and out of core', async () => {
    const args = ['fit', 'gmm', '--data', small, '--columns', 'd,a,b', '--standardize', '--k', '3', '--seed', '5', '--init-sample', '2000'];
    const local = await localFit(args, join(temp, 'std-l.json'));
    expect(local.code, local.stderr).toBe(0);
    for (const [name, extra] of [
      ['std-d.json', []],
      ['std-ooc-d.json', ['--memory', '1KiB']],
    ] as const) {
      const distributed = await emkit([...args, ...extra, '--redis', redis.url, '--out', join(temp, name)]);
      expect(distributed.code, distributed.stderr).toBe(0);
      expect(readFileSync(join(temp, name), 'utf8'), name).toBe(readFileSync(join(temp, 'std-l.json'), 'utf8'));
    }
  });
});

describe('faults', () => {
  it('a worker SIGKILLed mid-shard: its shard is re-queued by stalled-job detection and the result is the same', async () => {
    const args = ['fit', 'gmm', '--data', large, '--k', '4', '--covariance', 'full', '--tol', '0', '--max-iter', '4', '--seed', '2'];
    const victim = await startWorker(redis.url);
    const fit = emkit([...args, '--redis', redis.url, '--out', join(temp, 'kill-d.json')]);
    // A worker that has just finished a shard holds its next one (BullMQ fetches it in the same call).
    await victim.shardsDone(2);
    victim.child.kill('SIGKILL');
    const [distributed, local] = await Promise.all([fit, localFit(args, join(temp, 'kill-l.json'))]);
    expect(distributed.code, distributed.stderr).toBe(0);
    expect(local.code, local.stderr).toBe(0);
    expect(readFileSync(join(temp, 'kill-d.json'), 'utf8')).toBe(readFileSync(join(temp, 'kill-l.json'), 'utf8'));
    // Another worker picked the dead worker's shard up after its lock expired.
    expect(workers.map((w) => w.log).join('')).toMatch(/stalled|rows in/);
  });

  it('--resume after the coordinator is SIGKILLed continues from the checkpointed iterations and reaches the same result', async () => {
    const args = ['fit', 'gmm', '--data', large, '--k', '3', '--covariance', 'diag', '--tol', '0', '--max-iter', '8', '--seed', '5'];
    const out = join(temp, 'resume-d.json');
    const coordinator = spawn(process.execPath, [bin, ...args, '--redis', redis.url, '--out', out], { cwd: repoRoot, stdio: 'ignore' });
    const exited = new Promise((resolve) => coordinator.once('exit', resolve));
    // Wait for two checkpointed iterations, then kill the coordinator.
    const deadline = Date.now() + 60_000;
    while (checkpoints() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    coordinator.kill('SIGKILL');
    await exited;
    expect(checkpoints()).toBeGreaterThanOrEqual(2);
    const resumed = await emkit([...args, '--redis', redis.url, '--resume', '--out', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const taken = Number(/(\d+) E-step\(s\) taken from Redis checkpoints/.exec(resumed.stderr)?.[1]);
    expect(taken).toBeGreaterThanOrEqual(2);
    expect((await localFit(args, join(temp, 'resume-l.json'))).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(temp, 'resume-l.json'), 'utf8'));
  });

  it('a job naming a plugin the workers do not have is refused; a worker started with that plugin runs it', async () => {
    const counts = join(temp, 'counts.csv');
    writeFileSync(counts, `x,y\n${Array.from({ length: 3000 }, (_, i) => `${(i % 3) * 4 + (i % 5)},${i % 7}`).join('\n')}\n`);
    const plugin = ['--plugin', './src/test-support/worker-only-plugin.mjs'];
    const args = [...plugin, 'fit', 'worker-only-poisson', '--data', counts, '--k', '2', '--redis', redis.url, '--queue', 'plugins', '--worker-timeout', '20'];
    const refusing = await startWorker(redis.url, { flags: ['--queue', 'plugins'] });
    const refused = await emkit(args, { cwd: cliDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/refused or failed shard 0 .*unknown plugin "worker-only-poisson": this worker has gmm, kmeans/);
    await stopWorker(refusing);
    const capable = await startWorker(redis.url, { plugin, flags: ['--queue', 'plugins'] });
    const ok = await emkit(args, { cwd: cliDir });
    expect(ok.code, ok.stderr).toBe(0);
    await stopWorker(capable);
  });

  // A hang fails by the test's timeout (no wall-clock assert: timings live in pnpm bench).
  it('no worker: a clear message after --worker-timeout', { timeout: 20_000 }, async () => {
    const run = await emkit(['fit', 'gmm', '--data', small, '--k', '2', '--redis', redis.url, '--queue', 'nobody', '--worker-timeout', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^emkit: error: no emkit worker took shard jobs on redis:\/\/127\.0\.0\.1:\d+ \(queue nobody\) within 1 s; start workers with `emkit worker --redis/m);
  });

  it('Redis unreachable: a clear error at once, not a hang', async () => {
    const run = await emkit(['fit', 'gmm', '--data', small, '--k', '2', '--redis', 'redis://127.0.0.1:1']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^emkit: error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connection refused/);
    const worker = await emkit(['worker', '--redis', 'redis://user:secret@127.0.0.1:1']);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1/);
    expect(worker.stderr).not.toMatch(/secret/);
  });

  it('rediss:// (TLS): a worker and a fit that trust the server\'s certificate work; one that does not is told why', async () => {
    const secure = await startRedis({ tls: true });
    const trusted = { ...process.env, NODE_EXTRA_CA_CERTS: secure.caFile! };
    const worker = await startWorker(secure.url, { env: trusted });
    try {
      const ok = await emkit(['fit', 'gmm', '--data', small, '--k', '2', '--redis', secure.url, '--out', join(temp, 'tls-d.json')], { env: trusted });
      expect(ok.code, ok.stderr).toBe(0);
      expect((await localFit(['fit', 'gmm', '--data', small, '--k', '2'], join(temp, 'tls-l.json'))).code).toBe(0);
      expect(readFileSync(join(temp, 'tls-d.json'), 'utf8')).toBe(readFileSync(join(temp, 'tls-l.json'), 'utf8'));
      const untrusted = await emkit(['fit', 'gmm', '--data', small, '--k', '2', '--redis', secure.url]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toMatch(/cannot reach Redis at rediss:\/\/localhost:\d+: self-signed certificate .*NODE_EXTRA_CA_CERTS/);
      const plain = await emkit(['fit', 'gmm', '--data', small, '--k', '2', '--redis', secure.url.replace('rediss:', 'redis:')]);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/a TLS port\? then use rediss:\/\//);
    } finally {
      await stopWorker(worker);
      await secure.stop();
    }
  });

  it('Redis killed mid-fit: the coordinator stops with a clear error, not a hang', async () => {
    const own = await startRedis();
    const helper = await startWorker(own.url);
    const fit = emkit(['fit', 'gmm', '--data', large, '--k', '4', '--tol', '0', '--max-iter', '1000', '--redis', own.url]);
    await helper.shardsDone(3);
    await own.kill();
    const run = await fit;
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^emkit: error: .*(lost the connection to Redis|vanished from Redis|cannot reach Redis)/);
    helper.child.kill('SIGKILL');
  });
});

function checkpoints(): number {
  const keys = execFileSync('redis-cli', ['-p', String(redis.port), '--scan', '--pattern', 'emkit:*:merged'], { encoding: 'utf8' });
  return keys.split('\n').filter(Boolean).length;
}
