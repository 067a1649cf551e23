// Plugins that tell where their init ran, loaded by URL in worker threads by the init tests.
import { isMainThread } from 'node:worker_threads';
import { gmmPlugin } from '@emkit/gmm';

/**
 * gmm whose init first reports the thread it runs on (`main thread` or `worker`) as a progress
 * step, then gmm's own steps; the parameters are gmm's.
 */
export const whereGmm = {
  ...gmmPlugin,
  name: 'where-gmm',
  moduleUrl: import.meta.url,
  init(data, options, random, context) {
    context?.onProgress?.({ method: isMainThread ? 'main thread' : 'worker', done: 1, total: 1, unit: 'threads' });
    return gmmPlugin.init(data, options, random, context);
  },
};

/** Its init throws a plain Error (a plugin bug): in-process this is a FitError naming the plugin. */
export const initThrows = {
  ...gmmPlugin,
  name: 'init-throws',
  moduleUrl: import.meta.url,
  init() {
    throw new Error('deliberate failure in init');
  },
};

/** Its init spins until the test has aborted the fit (up to 10 s), so an abort lands during init. */
export const slowInit = {
  ...gmmPlugin,
  name: 'slow-init',
  moduleUrl: import.meta.url,
  init(data, options, random, context) {
    const until = Date.now() + 10_000;
    context?.onProgress?.({ method: 'spin', done: 0, total: 1, unit: 'spins' });
    while (Date.now() < until);
    return gmmPlugin.init(data, options, random, context);
  },
};
