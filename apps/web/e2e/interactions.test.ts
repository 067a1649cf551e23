// Interactions in real Chromium, light and dark, wide and narrow: tooltips, wheel zoom and drag
// pan, a view that fits the data and the ellipses, the uncertainty view, the Example menu and
// form in sync, K typed taking effect at once, Bernoulli images, and a third-party plugin (the
// Poisson-mixture example) fitted and drawn from its own view description.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fit } from '@emkit/core';
import { poissonMixturePlugin } from 'emkit-plugin-poisson-mixture';
import { appForFile, SCREENSHOTS, choose, expectNoModelError, faithfulK2Full, settle, setNumber, shapes } from './support.js';

const { app, page: p } = appForFile();

interface Window2 {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

const windowOf = async (): Promise<Window2> => JSON.parse((await p().getAttribute('#scatter', 'data-window')) ?? 'null') as Window2;

describe('interactions', () => {
  it('keeps the Example menu and the form in sync with what is loaded; K typed shows at once', async () => {
    expect(await p().inputValue('#example')).toBe('faithful');
    await faithfulK2Full(p());
    expect(await p().inputValue('#example')).toBe('faithful');
    // Typing 3 (no Tab, no blur): the model re-initialises with three components straight away.
    await settle(p(), (page) => page.fill('#k', '3'));
    expect(await p().getAttribute('#scatter', 'data-components')).toBe('3');
    expect(await shapes(p())).toHaveLength(3);
    await setNumber(p(), '#k', 2);
  });

  it('fits the view to the data and every 2σ ellipse (nothing clipped)', async () => {
    await settle(p(), (page) => page.click('#fit'));
    const w = await windowOf();
    for (const s of await shapes(p())) {
      const [a, , c] = s.covariance!;
      expect(s.mean[0] - 2 * Math.sqrt(a)).toBeGreaterThanOrEqual(w.xMin);
      expect(s.mean[0] + 2 * Math.sqrt(a)).toBeLessThanOrEqual(w.xMax);
      expect(s.mean[1] - 2 * Math.sqrt(c)).toBeGreaterThanOrEqual(w.yMin);
      expect(s.mean[1] + 2 * Math.sqrt(c)).toBeLessThanOrEqual(w.yMax);
    }
    await p().screenshot({ path: join(SCREENSHOTS, 'light-wide.png'), fullPage: true });
  });

  it('shows a row’s values and responsibilities on hover', async () => {
    const box = (await p().locator('#scatter canvas').boundingBox())!;
    const w = await windowOf();
    // Hover over the first component's mean: rows are dense there.
    const [mx, my] = (await shapes(p()))[0].mean;
    const frame = { left: 56, top: 10, width: box.width - 56 - 12, height: box.height - 10 - 40 };
    const x = box.x + frame.left + ((mx - w.xMin) / (w.xMax - w.xMin)) * frame.width;
    const y = box.y + frame.top + frame.height - ((my - w.yMin) / (w.yMax - w.yMin)) * frame.height;
    await p().mouse.move(x, y);
    await p().waitForSelector('#tooltip', { timeout: 5_000 });
    const text = (await p().textContent('#tooltip')) ?? '';
    expect(text).toContain('eruptions');
    expect(text).toContain('waiting');
    const rs = (await p().locator('#tooltip table.responsibilities td').allTextContents()).slice(0, 2).map(Number);
    expect(rs[0] + rs[1]).toBeCloseTo(1, 3);
    await p().locator('#scatter').screenshot({ path: join(SCREENSHOTS, 'tooltip.png') });
  });

  it('zooms with the wheel (the page does not scroll) and pans by dragging; fit view restores it', async () => {
    const before = await windowOf();
    const scrollBefore = await p().evaluate(() => window.scrollY);
    const box = (await p().locator('#scatter canvas').boundingBox())!;
    await p().mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p().mouse.wheel(0, -300);
    await p().waitForFunction((w) => document.getElementById('scatter')?.dataset.window !== w, JSON.stringify(before));
    const zoomed = await windowOf();
    expect(zoomed.xMax - zoomed.xMin).toBeLessThan(before.xMax - before.xMin);
    expect(await p().evaluate(() => window.scrollY)).toBe(scrollBefore);
    await p().mouse.down();
    await p().mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 4 });
    await p().mouse.up();
    const panned = await windowOf();
    expect(panned.xMin).toBeLessThan(zoomed.xMin);
    expect(panned.xMax - panned.xMin).toBeCloseTo(zoomed.xMax - zoomed.xMin, 9);
    await p().locator('#scatter').screenshot({ path: join(SCREENSHOTS, 'zoomed.png') });
    await p().click('#fit-view');
    expect(await windowOf()).toEqual(before);
  });

