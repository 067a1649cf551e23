// The HMM reference fixtures as emkit data sets and options (tools/test-support/hmm.ts reads them).
import { createDataset, type Dataset } from '@emkit/core';
import { readHmmFixture, type HmmFixture, type HmmReferenceParams } from '../../../../tools/test-support/hmm.js';

export { HMM_FIXTURE_CASES, readHmmFixture, type HmmFixture } from '../../../../tools/test-support/hmm.js';

/** The fixture's sequences one after another, with their boundaries as the dataset's groups. */
export function fixtureDataset(fx: HmmFixture): Dataset {
  const rows = fx.sequences.flat();
  const d = rows[0].length;
  const values = new Float64Array(rows.length * d);
  rows.forEach((r, i) => values.set(r, i * d));
  const groups = [0];
  for (const s of fx.sequences) groups.push(groups[groups.length - 1] + s.length);
  return createDataset(values, rows.length, d, { groups, source: fx.case });
}

/** The plugin options that start Baum–Welch from the fixture's `init` (or other) parameters. */
export function fixtureOptions(fx: HmmFixture, params: HmmReferenceParams = fx.init): Record<string, unknown> {
  return fx.emission === 'categorical'
    ? { k: fx.k, emission: 'categorical', symbols: fx.symbols, init: params }
    : { k: fx.k, emission: 'gaussian', covariance: fx.covariance, regCovar: fx.regCovar, init: params };
}

export function readFixtureCase(name: Parameters<typeof readHmmFixture>[0]): { fx: HmmFixture; data: Dataset } {
  const fx = readHmmFixture(name);
  return { fx, data: fixtureDataset(fx) };
}
