import { type Dataset, InputError, hasErrorCode, restateError } from '@emkit/core';
import { splitSequenceColumn } from './sequence.js';

/** --missing: refuse missing cells (default) or read them as a mask for models that marginalise them. */
export type MissingMode = 'error' | 'marginalize';
import { type HeaderMode, readDatasetFile } from '@emkit/io/node';

/** A CSV file read for a command: the dataset and where its rows are in the file. */
export interface DataFile {
  readonly path: string;
  readonly dataset: Dataset;
  /** Lines before the first data row (1 with a header, else 0): row r is on line r + offset. */
  readonly lineOffset: number;
}

/**
 * The rows of `path`, with the `target` column as the dataset's target (for supervised models)
 * and the `sequence` column's ids as its groups (for sequence models).
 */
export async function readDataFile(path: string, options: { header: HeaderMode; target?: string; sequence?: string; missing?: MissingMode }): Promise<DataFile> {
  const parsed = await readDatasetFile(path, { header: options.header, target: options.target, missing: options.missing });
  let dataset = parsed.target ? { ...parsed.dataset, target: parsed.target } : parsed.dataset;
  if (options.sequence !== undefined) dataset = splitSequenceColumn(dataset, options.sequence, path, options.target !== undefined);
  // The reader refuses blank lines before or inside the data, so only a header shifts rows.
  return { path, dataset, lineOffset: parsed.columns === null ? 0 : 1 };
}

/**
 * Plugins check data they are given as a Dataset (0/1 values, a target, the column count) and
 * name it "data" and its rows. In the CLI that data is a file: name it, and turn the row into
 * the file's line, so the error reads like the CSV reader's own.
 */
export function inDataFile(error: unknown, file: DataFile): unknown {
  if (!hasErrorCode(error, 'input') || error.file !== 'data') return error;
  return restateError(error, { file: file.path, line: error.row === undefined ? undefined : error.row + file.lineOffset, row: undefined });
}

/**
 * Refuses a non-finite per-row output (NaN responsibilities, a −∞ score): emkit never writes
 * NaN or Infinity. It happens when a row has zero density under every component of a model —
 * typically a hand-written model with tiny variances, or data far outside what it was fitted to.
 */
export function checkFiniteRows(values: ArrayLike<number>, cols: number, file: DataFile, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) continue;
    const row = Math.floor(i / cols) + 1;
    throw new InputError({
      file: file.path,
      detail: `row ${row}: the model gives ${what} ${values[i]} (the row has zero density under the model: it lies too far from every component for float64); check that the data and the model match`,
      line: row + file.lineOffset,
    });
  }
}

