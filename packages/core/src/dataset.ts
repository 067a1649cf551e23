import { InputError } from './errors.js';
import type { ShardSource } from './external.js';

/**
 * N rows × D columns of float64 values, row-major, with optional per-row sample weights.
 * A row of weight w counts as w rows in every plugin's sums. `values` may be a view on a
 * SharedArrayBuffer so that workers read the same memory.
 */
export interface Dataset {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
  readonly weights: Float64Array | null;
  readonly columns: readonly string[] | null;
  /**
   * A per-row response for supervised latent models (Bayesian linear regression by EM);
   * absent or null for unsupervised models.
   */
  readonly target?: Float64Array | null;
  /**
   * Group boundaries (sequences of an HMM): group g is rows [groups[g], groups[g + 1]), so
   * groups[0] = 0, groups[G] = rows and the entries increase strictly. The shard plan never cuts
   * a group; models of independent rows ignore it. Absent or null: no groups.
   */
  readonly groups?: Int32Array | null;
  /**
   * Missing cells (N×D row-major, 1 = missing; their `values` are NaN), for models that
   * marginalise them (plugins declaring `missingValues`). Absent or null: every cell is present.
   */
  readonly missing?: Uint8Array | null;
  /**
   * The rows live on disk, not in `values` (an out-of-core fit, see externalDataset): `values`
   * is empty and executors read each shard through this source where they compute it.
   */
  readonly external?: ShardSource | null;
}

/**
 * The largest magnitude a value may have: every emkit model squares values (distances,
 * variances), and beyond 1e150 a square overflows float64.
 */
export const MAX_MAGNITUDE = 1e150;

/** A half-open range of rows [start, end): the unit of work of a sharded E-step. */
export interface RowRange {
  readonly start: number;
  readonly end: number;
}

export interface DatasetOptions {
  weights?: Float64Array | readonly number[] | null;
  columns?: readonly string[] | null;
  /** One response value per row (see Dataset.target). */
  target?: Float64Array | readonly number[] | null;
  /**
   * Missing cells: an N×D mask (1 = missing), or 'nan' to treat NaN values as missing. Missing
   * cells are stored as NaN; the others must still be finite. Without it every cell must be.
   */
  missing?: Uint8Array | 'nan' | null;
  /** Group boundaries (see Dataset.groups). */
  groups?: Int32Array | readonly number[] | null;
  /** Named in error messages (a file name, "data"). */
  source?: string;
}

/**
 * Checks shape, finiteness and weights and returns a Dataset. Errors name the row and column
 * (1-based) of the first offending value.
 */
export function createDataset(values: Float64Array, rows: number, cols: number, options: DatasetOptions = {}): Dataset {
  const source = options.source ?? 'data';
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 1)
    throw new InputError({ file: source, detail: `bad shape ${rows}×${cols}: need a whole number of rows and at least one column` });
  if (values.length !== rows * cols) throw new InputError({ file: source, detail: `has ${values.length} values, expected ${rows}×${cols} = ${rows * cols}` });
  const missing = missingMask(values, rows, cols, options.missing ?? null, source);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (missing !== null && missing[i] === 1) {
      values[i] = NaN;
      continue;
    }
    if (!Number.isFinite(x) || Math.abs(x) > MAX_MAGNITUDE) {
      const where = `row ${Math.floor(i / cols) + 1}, column ${(i % cols) + 1} is ${x}`;
      throw new InputError({
        file: source,
        row: Math.floor(i / cols) + 1,
        column: (i % cols) + 1,
        detail: Number.isFinite(x)
          ? `${where}; values beyond ±${MAX_MAGNITUDE} overflow when squared (distances, variances): rescale that column, e.g. divide it by a power of ten`
          : `${where}; every value must be a finite number (missing values: createDataset with missing: 'nan' or a mask, for models that marginalise them)`,
      });
    }
  }
  let weights: Float64Array | null = null;
  if (options.weights != null) {
    weights = options.weights instanceof Float64Array ? options.weights : Float64Array.from(options.weights);
    if (weights.length !== rows) throw new InputError({ file: source, detail: `has ${weights.length} sample weights for ${rows} rows` });
    for (let i = 0; i < rows; i++)
      if (!(weights[i] >= 0) || !Number.isFinite(weights[i]))
        throw new InputError({ file: source, detail: `sample weight of row ${i + 1} is ${weights[i]}; weights must be finite and ≥ 0` });
  }
  const columns = options.columns ?? null;
  if (columns !== null && columns.length !== cols) throw new InputError({ file: source, detail: `has ${columns.length} column names for ${cols} columns` });
  let target: Float64Array | null = null;
  if (options.target != null) {
    target = options.target instanceof Float64Array ? options.target : Float64Array.from(options.target);
    if (target.length !== rows) throw new InputError({ file: source, detail: `has ${target.length} target values for ${rows} rows` });
    for (let i = 0; i < rows; i++)
      if (!Number.isFinite(target[i])) throw new InputError({ file: source, detail: `target of row ${i + 1} is ${target[i]}; every value must be a finite number` });
  }
  const groups = options.groups != null ? checkGroups(options.groups, rows, source) : null;
  return { rows, cols, values, weights, columns, target, ...(groups !== null ? { groups } : {}), ...(missing !== null ? { missing } : {}) };
}

