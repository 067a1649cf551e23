// The fixture readers every package's tests share, wrapped with this package's @emkit/core.
import { createDataset, type Dataset } from '@emkit/core';
import { readFixtureTable } from '../../../../tools/test-support/fixtures.js';

export { fixturesDir, fixtureNames, readFixture } from '../../../../tools/test-support/fixtures.js';

export function readFixtureDataset(name: string): Dataset {
  const { values, rows, cols } = readFixtureTable(name);
  return createDataset(values, rows, cols, { source: name });
}

export { mclustFixtureNames, readMclustFixture, type MclustFit, type MclustFixture } from '../../../../tools/test-support/mclust.js';
