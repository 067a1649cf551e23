// The fixture readers every package's tests share (tools/test-support), wrapped with this package's @emkit/core.
import { createDataset, type Dataset, type FitResult } from '@emkit/core';
import type { GmmParams } from '@emkit/gmm';
import { Random } from '@emkit/linalg';
import { readFixtureTable } from '../../../../tools/test-support/fixtures.js';
import { expectSameFit } from '../../../../tools/test-support/same-fit.js';

export { fixturesDir, readFixture } from '../../../../tools/test-support/fixtures.js';

/** A fixture CSV (one header row, numbers only) as a Dataset. */
export function readFixtureDataset(name: string): Dataset {
  const { values, rows, cols } = readFixtureTable(name);
  return createDataset(values, rows, cols, { source: name });
}

/** Gaussian blobs: `groups` centres, unit-ish spread. */
export function blobs(seed: number, n: number, d: number, groups: number): Dataset {
  const random = new Random(seed);
  const centres = Array.from({ length: groups }, () => Array.from({ length: d }, () => 8 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % groups][c] + random.nextNormal() * (1 + 0.2 * c);
  return createDataset(values, n, d);
}

/** Two GMM fits agree bit for bit: parameters, log-likelihoods, history, iterations and winner. */
export function expectSameBits(a: FitResult<GmmParams>, b: FitResult<GmmParams>): void {
  expectSameFit(a, b, ['weights', 'means', 'covariances']);
}
