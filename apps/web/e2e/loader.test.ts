// The loader in real Chromium on wine.csv (a row id first, the cultivar as text last): columns to
// fit, a label column and standardisation chosen as `emkit fit --drop id --label cultivar
// --standardize` chooses them, through the same @emkit/io and @emkit/core functions — the fit,
// the exported model file and `emkit predict` on it agree with the CLI's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, SCREENSHOTS, appForFile, choose, cli, expectNoModelError, settle, setNumber } from './support.js';

const { app, page: p } = appForFile();
const WINE = join(ROOT, 'examples/wine.csv');

const columns = async (): Promise<string | null> => p().getAttribute('#data-summary', 'data-cols');
const warnings = async (): Promise<string> => (await p().locator('#column-warnings').count()) === 0 ? '' : ((await p().textContent('#column-warnings')) ?? '');

describe('the loader: columns, label and standardisation', () => {
  it('opens wine.csv with its text column left out and its row-id column flagged', async () => {
    await settle(p(), (page) => page.setInputFiles('#file', { name: 'wine.csv', mimeType: 'text/csv', buffer: readFileSync(WINE) }));
    // 15 columns: id, 13 measurements, cultivar (text).
    expect(await columns()).toBe('14');
    expect(await p().isChecked('#column-1')).toBe(true);
    expect(await p().isChecked('#column-15')).toBe(false);
    expect(await p().isDisabled('#column-15')).toBe(true);
    const shown = await warnings();
    expect(shown).toContain('"id" (column 1) counts the rows: it looks like a row id, not a feature');
    expect(shown).toContain('"cultivar" (column 15) holds text, so it is left out');
  });

  it('drops the id and keeps the cultivar as the label: the warnings go, the classes are counted', async () => {
    // A click, not `uncheck`: the box is controlled by the loader's state, which changes when the
    // queued action has run — `uncheck` would check the box's state before that.
    await settle(p(), (page) => page.click('#column-1'));
    expect(await p().isChecked('#column-1')).toBe(false);
    expect(await columns()).toBe('13');
    expect(await warnings()).not.toContain('"id"');
    await settle(p(), (page) => page.selectOption('#label-column', '14'));
    expect(await columns()).toBe('13');
    expect(await p().textContent('#label-summary')).toBe('labels: 3 classes in "cultivar" (column 15)');
    expect(await warnings()).toBe('');
  });

  it('fits on z-scores to `emkit fit --drop id --label cultivar --standardize`’s log-likelihood (original units), bit for bit', async () => {
    await settle(p(), (page) => page.selectOption('#standardize', 'zscore'));
    await choose(p(), '#model', 'gmm');
    await setNumber(p(), '#k', 3);
    await choose(p(), '#covariance', 'diag');
    await choose(p(), '#init-method', 'emEM');
    await setNumber(p(), '#seed', 0);
    await setNumber(p(), '#restarts', 1, { action: false });
    await settle(p(), (page) => page.click('#fit'));
    await expectNoModelError(p());
    const args = ['fit', 'gmm', '--data', 'examples/wine.csv', '--drop', 'id', '--label', 'cultivar', '--standardize', '--k', '3', '--covariance', 'diag', '--seed', '0', '--restarts', '1', '--workers', '0'];
    const expected = JSON.parse(cli([...args, '--json'])) as Record<string, unknown>;
    expect(Number(await p().getAttribute('#fit-result', 'data-mean-log-likelihood'))).toBe(expected.meanLogLikelihood);

    // The model file holds the columns and the transform as the CLI writes them; predict reads it.
    const [download] = await Promise.all([p().waitForEvent('download'), p().click('#export-model')]);
    const modelPath = join(SCREENSHOTS, 'wine-standardized-model.json');
    await download.saveAs(modelPath);
    const model = JSON.parse(readFileSync(modelPath, 'utf8')) as Record<string, unknown>;
    expect(model.standardize).toEqual(expected.standardize);
    expect(model.columns).toEqual(expected.columns);
    expect(model.meanLogLikelihood).toBe(expected.meanLogLikelihood);
    const cliModel = join(SCREENSHOTS, 'wine-standardized-cli.json');
    cli([...args, '--out', cliModel]);
    expect(cli(['predict', '--model', modelPath, '--data', 'examples/wine.csv'])).toBe(cli(['predict', '--model', cliModel, '--data', 'examples/wine.csv']));
  });

  it('raised no page errors', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
