// The browser path in real headless Chromium (Debian's /usr/bin/chromium via playwright-core):
// comlink Web Workers with shared memory (a cross-origin-isolated page) and with copied shards
// (a page without COOP/COEP), bit for bit against core's in-process driver on the page's thread,
// and that against the same driver in Node (see expectMatchesNode).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fit as fitInProcess, type Dataset, type FitResult } from '@emkit/core';
import { gmmPlugin, type GmmParams } from '@emkit/gmm';
import { startBrowserHarness, type BrowserHarness, type FitOutcome, type FitReport, type FitRequest, type TestPage } from '../browser-test/harness.js';
import { mathProbe } from '../browser-test/math-probe.js';
import { readFixture, readFixtureDataset } from './test-support/data.js';
import { shardRuns } from './pooled-executor.js';

let harness: BrowserHarness | undefined;
let startError: unknown;
/** Arguments at which Chromium's Math.exp / Math.log round differently from this Node's. */
let mathDifferences = { exp: 0, log: 0, probed: 0 };

beforeAll(async () => {
  try {
    harness = await startBrowserHarness();
  } catch (error) {
    // Kept for every test to throw: a missing Chromium fails each test (vitest would mark them skipped).
    startError = error;
    return;
  }
  const probed = 20_000;
  const [here, there] = [mathProbe(probed), await harness.isolated.mathProbe(probed)];
  const differ = (a: number[], b: number[]) => a.filter((v, i) => !Object.is(v, b[i])).length;
  mathDifferences = { exp: differ(here.exp, there.exp), log: differ(here.log, there.log), probed };
  if (mathDifferences.exp + mathDifferences.log > 0)
    console.info(
      `Chromium ${harness.browser.version()} and Node ${process.version} round Math.exp differently at ${mathDifferences.exp} and Math.log at ${mathDifferences.log} of ${probed} arguments: ` +
        'browser fits are compared bit for bit with the in-process driver in the page, and with Node to round-off',
    );
}, 60_000);

afterEach(async () => {
  if (!harness) return;
  // Every fit closes its pool: no Web Worker may outlive it, whatever the outcome.
  await Promise.all([harness.isolated.workersGone(), harness.plain.workersGone()]);
  // Nor may a failure escape as an uncaught error or unhandled rejection.
  expect([...harness.isolated.pageErrors.splice(0), ...harness.plain.pageErrors.splice(0)]).toEqual([]);
});

afterAll(async () => {
  await harness?.close();
});

/** The running harness, or the reason it did not start. */
function browser(): BrowserHarness {
  if (!harness) throw startError instanceof Error ? startError : new Error(`the browser harness did not start: ${String(startError)}`);
  return harness;
}

/** Each double's IEEE-754 bits, so a comparison fails on any difference at all (−0, last bit). */
function bits(values: readonly number[]): string[] {
  const view = new DataView(new ArrayBuffer(8));
  return values.map((v) => {
    view.setFloat64(0, v);
    return view.getBigUint64(0).toString(16);
  });
}

/** A Node fit in the shape the page reports. */
function reportOf(result: FitResult<GmmParams>): FitReport {
  return {
    weights: Array.from(result.params.weights),
    means: Array.from(result.params.means),
    covariances: Array.from(result.params.covariances),
    meanLogLikelihood: result.meanLogLikelihood,
    logLikelihood: result.logLikelihood,
    iterations: result.iterations,
    converged: result.converged,
    history: [...result.history],
    restart: result.restart,
    restarts: result.restarts.map((r) => ({ restart: r.restart, meanLogLikelihood: r.meanLogLikelihood, iterations: r.iterations })),
  };
}

function expectSameBits(actual: FitReport, expected: FitReport): void {
  expect(bits(actual.weights)).toEqual(bits(expected.weights));
  expect(bits(actual.means)).toEqual(bits(expected.means));
  expect(bits(actual.covariances)).toEqual(bits(expected.covariances));
  expect(bits([actual.meanLogLikelihood, actual.logLikelihood])).toEqual(bits([expected.meanLogLikelihood, expected.logLikelihood]));
  expect(bits(actual.history)).toEqual(bits(expected.history));
  expect(bits(actual.restarts.map((r) => r.meanLogLikelihood))).toEqual(bits(expected.restarts.map((r) => r.meanLogLikelihood)));
  expect({ iterations: actual.iterations, converged: actual.converged, restart: actual.restart }).toEqual({
    iterations: expected.iterations,
    converged: expected.converged,
    restart: expected.restart,
  });
  expect(actual.restarts.map((r) => r.iterations)).toEqual(expected.restarts.map((r) => r.iterations));
}

