// The built app in real Chromium: fits and step-by-step play against `emkit fit` (bit for bit),
// exports read back by the CLI, a malformed upload, model selection through core's selectModel,
// the VAE's training and controls, the held-out comparison, and 100 000 rows with the page
// kept responsive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bernoulliPlugin } from '@emkit/bernoulli';
import { gmmPlugin } from '@emkit/gmm';
import { InputError, fit, sliceRows } from '@emkit/core';
import { parseCsv } from '@emkit/io';
import { importanceWeightedLogLikelihood, vaePlugin } from '@emkit/vae';
import { appForFile, FAITHFUL, SCREENSHOTS, choose, cli, cliFaithful, example, expectNoModelError, faithfulK2Full, meanPerRow, settle, setNumber, setText, shapes, stepStatus } from './support.js';

const { app, page: p } = appForFile();

describe('the web app in Chromium', () => {
  it('is cross-origin isolated, so the workers share the data', async () => {
    await app.open().then((opened) => opened.close()); // rethrows a start-up failure
    expect(await p().evaluate(() => globalThis.crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(true);
    expect(await p().textContent('header')).toContain('shared memory');
  });

  it('fits faithful with K = 2 full on the worker pool to `emkit fit`’s log-likelihood, bit for bit', async () => {
    const expected = cliFaithful();
    await faithfulK2Full(p());
    expect(await p().getAttribute('#data-summary', 'data-rows')).toBe('272');
    await settle(p(), (page) => page.click('#fit'));
    await expectNoModelError(p());
    expect(Number(await p().getAttribute('#fit-result', 'data-mean-log-likelihood'))).toBe(expected.meanLogLikelihood);
    expect(Number(await p().getAttribute('#fit-result', 'data-iterations'))).toBe(expected.iterations);
    // The log-likelihood chart holds the fit's history, every value the CLI's.
    expect(JSON.parse((await p().getAttribute('#likelihood', 'data-history')) ?? '[]')).toEqual(expected.logLikelihoodHistory);
    await p().screenshot({ path: join(SCREENSHOTS, 'faithful-fit.png'), fullPage: true });
  });

  it('exports a model file and labels that the CLI reads and agrees with', async () => {
    const [modelDownload] = await Promise.all([p().waitForEvent('download'), p().click('#export-model')]);
    const modelPath = join(SCREENSHOTS, 'faithful-model.json');
    await modelDownload.saveAs(modelPath);
    const model = JSON.parse(readFileSync(modelPath, 'utf8')) as Record<string, unknown>;
    expect(model).toMatchObject({ format: 'emkit-model', model: 'gmm', k: 2, covariance: 'full', iterations: cliFaithful().iterations });
    const [labelsDownload] = await Promise.all([p().waitForEvent('download'), p().click('#export-labels')]);
    const labelsPath = join(SCREENSHOTS, 'faithful-labels.csv');
    await labelsDownload.saveAs(labelsPath);
    // `emkit predict` loads the page's model file and labels the rows as the page did.
    expect(readFileSync(labelsPath, 'utf8')).toBe(cli(['predict', '--model', modelPath, '--data', 'examples/faithful.csv']));
  });

  it('steps E and M: the E-step colours the points and adds a log-likelihood, the M-step moves the ellipses and leaves a trail', async () => {
    await settle(p(), (page) => page.click('#reset'));
    expect(await stepStatus(p())).toMatchObject({ iteration: 0, next: 'e', meanLogLikelihood: null });
    const start = await shapes(p());
    expect(start).toHaveLength(2);
    expect(start.every((s) => s.covariance !== null)).toBe(true);
    await settle(p(), (page) => page.click('#step-e'));
    const afterE = await stepStatus(p());
    expect(afterE).toMatchObject({ iteration: 0, next: 'm' });
    expect(Number(afterE.meanLogLikelihood)).toBe(cliFaithful().logLikelihoodHistory[0]);
    expect(await shapes(p())).toEqual(start);
    await settle(p(), (page) => page.click('#step-m'));
    expect(await stepStatus(p())).toMatchObject({ iteration: 1, next: 'e' });
    const afterM = await shapes(p());
    expect(afterM.some((s, j) => s.mean.some((v, i) => v !== start[j].mean[i]))).toBe(true);
    // The previous means are drawn as a trail: one point per component per M-step.
    expect(await p().getAttribute('#scatter', 'data-trail')).toBe('2');
    await p().locator('#scatter').screenshot({ path: join(SCREENSHOTS, 'faithful-trail.png') });
  });

  it('plays step by step to convergence: the final log-likelihood is `emkit fit`’s, bit for bit', async () => {
    const expected = cliFaithful();
    await settle(p(), (page) => page.click('#reset'));
    await settle(p(), (page) => page.selectOption('#speed', '0').then(() => page.click('#play')));
    const status = await stepStatus(p());
    expect(status).toMatchObject({ iteration: expected.iterations, converged: true });
    expect(Number(status.meanLogLikelihood)).toBe(expected.meanLogLikelihood);
    expect(JSON.parse((await p().getAttribute('#likelihood', 'data-history')) ?? '[]')).toEqual(expected.logLikelihoodHistory);
  });

  it('fits a model with an iterative M-step (VEV, K = 4) on the worker pool to `emkit fit`’s log-likelihood, bit for bit', async () => {
    // VEV's M-step takes logarithms and exponentials: with Math.log/Math.exp this fit's last bits differed (Chromium 156 vs Node 20).
    await faithfulK2Full(p());
    await setNumber(p(), '#k', 4);
    await choose(p(), '#covariance', 'VEV');
    await settle(p(), (page) => page.click('#fit'));
    await expectNoModelError(p());
    const expected = JSON.parse(cli(['fit', 'gmm', '--data', 'examples/faithful.csv', '--k', '4', '--covariance', 'VEV', '--seed', '0', '--restarts', '1', '--workers', '0', '--json'])) as { meanLogLikelihood: number; iterations: number };
    expect(Number(await p().getAttribute('#fit-result', 'data-mean-log-likelihood'))).toBe(expected.meanLogLikelihood);
    expect(Number(await p().getAttribute('#fit-result', 'data-iterations'))).toBe(expected.iterations);
  });

  it('shows parseCsv’s error for a malformed CSV, word for word, and keeps the data', async () => {
    const text = 'eruptions,waiting\n3.6,79\n1.8,oops\n';
    let message = '';
    try {
      parseCsv(text, 'bad.csv');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      message = (error as Error).message;
    }
    await settle(p(), (page) => page.setInputFiles('#file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(text) }));
    expect((await p().textContent('#data-error'))?.trim()).toBe(message);
    expect(await p().getAttribute('#data-summary', 'data-rows')).toBe('272');
  });

  it('selects a model through core’s selectModel: BIC, ICL, every covariance × K, the best marked, the chart zoomed to the competitive range', async () => {
    await choose(p(), '#example', 'iris');
    await choose(p(), '#model', 'gmm');
    await setNumber(p(), '#max-k', 3, { action: false });
    await settle(p(), (page) => page.click('#select-models'));
    // Every covariance structure the plugin offers (its option spec's choices) × K = 1…3.
    const structures = gmmPlugin.optionSpecs.find((spec) => spec.name === 'covariance')!.choices!;
    const rows = p().locator('#bic-table tbody tr');
    expect(await rows.count()).toBe(3 * structures.length);
    expect(structures.slice(0, 4)).toEqual(['full', 'diag', 'spherical', 'tied']);
    expect(await p().locator('#bic-table thead').textContent()).toContain('ICL');
    expect(await p().locator('#bic-table tr.best').count()).toBe(1);
    // The same table as `emkit select` (candidate order: covariance slowest, then K).
    const cliTable = JSON.parse(cli(['select', 'gmm', '--data', 'examples/iris.csv', '--k', '1,2,3', '--covariance', 'full,diag,spherical,tied', '--seed', '0', '--restarts', '1', '--workers', '0', '--json'])) as {
      candidates: { options: { k: number; covariance: string }; bic: number | null }[];
    };
    const bicCells = await p().locator('#bic-table tbody tr td:nth-child(5)').allTextContents();
    cliTable.candidates.forEach((row, i) => expect(Number(bicCells[i])).toBeCloseTo(row.bic!, 1));
    const range = JSON.parse((await p().getAttribute('#bic', 'data-y-range')) ?? 'null') as [number, number];
    const bics = (await p().locator('#bic-table tbody tr td:nth-child(5)').allTextContents()).map(Number).filter(Number.isFinite).sort((a, b) => a - b);
    expect(range[0]).toBeLessThanOrEqual(bics[0]);
    expect(range[1]).toBeLessThan(bics[bics.length - 1]);
    await p().locator('#bic').screenshot({ path: join(SCREENSHOTS, 'iris-bic-competitive.png') });
    await choose(p(), '#chart-scale', 'log').catch(() => p().selectOption('#chart-scale', 'log'));
    expect(await p().getAttribute('#bic', 'data-scale')).toBe('log');
    await p().locator('#bic').screenshot({ path: join(SCREENSHOTS, 'iris-bic-log.png') });
  });

  it('gives the VAE only its own controls and trains it as `emkit fit vae` does', async () => {
    await choose(p(), '#example', 'bernoulli20');
    await choose(p(), '#model', 'vae');
    await setNumber(p(), '#seed', 0);
    await setNumber(p(), '#latent', 2);
    await setText(p(), '#hidden', '16');
    await setNumber(p(), '#epochs', 12);
    // Trained, not stepped: no E/M buttons, no speed, no restarts, no BIC panel; the button says Train.
    for (const id of ['#step-e', '#step-m', '#play', '#speed', '#restarts', '#select-models']) expect(await p().locator(id).count(), id).toBe(0);
    expect((await p().textContent('#fit'))?.trim()).toBe('Train');
    expect(await p().textContent('#export-labels')).toContain('latent means');
    expect(await p().textContent('.panel[aria-labelledby="export-title"] .hint')).toContain('after Train');
    await settle(p(), (page) => page.click('#fit'));
    await expectNoModelError(p());
    const elbo = JSON.parse((await p().getAttribute('#likelihood', 'data-history')) ?? '[]') as number[];
    const expected = await fit(vaePlugin, example('bernoulli20.csv'), { latent: 2, hidden: ['16'], epochs: 12 }, { seed: 0 });
    // Within 1e-9, not bit for bit: Chromium's and Node's Math.tanh/exp may differ in the last ulp.
    expect(elbo).toHaveLength(12);
    elbo.forEach((v, i) => expect(Math.abs(v - expected.params.epochElbo[i])).toBeLessThan(1e-9));
    expect(Math.abs(Number(await p().getAttribute('#fit-result', 'data-mean-log-likelihood')) - expected.meanLogLikelihood)).toBeLessThan(1e-9);
    expect(await p().getAttribute('#latent-view', 'data-points')).toBe('500');
    await p().screenshot({ path: join(SCREENSHOTS, 'bernoulli20-vae.png'), fullPage: true });
    const [download] = await Promise.all([p().waitForEvent('download'), p().click('#export-labels')]);
    const latentPath = join(SCREENSHOTS, 'bernoulli20-vae-latent.csv');
    await download.saveAs(latentPath);
    const lines = readFileSync(latentPath, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('z0,z1');
    expect(lines).toHaveLength(501);
  });

  it('compares the Bernoulli mixture and the VAE on the held-out rows of bernoulli20', async () => {
    await setNumber(p(), '#seed', 0);
    expect(await p().getAttribute('#comparison-split', 'data-held-out-rows')).toBe('100');
    const settings = { k: 3, restarts: 3, latent: 2, hidden: '32', epochs: 40, iwae: 64 };
    await setNumber(p(), '#cmp-k', settings.k, { action: false });
    await setNumber(p(), '#cmp-restarts', settings.restarts, { action: false });
    await setNumber(p(), '#cmp-epochs', settings.epochs, { action: false });
    await settle(p(), (page) => page.click('#compare'));
    const error = p().locator('#comparison-error');
    if ((await error.count()) > 0) throw new Error(`the page reports: ${await error.textContent()}`);
    const attr = async (name: string) => Number(await p().getAttribute('#comparison', name));
    const data = example('bernoulli20.csv');
    const train = sliceRows(data, { start: 0, end: 400 });
    const heldOut = sliceRows(data, { start: 400, end: 500 });
    const mixture = await fit(bernoulliPlugin, train, { k: settings.k }, { seed: 0, restarts: settings.restarts });
    // To the last ulp or two: the browser's and Node's log/exp (or WebAssembly kernels) may differ in one.
    expect(Math.abs((await attr('data-mixture-held-out')) - meanPerRow(bernoulliPlugin.scoreSamples(mixture.params, heldOut), heldOut))).toBeLessThan(1e-12);
    const vae = await fit(vaePlugin, train, { latent: 2, hidden: '32', epochs: settings.epochs, decoder: 'bernoulli', iwaeSamples: settings.iwae }, { seed: 0 });
    const iwae = importanceWeightedLogLikelihood(vae.params, heldOut, { samples: settings.iwae });
    expect(Math.abs((await attr('data-vae-held-out')) - meanPerRow(iwae, heldOut))).toBeLessThan(1e-9);
    await p().locator('#comparison-panel').screenshot({ path: join(SCREENSHOTS, 'bernoulli20-comparison.png') });
  });

  it('keeps the page responsive while fitting and playing 100 000 rows, and cancels a selection', async () => {
    await choose(p(), '#example', 'blobs-100k');
    expect(await p().getAttribute('#data-summary', 'data-rows')).toBe('100000');
    await choose(p(), '#model', 'gmm');
    await setNumber(p(), '#k', 4);
    const probe = () =>
      p().evaluate(() => {
        const w = window as unknown as { probe?: { max: number; last: number; on: boolean } };
        w.probe = { max: 0, last: performance.now(), on: true };
        const tick = () => {
          const state = w.probe!;
          const now = performance.now();
          state.max = Math.max(state.max, now - state.last);
          state.last = now;
          if (state.on) setTimeout(tick, 0);
        };
        setTimeout(tick, 0);
      });
    const longestGap = () => p().evaluate(() => ((window as unknown as { probe: { max: number; on: boolean } }).probe.on = false, (window as unknown as { probe: { max: number } }).probe.max));
    await setNumber(p(), '#restarts', 6, { action: false });
    await probe();
    await settle(p(), (page) => page.click('#fit'), 120_000);
    const fitGap = await longestGap();
    await expectNoModelError(p());
    await setNumber(p(), '#restarts', 1, { action: false });
    await settle(p(), (page) => page.click('#reset'));
    await probe();
    await settle(p(), async (page) => {
      await page.selectOption('#speed', '0');
      await page.click('#play');
      await page.waitForFunction(() => Number(document.getElementById('step-status')?.dataset.iteration) >= 3, undefined, { timeout: 60_000 });
      await page.click('#play'); // now labelled Pause
    }, 120_000);
    const playGap = await longestGap();
    console.info(`longest main-thread gap on 100 000 rows: ${fitGap.toFixed(0)} ms during the fit, ${playGap.toFixed(0)} ms while playing`);
    expect(fitGap).toBeLessThan(250);
    expect(playGap).toBeLessThan(250);
    await p().screenshot({ path: join(SCREENSHOTS, 'blobs-100k.png'), fullPage: true });
    await setNumber(p(), '#max-k', 6, { action: false });
    await settle(p(), async (page) => {
      await page.click('#select-models');
      await page.waitForSelector('#bic-table', { timeout: 60_000 });
      await page.click('#cancel');
    });
    expect(await p().textContent('.notice')).toBe('model selection cancelled');
  });

  it('loads a CSV file by the file picker; the Example menu then names the file', async () => {
    await settle(p(), (page) => page.setInputFiles('#file', { name: 'faithful-upload.csv', mimeType: 'text/csv', buffer: readFileSync(FAITHFUL) }));
    expect(await p().textContent('#data-summary')).toContain('faithful-upload.csv');
    expect(await p().inputValue('#example')).toBe('');
    expect(await p().locator('#example option:checked').textContent()).toContain('faithful-upload.csv (your file)');
  });

  it('raised no page errors', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
