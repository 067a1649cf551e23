// The fixture readers every package's tests share (tools/test-support), wrapped with this package's @emkit/core.
import { createDataset, type Dataset } from '@emkit/core';
import { readFixtureTable } from '../../../../tools/test-support/fixtures.js';

export { fixturesDir, readFixture } from '../../../../tools/test-support/fixtures.js';

/**
 * A fixture CSV (one header row, numbers only) as a design matrix: every column except
 * `targetColumn`, which becomes `Dataset.target` (as the CLI's `--target` does).
 */
export function readRegressionDataset(name: string, targetColumn: string): Dataset {
  const table = readFixtureTable(name);
  const { header, cols } = table;
  const t = header.indexOf(targetColumn);
  if (t < 0) throw new Error(`${name}.csv has no column ${targetColumn}`);
  const columns = header.filter((_, j) => j !== t);
  const m = columns.length;
  const values = new Float64Array(table.rows * m);
  const target = new Float64Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    target[i] = table.values[i * cols + t];
    for (let j = 0, c = 0; j < cols; j++) if (j !== t) values[i * m + c++] = table.values[i * cols + j];
  }
  return createDataset(values, table.rows, m, { columns, target, source: name });
}
