import { afterEach } from 'vitest';
// The built package: its worker threads load dist/node/worker.js next to it.
import { NodeWorkerPool } from '../../dist/node/index.js';

const pools: NodeWorkerPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

/** A pool closed after the current test (importing this module registers the hook). */
export function trackedPool(n: number): NodeWorkerPool {
  const pool = new NodeWorkerPool(n);
  pools.push(pool);
  return pool;
}