/** Largest |a − b| relative to the largest |b| (so entries near zero do not dominate). */
function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  const scale = Math.max(...b.map(Math.abs), Number.MIN_VALUE);
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i]) / scale), 0);
}

/**
 * The browser's own in-process fit against Node's. Both run the same code, so they agree bit for
 * bit when the two engines' Math.exp and Math.log round alike. Chromium's V8 and Node 20's do not
 * always (V8 changed them between versions): a last-bit difference in a density then moves the
 * iterates by round-off only — the same iterations, the same winning restart, the same optimum.
 */
function expectMatchesNode(browser: FitReport, node: FitReport): void {
  if (mathDifferences.exp === 0 && mathDifferences.log === 0) return expectSameBits(browser, node);
  for (const key of ['weights', 'means', 'covariances', 'history'] as const) expect(maxRelativeDifference(browser[key], node[key]), key).toBeLessThan(1e-12);
  expect(maxRelativeDifference(browser.restarts.map((r) => r.meanLogLikelihood), node.restarts.map((r) => r.meanLogLikelihood))).toBeLessThan(1e-12);
  expect({ iterations: browser.iterations, converged: browser.converged, restart: browser.restart }).toEqual({ iterations: node.iterations, converged: node.converged, restart: node.restart });
  expect(browser.restarts.map((r) => r.iterations)).toEqual(node.restarts.map((r) => r.iterations));
}

function resultOf(outcome: FitOutcome): FitReport {
  if (!outcome.result) throw new Error(`the fit in Chromium failed: ${outcome.error?.name}: ${outcome.error?.message}`);
  return outcome.result;
}

function errorOf(outcome: FitOutcome): { name: string; message: string } {
  if (!outcome.error) throw new Error('the fit in Chromium succeeded where it should have failed');
  return outcome.error;
}

function dataOf(data: Dataset): Pick<FitRequest, 'rows' | 'cols' | 'values'> {
  return { rows: data.rows, cols: data.cols, values: Array.from(data.values) };
}

interface GmmFixture {
  dataset: string;
  k: number;
  covariance: string;
  regCovar: number;
  tol: number;
  init: unknown;
}

function fixtureFit(name: string) {
  const fx = readFixture<GmmFixture>(`${name}.json`);
  const data = readFixtureDataset(fx.dataset);
  return { data, options: { k: fx.k, covariance: fx.covariance, regCovar: fx.regCovar, regCovarScale: 'none', init: fx.init }, tol: fx.tol };
}

describe('the test pages', () => {
  it('one page is cross-origin isolated (SharedArrayBuffer), the other is not', () => {
    expect(browser().isolated.crossOriginIsolated).toBe(true);
    expect(browser().plain.crossOriginIsolated).toBe(false);
  });
});

/** Fits in Node (core's in-process driver) and in the page on its own thread (workers 0). */
async function references(page: TestPage, data: Dataset, options: unknown, driver: FitRequest['driver']): Promise<FitReport> {
  const node = reportOf(await fitInProcess(gmmPlugin, data, options, driver));
  const browser = resultOf(await page.fit({ plugin: 'gmm', ...dataOf(data), options, driver, workers: 0 }));
  expectMatchesNode(browser, node);
  return browser;
}

describe('GMM full, K = 3, from a given init: Chromium workers give the in-process result bit for bit', () => {
  // shardRows not dividing N: iris 150 = 9×16 + 6, blobs 600 = 9×64 + 24.
  for (const [name, shardRows] of [['gmm-iris-full', 16], ['gmm-blobs-full', 64]] as const) {
    const { data, options, tol } = fixtureFit(name);
    const driver = { tol, maxIter: 5000, shardRows };

    for (const label of ['isolated', 'plain'] as const) {
      it(`${name}, ${label} page: workers 1 and 2`, async () => {
        const page = label === 'isolated' ? browser().isolated : browser().plain;
        const reference = await references(page, data, options, driver);
        expect(reference.iterations).toBeGreaterThan(3);
        for (const workers of [1, 2]) {
          const outcome = await page.fit({ plugin: 'gmm', ...dataOf(data), options, driver, workers });
          expectSameBits(resultOf(outcome), reference);
          // Per E-step (the final one included): with shared data runs of consecutive shards
          // (shardRuns) holding all 10 shards, else one task per shard; the data is shared only
          // when isolated.
          const eSteps = reference.iterations + 1;
          expect(outcome.tasks).toMatchObject(
            // The init runs on a worker too when the data is shared.
            label === 'isolated' ? { eStep: 0, batch: shardRuns(10, workers).length * eSteps, batchShards: 10 * eSteps, restart: 0, init: 1 } : { eStep: 10 * eSteps, batch: 0, restart: 0, init: 0 },
          );
          expect(new Set(outcome.tasks.sharedData)).toEqual(new Set([label === 'isolated']));
        }
      });
    }
  }
});

