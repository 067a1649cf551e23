import type { Dataset, FitResult, ModelPlugin } from '@emkit/core';
import { loadWasmKernels } from '@emkit/linalg';
import { fitWithPool, type RunnerOptions } from '../fit.js';
import { BrowserWorkerPool, defaultBrowserWorkerCount } from './pool.js';

export { BrowserWorkerPool, defaultBrowserWorkerCount } from './pool.js';

export interface BrowserRunnerOptions extends RunnerOptions {
  /** URL of the bundled `@emkit/runner/browser-worker` module (needed unless `pool` is given). */
  workerUrl?: string | URL;
}

/**
 * Fits in Web Workers (comlink). With cross-origin isolation (COOP/COEP headers) the data is
 * shared; without it each shard's rows are copied to the worker. `pluginUrl` (or the plugin's
 * moduleUrl) must be a module the workers can import. The wasm kernels are compiled first
 * (asynchronously: a page's main thread may not compile them synchronously), so that the
 * M-steps on this thread use them as the workers' E-steps do.
 */
export async function fit<P, O, I>(plugin: ModelPlugin<P, O, I>, data: Dataset, rawOptions: NoInfer<I>, options: BrowserRunnerOptions = {}): Promise<FitResult<P, O>> {
  await loadWasmKernels();
  const { workerUrl, ...rest } = options;
  return fitWithPool(
    plugin,
    data,
    rawOptions,
    rest,
    (n) => {
      if (!workerUrl) throw new Error('fit in the browser needs workerUrl (the bundled @emkit/runner/browser-worker) or a pool');
      return new BrowserWorkerPool(workerUrl, n);
    },
    defaultBrowserWorkerCount(),
  );
}
