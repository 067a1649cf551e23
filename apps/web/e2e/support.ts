// Shared set-up of the end-to-end tests: the built app served with cross-origin isolation, real
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), and helpers that
// wait for the page's queued actions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { parseCsv } from '@emkit/io';
import { rowWeight, type Dataset } from '@emkit/core';
import { ensureBuilt } from './build.js';
import { serveStatic, type StaticServer } from './static-server.js';

export const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(APP, '../..');
const CLI = join(ROOT, 'apps/cli/dist/bin.js');
export const FAITHFUL = join(ROOT, 'examples/faithful.csv');
/** Where the screenshots go (git-ignored); look at them after a run. */
export const SCREENSHOTS = join(APP, 'test-results');

const CHROMIUM = process.env.EMKIT_CHROMIUM ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google, refused on a closed network.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function cli(args: string[]): string {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (pnpm build)`);
  return execFileSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function example(name: string): Dataset {
  return parseCsv(readFileSync(join(ROOT, 'examples', name), 'utf8'), name).dataset;
}

/** Σ wᵢ·sᵢ / Σ wᵢ, the page's mean per row. */
export function meanPerRow(scores: Float64Array, data: Dataset): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < data.rows; i++) {
    const w = rowWeight(data, i);
    sum += w * scores[i];
    weight += w;
  }
  return sum / weight;
}

/** One browser on the built app; `open` gives pages (own contexts: colour scheme, viewport). */
export class AppUnderTest {
  private browser: Browser | undefined;
  private server: StaticServer | undefined;
  private startError: unknown;
  readonly pageErrors: string[] = [];

  async start(): Promise<void> {
    try {
      if (!existsSync(CHROMIUM))
        throw new Error(`Chromium is not installed at ${CHROMIUM}: the web app's end-to-end test needs Debian's chromium — run \`apt-get install -y chromium\` (.ci/run does) or set EMKIT_CHROMIUM to its path`);
      ensureBuilt(APP);
      this.server = await serveStatic(join(APP, 'dist'));
      this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      mkdirSync(SCREENSHOTS, { recursive: true });
    } catch (error) {
      // Kept for every test to throw: vitest would report a failed beforeAll's tests as skipped.
      this.startError = error;
    }
  }

  async open(options: BrowserContextOptions = {}): Promise<Page> {
    if (!this.browser || !this.server) throw this.startError instanceof Error ? this.startError : new Error(`the end-to-end test did not start: ${String(this.startError)}`);
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 1150 }, acceptDownloads: true, ...options });
    const page = await context.newPage();
    page.on('pageerror', (error) => this.pageErrors.push(error.message));
    await page.goto(this.server.url);
    await page.waitForSelector('#app[data-activity="idle"]', { timeout: 30_000 });
    return page;
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.server?.close();
  }
}

/** Waits for the page to be idle, does `act`, then waits until one more queued action has finished. */
export async function settle(p: Page, act: (p: Page) => Promise<unknown>, timeout = 60_000): Promise<void> {
  await p.waitForSelector('#app[data-activity="idle"]', { timeout });
  const before = Number(await p.getAttribute('#app', 'data-completed-actions'));
  await act(p);
  await p.waitForFunction(
    (n) => {
      const root = document.getElementById('app');
      return root !== null && Number(root.dataset.completedActions) > n && root.dataset.activity === 'idle';
    },
    before,
    { timeout },
  );
  // Plots draw in the next animation frame: let it pass.
  await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Opens "more options" when the field is inside it. */
async function reveal(p: Page, selector: string): Promise<void> {
  if (!(await p.isVisible(selector)) && (await p.locator('#more-options').count()) > 0) await p.click('#more-options summary');
}

/** Types a number: the field commits on input, and a model option re-initialises the model (an action). */
export async function setNumber(p: Page, selector: string, value: number, { action = true } = {}): Promise<void> {
  await reveal(p, selector);
  if (Number(await p.inputValue(selector)) === value) return;
  if (action) await settle(p, (page) => page.fill(selector, String(value)));
  else await p.fill(selector, String(value));
}

/** Sets a text field and commits it (Tab). */
export async function setText(p: Page, selector: string, value: string, { action = true } = {}): Promise<void> {
  await reveal(p, selector);
  if ((await p.inputValue(selector)) === value) return;
  const commit = async (page: Page) => {
    await page.fill(selector, value);
    await page.press(selector, 'Tab');
  };
  if (action) await settle(p, commit);
  else await commit(p);
}

export async function choose(p: Page, selector: string, value: string): Promise<void> {
  await reveal(p, selector);
  if ((await p.inputValue(selector)) === value) return;
  await settle(p, (page) => page.selectOption(selector, value));
}

/** Fails with the page's own message when the last action reported a model or fit error. */
export async function expectNoModelError(p: Page): Promise<void> {
  const shown = p.locator('#model-error');
  if ((await shown.count()) > 0) throw new Error(`the page reports: ${await shown.textContent()}`);
}

export interface Shape {
  mean: [number, number];
  covariance: [number, number, number] | null;
  ellipse: { cx: number; cy: number; rx: number; ry: number; angle: number } | null;
}

export async function shapes(p: Page): Promise<Shape[]> {
  return JSON.parse((await p.getAttribute('#scatter', 'data-ellipses')) ?? '[]') as Shape[];
}

export async function stepStatus(p: Page): Promise<{ iteration: number; next: string; converged: boolean; meanLogLikelihood: string | null }> {
  const attr = (name: string) => p.getAttribute('#step-status', name);
  return {
    iteration: Number(await attr('data-iteration')),
    next: (await attr('data-next-step')) ?? '',
    converged: (await attr('data-converged')) === 'true',
    meanLogLikelihood: await attr('data-mean-log-likelihood'),
  };
}

/** Faithful, GMM, K = 2, full covariance, k-means init, seed 0: what `emkit fit gmm` does with these flags. */
export async function faithfulK2Full(p: Page): Promise<void> {
  await choose(p, '#example', 'faithful');
  await choose(p, '#model', 'gmm');
  await setNumber(p, '#k', 2);
  await choose(p, '#covariance', 'full');
  await choose(p, '#init-method', 'emEM');
  await setNumber(p, '#seed', 0);
  await setNumber(p, '#restarts', 1, { action: false });
}

/** The CLI's fit of faithful, K = 2, full, seed 0 (`--json`). */
export function cliFaithful(): { meanLogLikelihood: number; iterations: number; logLikelihoodHistory: number[] } {
  return JSON.parse(cli(['fit', 'gmm', '--data', 'examples/faithful.csv', '--k', '2', '--covariance', 'full', '--seed', '0', '--restarts', '1', '--workers', '0', '--json']));
}

/** Starts the app for a test file (before all its tests) and gives its first page. */
export function appForFile(): { app: AppUnderTest; page: () => Page } {
  const app = new AppUnderTest();
  let page: Page | undefined;
  beforeAll(async () => {
    await app.start();
    page = await app.open().catch(() => undefined);
  }, 180_000);
  afterAll(() => app.stop());
  return {
    app,
    page: () => {
      if (!page) throw new Error('the page did not open');
      return page;
    },
  };
}