describe('wasm kernels: Chromium gives Node\'s bits on every gmm fixture', () => {
  // exp and log live inside the module and WebAssembly arithmetic is IEEE-exact, so whatever
  // Math.exp and Math.log do in either engine, the fits agree to the last bit: in the page's
  // thread and on its Web Workers, against Node's in-process driver.
  it('the page loads the wasm kernels', async () => expect(await browser().isolated.wasmKernels()).toBeNull());
  it('workers receive the module the page compiled instead of compiling it again', async () => {
    for (const page of [browser().isolated, browser().plain]) expect(await page.workerKernelSources(2)).toEqual(['received', 'received']);
  });

  for (const covariance of ['full', 'tied', 'diag', 'spherical'])
    for (const dataset of ['iris', 'faithful', 'blobs'])
      it(`gmm-${dataset}-${covariance}: in the page and on 2 workers`, async () => {
        const { data, options, tol } = fixtureFit(`gmm-${dataset}-${covariance}`);
        const driver = { tol, maxIter: 5000, shardRows: 64 };
        const wasm = { ...options, kernels: 'wasm' };
        const node = reportOf(await fitInProcess(gmmPlugin, data, wasm, driver));
        const page = browser().isolated;
        expectSameBits(resultOf(await page.fit({ plugin: 'gmm', ...dataOf(data), options: wasm, driver, workers: 0 })), node);
        expectSameBits(resultOf(await page.fit({ plugin: 'gmm', ...dataOf(data), options: wasm, driver, workers: 2 })), node);
      });
});

describe('restarts', () => {
  const { data } = fixtureFit('gmm-iris-full');
  const options = { k: 3, covariance: 'full', initMethod: 'random' };
  const driver = { maxIter: 500, seed: 3, restarts: 4, shardRows: 32 };

  it('whole restarts on workers (restarts ≥ workers, isolated page) pick the same winner as Node, for 1 and 2 workers', async () => {
    const reference = await references(browser().isolated, data, options, driver);
    // The restarts really differ, so picking the best one matters.
    expect(new Set(reference.restarts.map((r) => r.meanLogLikelihood)).size).toBeGreaterThan(1);
    for (const workers of [1, 2]) {
      const outcome = await browser().isolated.fit({ plugin: 'gmm', ...dataOf(data), options, driver, workers });
      expectSameBits(resultOf(outcome), reference);
      expect(outcome.tasks).toMatchObject({ eStep: 0, restart: 4, sharedData: [true, true, true, true] });
      // Every iteration of every restart was reported from its worker before the fit resolved.
      const reported = reference.restarts.map((r) => outcome.progress.filter(([restart]) => restart === r.restart).length);
      expect(reported).toEqual(reference.restarts.map((r) => r.iterations));
    }
  });

  it('k-means++ starts: each restart\'s init runs on a worker and its steps reach the page, as in its own thread', async () => {
    const plusPlus = { ...options, initMethod: 'kmeans++' };
    const page = browser().isolated;
    const inPage = await page.fit({ plugin: 'gmm', ...dataOf(data), options: plusPlus, driver, workers: 0 });
    expect(inPage.initProgress).toEqual([0, 1, 2, 3].flatMap((r) => [1, 2, 3].map((done) => [r, 'k-means++', done])));
    for (const parallelism of ['shards', 'restarts'] as const) {
      const outcome = await page.fit({ plugin: 'gmm', ...dataOf(data), options: plusPlus, driver, workers: 2, parallelism });
      expectSameBits(resultOf(outcome), resultOf(inPage));
      expect(outcome.tasks).toMatchObject(parallelism === 'shards' ? { init: 4, restart: 0 } : { init: 0, restart: 4 });
      // Restarts on workers interleave: compare each restart's steps.
      const sorted = [...outcome.initProgress].sort((a, b) => a[0] - b[0]);
      expect(sorted).toEqual(inPage.initProgress);
    }
  });

  it('without shared memory restarts fall back to sharded E-steps, with the same winner', async () => {
    const reference = await references(browser().plain, data, options, driver);
    const outcome = await browser().plain.fit({ plugin: 'gmm', ...dataOf(data), options, driver, workers: 2 });
    expectSameBits(resultOf(outcome), reference);
    expect(outcome.tasks.restart).toBe(0);
    expect(outcome.tasks.eStep).toBeGreaterThan(0);
    expect(outcome.tasks.batch).toBe(0);
  });
});

