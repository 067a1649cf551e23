// The fixture readers every package's tests share (tools/test-support), wrapped with this package's @emkit/core.
import { createDataset, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { readFixture, readFixtureTable } from '../../../../tools/test-support/fixtures.js';

export { fixturesDir, readFixture } from '../../../../tools/test-support/fixtures.js';

/** A fixture CSV (one header row, numbers only) as a Dataset. */
export function readFixtureDataset(name: string): Dataset {
  const { values, rows, cols } = readFixtureTable(name);
  return createDataset(values, rows, cols, { source: name });
}

/** blobs.csv and the starting centres of the kmeans-blobs fixture (rows 80, 478 and 77). */
export function blobsWithStart(): { data: Dataset; k: number; centers: number[][] } {
  const fx = readFixture<{ k: number; init: { centers: number[][] } }>('kmeans-blobs.json');
  return { data: readFixtureDataset('blobs'), k: fx.k, centers: fx.init.centers };
}

/** `groups` well-separated Gaussian groups in d dimensions. */
export function clustered(seed: number, n: number, d: number, groups: number): Dataset {
  const random = new Random(seed);
  const centres = Array.from({ length: groups }, () => Array.from({ length: d }, () => 6 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % groups][c] + random.nextNormal() * (0.5 + c * 0.3);
  return createDataset(values, n, d);
}

/** The largest entropy −Σ_j r_ij·log r_ij over the rows of an N×K responsibility matrix. */
export function maxRowEntropy(responsibilities: Float64Array, k: number): number {
  let worst = 0;
  for (let i = 0; i < responsibilities.length / k; i++) {
    let h = 0;
    for (let j = 0; j < k; j++) {
      const r = responsibilities[i * k + j];
      if (r > 0) h -= r * Math.log(r);
    }
    worst = Math.max(worst, h);
  }
  return worst;
}

/** The smallest over rows of the largest responsibility of the row. */
export function minRowMax(responsibilities: Float64Array, k: number): number {
  let least = 1;
  for (let i = 0; i < responsibilities.length / k; i++) {
    let m = 0;
    for (let j = 0; j < k; j++) m = Math.max(m, responsibilities[i * k + j]);
    least = Math.min(least, m);
  }
  return least;
}