  it('colours points by uncertainty, 1 − max responsibility, up to 1 − 1/K', async () => {
    await p().check('#uncertainty');
    expect(await p().getAttribute('#scatter', 'data-mode')).toBe('uncertainty');
    const max = Number(await p().getAttribute('#scatter', 'data-max-uncertainty'));
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThanOrEqual(0.5);
    await p().locator('#scatter').screenshot({ path: join(SCREENSHOTS, 'uncertainty.png') });
    await p().uncheck('#uncertainty');
  });

  it('fits and draws the Poisson-mixture example plugin from its own view description', async () => {
    await choose(p(), '#example', 'counts-600');
    await choose(p(), '#model', 'poisson-mixture');
    await setNumber(p(), '#k', 3);
    await setNumber(p(), '#seed', 0);
    await settle(p(), (page) => page.click('#fit'));
    await expectNoModelError(p());
    const drawn = await shapes(p());
    expect(drawn).toHaveLength(3);
    expect(drawn.every((s) => s.covariance !== null && s.ellipse !== null)).toBe(true);
    const { syntheticDataset } = await import('../src/session/synthetic.js');
    const expected = await fit(poissonMixturePlugin, syntheticDataset('counts-600'), { k: 3 }, { seed: 0 });
    expect(Number(await p().getAttribute('#fit-result', 'data-mean-log-likelihood'))).toBe(expected.meanLogLikelihood);
    const rates = Array.from(expected.params.rates);
    // The rates agree to the last bit or two: Chromium's and Node's Math.log/exp may differ in an ulp.
    drawn.forEach((s, j) => s.mean.forEach((v, c) => expect(Math.abs(v - rates[2 * j + c])).toBeLessThanOrEqual(1e-13 * Math.abs(rates[2 * j + c]))));
    await p().screenshot({ path: join(SCREENSHOTS, 'poisson-plugin.png'), fullPage: true });
    // Zooming now starts from this data set's view, not the first one's.
    const before = await windowOf();
    const box = (await p().locator('#scatter canvas').boundingBox())!;
    await p().mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p().mouse.wheel(0, -200);
    await p().waitForFunction((w) => document.getElementById('scatter')?.dataset.window !== w, JSON.stringify(before));
    const zoomed = await windowOf();
    expect(zoomed.xMin).toBeGreaterThan(before.xMin);
    expect(zoomed.xMax).toBeLessThan(before.xMax);
    await p().click('#fit-view');
  });

  it('offers only what the chosen model has: k-means shows centres, no ellipses and no BIC panel', async () => {
    await choose(p(), '#example', 'blobs');
    await choose(p(), '#model', 'kmeans');
    await setNumber(p(), '#k', 3);
    await settle(p(), (page) => page.click('#fit'));
    const drawn = await shapes(p());
    expect(drawn).toHaveLength(3);
    expect(drawn.every((s) => s.covariance === null)).toBe(true);
    expect(await p().textContent('#scatter-title')).toContain('centres');
    // No likelihood to penalise: selection by BIC does not apply.
    expect(await p().locator('#select-models').count()).toBe(0);
    expect(await p().locator('#covariance').count()).toBe(0);
  });

  it('draws a Bernoulli mixture’s components as images', async () => {
    await choose(p(), '#example', 'bernoulli20');
    await choose(p(), '#model', 'bernoulli');
    await setNumber(p(), '#k', 3);
    await settle(p(), (page) => page.click('#fit'));
    expect(await p().getAttribute('#component-images', 'data-count')).toBe('3');
    await p().locator('#component-images').screenshot({ path: join(SCREENSHOTS, 'bernoulli-images.png') });
  });

  it('follows prefers-color-scheme: dark, wide and narrow', async () => {
    const dark = await app.open({ colorScheme: 'dark' });
    const background = await dark.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(120);
    await settle(dark, (page) => page.click('#fit'));
    // The scatter plot's own background is dark too (read from the canvas).
    const pixel = await dark.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#scatter canvas')!;
      const [pr, pg, pb] = canvas.getContext('2d')!.getImageData(canvas.width - 30, 30, 1, 1).data;
      return pr + pg + pb;
    });
    expect(pixel).toBeLessThan(150);
    await dark.screenshot({ path: join(SCREENSHOTS, 'dark-wide.png'), fullPage: true });
    await dark.setViewportSize({ width: 390, height: 844 });
    // The charts follow their boxes (ResizeObserver): nothing sticks out sideways.
    await dark.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, { timeout: 5_000 });
    await dark.screenshot({ path: join(SCREENSHOTS, 'dark-narrow.png'), fullPage: true });
    await dark.context().close();
  });

  it('puts the plots first on a narrow screen', async () => {
    const narrow = await app.open({ viewport: { width: 390, height: 844 } });
    const plotTop = await narrow.locator('main').evaluate((el) => el.getBoundingClientRect().top);
    const controlsTop = await narrow.locator('aside').evaluate((el) => el.getBoundingClientRect().top);
    expect(plotTop).toBeLessThan(controlsTop);
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await narrow.screenshot({ path: join(SCREENSHOTS, 'light-narrow.png'), fullPage: true });
    await narrow.context().close();
  });

  it('raised no page errors', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