describe('faults in the browser', () => {
  const { data, options } = fixtureFit('gmm-blobs-full');
  const faultyUrl = (page: TestPage) => `${page.base}faulty-plugins.js`;

  for (const [label, page, parallelism, restarts] of [
    ['isolated page, sharded E-steps', () => browser().isolated, 'shards', 1],
    ['isolated page, whole restarts on workers', () => browser().isolated, 'restarts', 2],
    ['plain page, copied shards', () => browser().plain, 'shards', 1],
  ] as const) {
    it(`an abort mid-E-step rejects with an AbortError and stops the workers (${label})`, async () => {
      // slow-gmm busy-waits 20 ms per shard: with 10 shards an E-step takes 100–200 ms, so an abort
      // 50 ms after iteration 2 lands while workers compute.
      const outcome = await page().fit({
        plugin: 'slow-gmm',
        pluginUrl: faultyUrl(page()),
        ...dataOf(data),
        options,
        driver: { tol: 0, maxIter: 1000, shardRows: 64, restarts },
        workers: 2,
        parallelism,
        abortAtIteration: 2,
        abortDelayMs: 50,
      });
      expect(errorOf(outcome).name).toBe('AbortError');
      expect(outcome.tasksRunningAtAbort).toBeGreaterThan(0);
      expect(outcome.abortToRejectMs).toBeDefined();
      // The terminated workers stop computing too (Chromium only forces that after 2 s).
      await page().workersGone(1000);
    });
  }

  for (const [label, page, parallelism, restarts] of [
    ['isolated page, sharded', () => browser().isolated, 'shards', 1],
    ['isolated page, restarts', () => browser().isolated, 'restarts', 2],
    ['plain page', () => browser().plain, 'shards', 1],
  ] as const) {
    it(`a plugin URL that does not exist rejects with an error naming plugin, place and URL (${label})`, async () => {
      const pluginUrl = `${page().base}no-such-plugin.js`;
      const outcome = await page().fit({ plugin: 'gmm', pluginUrl, ...dataOf(data), options, driver: { shardRows: 64, restarts }, workers: 2, parallelism }, 10_000);
      const error = errorOf(outcome);
      expect(error.name).toBe('WorkerError');
      expect(error.message).toMatch(new RegExp(`plugin "gmm" failed on a worker at (shard|restart|the init of restart) \\d+.*no-such-plugin\\.js`));
    });
  }

  it('a worker URL that does not exist rejects with an error, not a hang', async () => {
    const page = browser().isolated;
    const outcome = await page.fit({ plugin: 'gmm', workerUrl: `${page.base}no-such-worker.js`, ...dataOf(data), options, driver: { shardRows: 64 }, workers: 2 }, 10_000);
    const error = errorOf(outcome);
    expect(error.name).toBe('WorkerError');
    // The first task is the restart's init (on a worker too).
    expect(error.message).toMatch(/plugin "gmm" failed on a worker at the init of restart 0.*a worker failed: .*no-such-worker\.js/);
  });

  it('an E-step that throws on shard 3 rejects naming the plugin and the shard', async () => {
    // Isolated: with copied shards the plugin sees shard-relative rows and cannot tell shard 3.
    const page = browser().isolated;
    const outcome = await page.fit({ plugin: 'throws-on-shard-3', pluginUrl: faultyUrl(page), ...dataOf(data), options, driver: { shardRows: 64 }, workers: 2 }, 10_000);
    const error = errorOf(outcome);
    expect(error.name).toBe('WorkerError');
    expect(error.message).toMatch(/throws-on-shard-3.*shard 3 \(rows 193–256\).*deliberate failure/);
  });

  it('a caller-supplied pool survives an aborted fit: the next fit on it gives the in-process result', async () => {
    const page = browser().isolated;
    const { data: iris, options: irisOptions, tol } = fixtureFit('gmm-iris-full');
    expect(await page.openPool(2)).toBe(2);
    try {
      const aborted = await page.fit({
        plugin: 'slow-gmm',
        pluginUrl: faultyUrl(page),
        ...dataOf(data),
        options,
        driver: { tol: 0, maxIter: 1000, shardRows: 64 },
        workers: 2,
        abortAtIteration: 2,
        abortDelayMs: 50,
        usePool: true,
      });
      expect(errorOf(aborted).name).toBe('AbortError');
      expect(aborted.tasksRunningAtAbort).toBeGreaterThan(0);
      const driver = { tol, maxIter: 5000, shardRows: 16 };
      const next = await page.fit({ plugin: 'gmm', ...dataOf(iris), options: irisOptions, driver, workers: 2, usePool: true });
      expectSameBits(resultOf(next), await references(page, iris, irisOptions, driver));
    } finally {
      const { before, after } = await page.closePool();
      expect(before).toBe(2);
      expect(after).toBe(0);
    }
  });
});
