import type { Dataset, FitResult, ModelPlugin } from '@emkit/core';
import { fitWithPool, type RunnerOptions } from '../fit.js';
import { NodeWorkerPool, defaultWorkerCount } from './pool.js';

export { NodeWorkerPool, defaultWorkerCount } from './pool.js';
export { resolvePluginSpecifier } from './resolve.js';
export { loadPlugin } from '../handlers.js';

/**
 * Fits on worker threads (piscina): `workers` threads (default: the machine's cores) share the
 * data through a SharedArrayBuffer; each E-step is split into fixed-size shards merged in
 * order, or whole restarts run concurrently. The pool is closed when the fit ends.
 */
export function fit<P, O, I>(plugin: ModelPlugin<P, O, I>, data: Dataset, rawOptions: NoInfer<I>, options: RunnerOptions = {}): Promise<FitResult<P, O>> {
  return fitWithPool(plugin, data, rawOptions, options, (n) => new NodeWorkerPool(n), defaultWorkerCount());
}
