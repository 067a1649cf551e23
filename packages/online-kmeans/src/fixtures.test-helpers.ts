// Test-only helpers (excluded from the build): generated blobs and the shared fixtures' CSVs.
import { type Dataset, createDataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { readFixtureTable } from '../../../tools/test-support/fixtures.js';

/** A fixtures CSV (one header row, then numbers) as a Dataset with its column names, through the shared reader (tools/test-support). */
export function readFixtureCsv(dataset: string): Dataset {
  const { header, values, rows, cols } = readFixtureTable(dataset);
  return createDataset(values, rows, cols, { columns: header, source: dataset });
}

/** Well-separated Gaussian blobs: `perCluster` rows around each of `centres`, spread `sd`. */
export function gaussianBlobs(centres: readonly (readonly number[])[], perCluster: number, sd: number, seed: number): { data: Dataset; truth: Int32Array } {
  const random = new Random(seed);
  const d = centres[0].length;
  const n = centres.length * perCluster;
  const values = new Float64Array(n * d);
  const truth = new Int32Array(n);
  // Interleaved so that no cluster is a contiguous block of rows.
  for (let i = 0; i < n; i++) {
    const j = i % centres.length;
    truth[i] = j;
    for (let c = 0; c < d; c++) values[i * d + c] = centres[j][c] + sd * random.nextNormal();
  }
  return { data: createDataset(values, n, d), truth };
}

/**
 * scikit-learn's make_blobs: K centres uniform in [−10, 10]^D, `perCluster` rows around each
 * with standard deviation `sd` (rows interleaved).
 */
export function makeBlobs(k: number, d: number, perCluster: number, sd: number, seed: number): Dataset {
  const random = new Random(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => -10 + 20 * random.next()));
  const n = k * perCluster;
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % k][c] + sd * random.nextNormal();
  return createDataset(values, n, d);
}
