/**
 * Node side of the browser tests: bundles the page, the worker and the plugin modules with
 * esbuild, serves them from 127.0.0.1 — under /coi/ with cross-origin isolation headers (so the
 * page has SharedArrayBuffer), under /plain/ without them (copied shards) — and drives Debian's
 * Chromium with playwright-core.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FitOutcome, FitRequest } from './page.js';

export type { FitOutcome, FitReport, FitRequest } from './page.js';

export const CHROMIUM = process.env.EMKIT_CHROMIUM ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling Google, refused on a closed network.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** The bundled modules, by the name they are served under. */
const ENTRIES = {
  'page.js': 'page.ts',
  'worker.js': 'worker.ts',
  'gmm-plugin.js': 'gmm-plugin.ts',
  'faulty-plugins.js': '../src/test-support/faulty-plugins.mjs',
} as const;

const HTML = '<!doctype html><meta charset="utf-8"><title>emkit runner</title><script type="module" src="./page.js"></script>';

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function bundle(): Promise<Map<string, string>> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const files = new Map<string, string>();
  // One build per entry: each module is self-contained, as the worker imports the plugin by URL.
  await Promise.all(
    Object.entries(ENTRIES).map(async ([name, entry]) => {
      const result = await build({
        absWorkingDir: here,
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'silent',
        outfile: name,
      });
      // Strict: a warning once meant the worker module was dropped as side-effect free.
      if (result.warnings.length > 0) throw new Error(`esbuild warned bundling ${entry}: ${result.warnings.map((w) => w.text).join('; ')}`);
      files.set(name, result.outputFiles[0].text);
    }),
  );
  return files;
}

function serve(files: Map<string, string>): Promise<Server> {
  const server = createServer((request, response) => {
    const match = /^\/(coi|plain)\/([^?]*)/.exec(request.url ?? '');
    const name = match?.[2] === '' ? 'index.html' : match?.[2];
    const body = name === 'index.html' ? HTML : name ? files.get(name) : undefined;
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(match?.[1] === 'coi' ? ISOLATION_HEADERS : {}) };
    if (!match || body === undefined) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': name === 'index.html' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export interface TestPage {
  readonly page: Page;
  /** e.g. http://127.0.0.1:PORT/coi/ */
  readonly base: string;
  readonly crossOriginIsolated: boolean;
  /** Uncaught exceptions and unhandled rejections of the page since it opened. */
  readonly pageErrors: string[];
  fit(request: Omit<FitRequest, 'workerUrl' | 'pluginUrl'> & { workerUrl?: string; pluginUrl?: string }, timeoutMs?: number): Promise<FitOutcome>;
  /** Math.exp and Math.log in this page (see math-probe.ts). */
  mathProbe(n: number): Promise<{ exp: number[]; log: number[] }>;
  /** Loads the wasm kernels on the page's thread: null, or why they are unavailable. */
  wasmKernels(): Promise<string | null>;
  /** Where the workers of a fresh pool got their wasm kernel module ('received' from the page, or 'compiled' themselves). */
  workerKernelSources(workers: number): Promise<('received' | 'compiled' | null)[]>;
  /** Opens a BrowserWorkerPool in the page for fits with `usePool`; returns its live workers. */
  openPool(workers: number): Promise<number>;
  /** Closes that pool: its live workers before and after. */
  closePool(): Promise<{ before: number; after: number }>;
  /** Resolves once no Web Worker of this page is alive (rejects after `timeoutMs`). */
  workersGone(timeoutMs?: number): Promise<void>;
}

export interface BrowserHarness {
  readonly isolated: TestPage;
  readonly plain: TestPage;
  readonly browser: Browser;
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function openPage(browser: Browser, base: string): Promise<TestPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${base}index.html`);
  try {
    await page.waitForFunction(() => typeof window.emkit === 'object', undefined, { timeout: 10_000 });
  } catch (error) {
    throw new Error(`the test page at ${base} did not load: ${pageErrors.join('; ') || String(error)}`, { cause: error });
  }
  const crossOriginIsolated = await page.evaluate(() => window.emkit.crossOriginIsolated && window.emkit.sharedArrayBuffer);
  return {
    page,
    base,
    crossOriginIsolated,
    pageErrors,
    fit: (request, timeoutMs = 20_000) =>
      withTimeout(
        page.evaluate((r) => window.emkit.fit(r), { workerUrl: `${base}worker.js`, pluginUrl: `${base}gmm-plugin.js`, ...request }),
        timeoutMs,
        `a fit in Chromium (${base})`,
      ),
    mathProbe: (n) => page.evaluate((count) => window.emkit.mathProbe(count), n),
    wasmKernels: () => page.evaluate(() => window.emkit.wasmKernels()),
    workerKernelSources: (workers) => page.evaluate(({ url, n }) => window.emkit.workerKernelSources(url, n), { url: `${base}worker.js`, n: workers }),
    openPool: (workers) => page.evaluate(({ url, n }) => window.emkit.openPool(url, n), { url: `${base}worker.js`, n: workers }),
    closePool: () => page.evaluate(() => window.emkit.closePool()),
    async workersGone(timeoutMs = 2000) {
      const until = Date.now() + timeoutMs;
      while (page.workers().length > 0) {
        if (Date.now() > until) throw new Error(`${page.workers().length} Web Worker(s) still alive on ${base} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the browser tests need Debian's chromium — run \`apt-get install chromium\` (.ci/run does) or set EMKIT_CHROMIUM to its path`,
    );
  const files = await bundle();
  const server = await serve(files);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const { port } = server.address() as AddressInfo;
    const [isolated, plain] = await Promise.all([openPage(browser, `http://127.0.0.1:${port}/coi/`), openPage(browser, `http://127.0.0.1:${port}/plain/`)]);
    const opened = browser;
    return {
      isolated,
      plain,
      browser: opened,
      async close() {
        await opened.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    throw error;
  }
}
