import { type Dataset, InputError, OptionError, createDataset, groupsFromIds } from '@emkit/core';

/**
 * Takes the `spec` column (a header name, or a 1-based column number) out of the data and
 * turns its ids into group boundaries: consecutive rows with the same id form one sequence.
 */
export function splitSequenceColumn(data: Dataset, spec: string, path: string, targetSplitOff: boolean): Dataset {
  let index = data.columns ? data.columns.indexOf(spec) : -1;
  if (index === -1 && /^[1-9][0-9]*$/.test(spec)) {
    // A number counts the file's columns; once --target took one out, they no longer line up.
    if (targetSplitOff) throw new OptionError({ field: '--sequence', detail: `give the sequence column by its header name when --target is also given (got ${spec})` });
    index = Number(spec) - 1;
    if (index >= data.cols) throw new InputError({ file: path, detail: `no sequence column ${spec}: the file has ${data.cols} columns` });
  }
  if (index === -1) throw new InputError({
    file: path,
    detail: `no sequence column ${JSON.stringify(spec)}${data.columns ? ` (columns: ${data.columns.join(', ')})` : ' (the file has no header: give a 1-based column number)'}`,
  });
  if (data.cols < 2) throw new InputError({ file: path, detail: `the sequence column ${JSON.stringify(spec)} is the only column; no columns are left to model` });
  const d = data.cols - 1;
  const values = new Float64Array(data.rows * d);
  const ids = new Float64Array(data.rows);
  const mask = data.missing ? new Uint8Array(data.rows * d) : null;
  for (let i = 0; i < data.rows; i++) {
    if (data.missing?.[i * data.cols + index] === 1) throw new InputError({ file: path, detail: `row ${i + 1}: the sequence id is missing; every row needs one` });
    ids[i] = data.values[i * data.cols + index];
    for (let c = 0, o = 0; c < data.cols; c++)
      if (c !== index) {
        if (mask !== null) mask[i * d + o] = data.missing![i * data.cols + c];
        values[i * d + o++] = data.values[i * data.cols + c];
      }
  }
  return createDataset(values, data.rows, d, {
    weights: data.weights,
    columns: data.columns ? data.columns.filter((_, c) => c !== index) : null,
    target: data.target ?? null,
    groups: data.rows > 0 ? groupsFromIds(ids) : null,
    missing: mask,
    source: path,
  });
}