/** Validated group boundaries: 0 = g₀ < g₁ < … < g_G = rows. */
export function checkGroups(boundaries: Int32Array | readonly number[], rows: number, source = 'data'): Int32Array {
  const groups = boundaries instanceof Int32Array ? boundaries : Int32Array.from(boundaries);
  if (groups.length < 2 || groups[0] !== 0 || groups[groups.length - 1] !== rows)
    throw new InputError({
      file: source,
      detail: `group boundaries must start at 0 and end at the row count ${rows}, got [${Array.from(groups.subarray(0, 3)).join(', ')}${groups.length > 3 ? ', …' : ''}] (${groups.length} entries)`,
    });
  for (let g = 1; g < groups.length; g++)
    if (!(groups[g] > groups[g - 1])) throw new InputError({ file: source, detail: `group ${g} is empty (boundary ${groups[g - 1]} then ${groups[g]}); boundaries must increase` });
  return groups;
}

/** A Dataset's group boundaries, or the whole data set as one group. */
export function groupBoundaries(data: Dataset): Int32Array {
  return data.groups ?? Int32Array.of(0, data.rows);
}

/** Group boundaries from one id per row: consecutive rows with the same id form one group. */
export function groupsFromIds(ids: ArrayLike<number>): Int32Array {
  const out: number[] = [0];
  for (let i = 1; i < ids.length; i++) if (!Object.is(ids[i], ids[i - 1])) out.push(i);
  if (ids.length > 0) out.push(ids.length);
  return Int32Array.from(out);
}

/** The missing mask of DatasetOptions.missing, checked against the shape; null when nothing is missing. */
function missingMask(values: Float64Array, rows: number, cols: number, spec: Uint8Array | 'nan' | null, source: string): Uint8Array | null {
  if (spec === null) return null;
  let mask: Uint8Array;
  if (spec === 'nan') mask = Uint8Array.from(values, (x) => (Number.isNaN(x) ? 1 : 0));
  else {
    if (!(spec instanceof Uint8Array) || spec.length !== rows * cols) throw new InputError({ file: source, detail: `the missing mask must be a Uint8Array of ${rows}×${cols} = ${rows * cols} entries` });
    mask = spec;
  }
  let any = false;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] > 1) throw new InputError({ file: source, detail: `missing mask entry ${i} is ${mask[i]}; entries are 0 (present) or 1 (missing)` });
    if (mask[i] === 1) any = true;
  }
  return any ? mask : null;
}

/** The number of missing cells (0 without a mask). */
export function missingCount(data: Dataset): number {
  if (!data.missing) return 0;
  let n = 0;
  for (let i = 0; i < data.missing.length; i++) n += data.missing[i];
  return n;
}

/**
 * The data with each missing cell replaced by fill(sum, count) of its column's observed cells
 * (a column's mean, its majority bit…), and no mask: where a fit with missing values starts
 * from. Weights, column names, target and groups are kept.
 */
export function withMissingFilled(data: Dataset, fill: (sum: number, count: number) => number): Dataset {
  const mask = data.missing;
  if (!mask) return data;
  const { rows, cols } = data;
  const sums = new Float64Array(cols);
  const counts = new Float64Array(cols);
  for (let i = 0; i < rows * cols; i++)
    if (mask[i] === 0) {
      sums[i % cols] += data.values[i];
      counts[i % cols]++;
    }
  const values = data.values.slice();
  for (let i = 0; i < rows * cols; i++) if (mask[i] === 1) values[i] = fill(sums[i % cols], counts[i % cols]);
  return createDataset(values, rows, cols, { weights: data.weights, columns: data.columns, target: data.target ?? null, groups: data.groups ?? null });
}

/** Whether row i has a missing cell. */
export function rowHasMissing(data: Dataset, i: number): boolean {
  const m = data.missing;
  if (!m) return false;
  for (let c = i * data.cols, end = c + data.cols; c < end; c++) if (m[c] === 1) return true;
  return false;
}

