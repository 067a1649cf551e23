// Shared by the packages' tests (not shipped): reads ../shared/fixtures beside the repository.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/fixtures beside the repository, as CI lays it out. */
export const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures');

export function readFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(fixturesDir, 'reference', name), 'utf8')) as T;
}

export function fixtureNames(prefix: string): string[] {
  return readdirSync(join(fixturesDir, 'reference'))
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort();
}

/**
 * The fixture CSVs are plain: one header row, numbers only. Returns the raw table; each
 * package wraps it with its own @emkit/core (this folder is not a package and has no
 * dependencies).
 */
export function readFixtureTable(name: string): { header: string[]; values: Float64Array; rows: number; cols: number } {
  const lines = readFileSync(join(fixturesDir, 'datasets', `${name}.csv`), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const d = rows[0].length;
  const values = new Float64Array(rows.length * d);
  rows.forEach((r, i) => values.set(r, i * d));
  return { header, values, rows: rows.length, cols: d };
}
