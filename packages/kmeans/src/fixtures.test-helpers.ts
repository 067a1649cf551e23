// Test-only helpers (excluded from the build): the shared fixtures through the fixture reader every
// package's tests share (tools/test-support), wrapped with this package's @emkit/core.
import { type Dataset, createDataset } from '@emkit/core';
import { fixtureNames, readFixture, readFixtureTable } from '../../../tools/test-support/fixtures.js';

/** A fixtures CSV (one header row, then numbers) as a Dataset with its column names. */
export function readFixtureCsv(dataset: string): Dataset {
  const { header, values, rows, cols } = readFixtureTable(dataset);
  return createDataset(values, rows, cols, { columns: header, source: dataset });
}

export interface KMeansReference {
  file: string;
  dataset: string;
  model: 'kmeans';
  k: number;
  init: { centers: number[][]; centerIndices?: number[] };
  sklearn: { centers: number[][]; inertia: number; iterations: number; labels: number[] };
}

export function kmeansReferences(): KMeansReference[] {
  return fixtureNames('kmeans-').map((file) => ({ file, ...readFixture<Omit<KMeansReference, 'file'>>(file) }));
}