/** A Dataset from an array of equal-length rows. */
export function datasetFromRows(rows: readonly (readonly number[])[], options: DatasetOptions = {}): Dataset {
  const n = rows.length;
  const d = n > 0 ? rows[0].length : 0;
  const values = new Float64Array(n * d);
  rows.forEach((row, i) => {
    if (row.length !== d) throw new InputError({ file: options.source ?? 'data', row: i + 1, detail: `row ${i + 1} has ${row.length} values, expected ${d}` });
    values.set(row, i * d);
  });
  return createDataset(values, n, Math.max(d, 1), options);
}

/**
 * A Dataset from named columns of equal length, in the order given: `{ sepalLength: [...],
 * petalWidth: Float64Array }`. The names become the dataset's column names.
 */
export function datasetFromColumns(columns: Readonly<Record<string, Float64Array | readonly number[]>>, options: Omit<DatasetOptions, 'columns'> = {}): Dataset {
  const source = options.source ?? 'data';
  const names = Object.keys(columns);
  if (names.length === 0) throw new InputError({ file: source, detail: 'no columns given', remedy: 'pass an object with at least one column: { x: [...] }' });
  const n = columns[names[0]].length;
  const d = names.length;
  const values = new Float64Array(n * d);
  names.forEach((name, j) => {
    const column = columns[name];
    if (column === null || typeof column !== 'object' || typeof column.length !== 'number')
      throw new InputError({ file: source, field: name, detail: 'is not an array of numbers', remedy: 'give each column as a Float64Array or an array of numbers' });
    if (column.length !== n) throw new InputError({ file: source, field: name, detail: `has ${column.length} values, expected ${n} as in column ${JSON.stringify(names[0])}` });
    for (let i = 0; i < n; i++) values[i * d + j] = column[i];
  });
  return createDataset(values, n, d, { ...options, columns: names });
}

/** Σ weights, or N when the rows are unweighted. */
export function totalWeight(data: Dataset): number {
  if (data.weights === null) return data.rows;
  let s = 0;
  for (let i = 0; i < data.rows; i++) s += data.weights[i];
  return s;
}

/** The weight of row i (1 when unweighted). */
export function rowWeight(data: Dataset, i: number): number {
  return data.weights === null ? 1 : data.weights[i];
}

/**
 * The weighted column means and the covariance with N − 1 in the denominator (numpy's np.cov),
 * weights counting as repeated rows: the data-derived defaults of the Bayesian priors.
 */
export function dataMoments(data: Dataset): { mean: Float64Array; covariance: Float64Array; weight: number } {
  const d = data.cols;
  const weight = totalWeight(data);
  const mean = new Float64Array(d);
  for (let i = 0; i < data.rows; i++) {
    const w = rowWeight(data, i);
    for (let c = 0; c < d; c++) mean[c] += w * data.values[i * d + c];
  }
  for (let c = 0; c < d; c++) mean[c] /= weight;
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < data.rows; i++) {
    const w = rowWeight(data, i);
    if (w === 0) continue;
    for (let a = 0; a < d; a++) {
      const xa = data.values[i * d + a] - mean[a];
      for (let b = 0; b <= a; b++) covariance[a * d + b] += w * xa * (data.values[i * d + b] - mean[b]);
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = 0; b <= a; b++) {
      covariance[a * d + b] /= weight - 1;
      covariance[b * d + a] = covariance[a * d + b];
    }
  return { mean, covariance, weight };
}

/** A view of rows [start, end) sharing memory with `data`. */
export function sliceRows(data: Dataset, range: RowRange): Dataset {
  return {
    rows: range.end - range.start,
    cols: data.cols,
    values: data.values.subarray(range.start * data.cols, range.end * data.cols),
    weights: data.weights === null ? null : data.weights.subarray(range.start, range.end),
    columns: data.columns,
    target: data.target ? data.target.subarray(range.start, range.end) : null,
    ...(data.groups ? { groups: groupsWithin(data.groups, range) } : {}),
    ...(data.missing ? { missing: data.missing.subarray(range.start * data.cols, range.end * data.cols) } : {}),
  };
}

/** The boundaries of the groups overlapping `range`, cut to it and counted from range.start. */
export function groupsWithin(groups: Int32Array, range: RowRange): Int32Array {
  const out: number[] = [0];
  for (let g = 1; g < groups.length; g++) if (groups[g] > range.start && groups[g] < range.end) out.push(groups[g] - range.start);
  if (range.end > range.start) out.push(range.end - range.start);
  return Int32Array.from(out);
}

/** Row i as a plain array (for messages and small outputs, not hot loops). */
export function rowAt(data: Dataset, i: number): number[] {
  return Array.from(data.values.subarray(i * data.cols, (i + 1) * data.cols));
}
