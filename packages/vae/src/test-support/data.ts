// The fixture readers every package's tests share (tools/test-support), wrapped with this package's @emkit/core.
import { createDataset, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { readFixtureTable } from '../../../../tools/test-support/fixtures.js';

export { fixturesDir } from '../../../../tools/test-support/fixtures.js';

/** A fixture CSV (one header row, numbers only) as a Dataset. */
export function readFixtureDataset(name: string): Dataset {
  const { values, rows, cols } = readFixtureTable(name);
  return createDataset(values, rows, cols, { source: name });
}

/** n rows × d columns of 0/1 data from a few groups with probabilities 0.1 or 0.9. */
export function binaryRows(seed: number, n: number, d: number, groups = 3, weighted = false): Dataset {
  const random = new Random(seed);
  const p = Array.from({ length: groups }, () => Array.from({ length: d }, () => (random.next() < 0.5 ? 0.1 : 0.9)));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const g = random.nextInt(groups);
    for (let c = 0; c < d; c++) values[i * d + c] = random.next() < p[g][c] ? 1 : 0;
  }
  const weights = weighted ? Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 0.5 + random.next() * 2)) : null;
  return createDataset(values, n, d, { weights });
}

/** n rows × d columns of real data on a noisy 1-D curve (a latent structure a VAE can find). */
export function realRows(seed: number, n: number, d: number, weighted = false): Dataset {
  const random = new Random(seed);
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const t = 2 * random.next() - 1;
    for (let c = 0; c < d; c++) values[i * d + c] = Math.sin((c + 1) * t) * (1 + c) + 0.1 * random.nextNormal();
  }
  const weights = weighted ? Array.from({ length: n }, (_, i) => (i % 5 === 2 ? 0 : 0.5 + random.next())) : null;
  return createDataset(values, n, d, { weights });
}
