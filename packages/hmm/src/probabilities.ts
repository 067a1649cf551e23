import { ModelFileError, OptionError } from '@emkit/core';

/**
 * Rows of probabilities (R×C) checked (≥ 0, each row summing to 1 within `tolerance`) and
 * normalised, so that equivalent files are the same model. Errors name `field` and the row.
 */
export function normalisedRows(values: Float64Array, rows: number, cols: number, field: string, kind: 'option' | 'model-file', tolerance: number): Float64Array {
  const fail = (where: string, message: string): never => {
    throw kind === 'option' ? new OptionError({ field: where, detail: message }) : new ModelFileError({ field: where, detail: message });
  };
  const out = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let c = 0; c < cols; c++) {
      const p = values[r * cols + c];
      if (!(p >= 0)) fail(rows === 1 ? `${field}[${c}]` : `${field}[${r}][${c}]`, `is ${p}; probabilities must be ≥ 0`);
      total += p;
    }
    if (!(Math.abs(total - 1) <= tolerance)) fail(rows === 1 ? field : `${field}[${r}]`, `sums to ${total}; probabilities must sum to 1`);
    for (let c = 0; c < cols; c++) out[r * cols + c] = values[r * cols + c] / total;
  }
  return out;
}

/** Σ log p over the support (p > 0): the log of an unnormalised symmetric Dirichlet density, divided by α − 1. */
export function sumLogSupport(values: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (values[off + i] > 0) s += Math.log(values[off + i]);
  return s;
}
