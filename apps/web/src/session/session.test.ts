import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fit } from '@emkit/core';
import { parseCsv } from '@emkit/io';
import { PLUGINS, pluginNamed } from '../models.js';
import { Session } from './session.js';
import { syntheticDataset } from './synthetic.js';

function exampleText(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../examples/${name}`, import.meta.url)), 'utf8');
}

/** Loads an example into a fresh session, as the page does (parseCsv in the worker). */
function sessionWith(name: string): Session {
  const session = new Session(PLUGINS);
  if (name.endsWith('.csv')) session.loadCsv(exampleText(name), name);
  else session.loadSynthetic(name as 'binary-2k');
  return session;
}

function dataOf(name: string) {
  return name.endsWith('.csv') ? parseCsv(exampleText(name), name).dataset : syntheticDataset(name as 'binary-2k');
}

const cases: [string, string, Record<string, unknown>, string][] = [
  ['gmm full on faithful', 'gmm', { k: 2, covariance: 'full' }, 'faithful.csv'],
  ['gmm diag on iris', 'gmm', { k: 3, covariance: 'diag' }, 'iris.csv'],
  ['gmm tied, k-means++ start, on blobs', 'gmm', { k: 3, covariance: 'tied', initMethod: 'kmeans++' }, 'blobs.csv'],
  ['soft k-means on blobs', 'soft-kmeans', { k: 3, c: 0.5 }, 'blobs.csv'],
  ['k-means on iris', 'kmeans', { k: 3 }, 'iris.csv'],
  ['Bernoulli mixture on 0/1 data', 'bernoulli', { k: 3 }, 'binary-2k'],
];

describe('Session: the page’s EM run is core’s createRun', () => {
  it.each(cases)('%s: play to convergence gives core fit’s history bit for bit', async (_label, name, options, example) => {
    const expected = await fit(pluginNamed(name), dataOf(example), options, { seed: 3, restarts: 1 });
    const session = sessionWith(example);
    session.init(name, options, 3);
    const done = await session.run(() => undefined);
    expect(done.state.history).toEqual(expected.history);
    expect(Object.is(done.state.history.at(-1), expected.meanLogLikelihood)).toBe(true);
    expect(done.state).toMatchObject({ iteration: expected.iterations, converged: expected.converged, done: true, next: 'm' });
  });

  it('steps one half at a time: E then M, a repeated E-step changes nothing', async () => {
    const session = sessionWith('faithful.csv');
    session.init('gmm', { k: 2 }, 0);
    expect(() => session.mStep()).toThrow(/E-step first/);
    const first = await session.eStep();
    const again = await session.eStep();
    expect(again.state.history).toEqual(first.state.history);
    expect(session.mStep().state.next).toBe('e');
    expect((await session.eStep()).state.history).toHaveLength(2);
  });

  it('reports bad options as the plugin does', () => {
    const session = sessionWith('faithful.csv');
    expect(() => session.init('gmm', { k: 0 }, 0)).toThrow(/^k: /);
  });
});
