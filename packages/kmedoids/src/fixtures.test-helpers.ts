// Test-only helpers (excluded from the build): random data and the shared fixtures' CSVs.
import { type Dataset, createDataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { readFixture, readFixtureTable } from '../../../tools/test-support/fixtures.js';

/** A fixtures CSV (one header row, then numbers) as a Dataset with its column names, through the shared reader (tools/test-support). */
export function readFixtureCsv(dataset: string): Dataset {
  const { header, values, rows, cols } = readFixtureTable(dataset);
  return createDataset(values, rows, cols, { columns: header, source: dataset });
}

export function readFixtureJson<T>(name: string): T {
  return readFixture<T>(`${name}.json`);
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

/** Whether two labelings are the same partition (labels equal up to a renaming). */
export function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}

/** The fraction of rows on which two labelings agree under the best renaming of `a`'s labels (k ≤ 6). */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  let best = 0;
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      let same = 0;
      for (let i = 0; i < a.length; i++) if (prefix[a[i]] === b[i]) same++;
      best = Math.max(best, same / a.length);
      return;
    }
    rest.forEach((x, i) => permute([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], Array.from({ length: k }, (_, i) => i));
  return best;
}
