import { ModelFileError, OptionError } from './errors.js';

/**
 * Readers for numeric arrays in model files and `init` objects, shared by plugins. Each checks
 * shape and finiteness and names the field and index at fault, e.g. `means[2][1]`.
 */
type ErrorFactory = (field: string, message: string) => Error;

const asModelFileError: ErrorFactory = (field, message) => new ModelFileError({ field, detail: message });
const asOptionError: ErrorFactory = (field, message) => new OptionError({ field, detail: message });

export type FieldErrorKind = 'model-file' | 'option';

function factory(kind: FieldErrorKind): ErrorFactory {
  return kind === 'model-file' ? asModelFileError : asOptionError;
}

export function readFiniteNumber(value: unknown, field: string, kind: FieldErrorKind = 'model-file'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw factory(kind)(field, `expected a finite number, got ${JSON.stringify(value)}`);
  return value;
}

/** A whole number ≥ 1, such as a component count K. */
export function readCount(value: unknown, field: string, kind: FieldErrorKind = 'model-file'): number {
  const n = readFiniteNumber(value, field, kind);
  if (!Number.isInteger(n) || n < 1) throw factory(kind)(field, `expected an integer ≥ 1, got ${n}`);
  return n;
}

/**
 * K mixing weights, each ≥ 0. Weights within `tolerance` of summing to 1 (1e-3: rounded by hand,
 * say) are normalised, so that equivalent files are the same model; further off is a mistake
 * worth reporting.
 */
export function readMixtureWeights(value: unknown, field: string, k: number, kind: FieldErrorKind = 'model-file', tolerance = 1e-3): Float64Array {
  const weights = readVector(value, field, k, kind);
  let total = 0;
  weights.forEach((w, j) => {
    if (!(w >= 0)) throw factory(kind)(`${field}[${j}]`, `is ${w}; weights must be ≥ 0`);
    total += w;
  });
  if (Math.abs(total - 1) > tolerance) throw factory(kind)(field, `sum to ${total}; they must sum to 1`);
  // Renormalised only beyond round-off, so that a file emkit wrote reads back bit for bit.
  if (Math.abs(total - 1) > k * Number.EPSILON) for (let j = 0; j < k; j++) weights[j] /= total;
  return weights;
}

/** A flat vector of `length` finite numbers (length undefined: any length ≥ 1). */
export function readVector(value: unknown, field: string, length?: number, kind: FieldErrorKind = 'model-file'): Float64Array {
  const err = factory(kind);
  if (!Array.isArray(value)) throw err(field, `expected an array of numbers, got ${describe(value)}`);
  if (length !== undefined && value.length !== length) throw err(field, `expected ${length} numbers, got ${value.length}`);
  if (value.length === 0) throw err(field, 'expected at least one number, got an empty array');
  const out = new Float64Array(value.length);
  value.forEach((x, i) => (out[i] = readFiniteNumber(x, `${field}[${i}]`, kind)));
  return out;
}

/** A rows×cols matrix given as nested arrays, flattened row-major. */
export function readMatrix(value: unknown, field: string, rows?: number, cols?: number, kind: FieldErrorKind = 'model-file'): { values: Float64Array; rows: number; cols: number } {
  const err = factory(kind);
  if (!Array.isArray(value)) throw err(field, `expected an array of rows, got ${describe(value)}`);
  if (rows !== undefined && value.length !== rows) throw err(field, `expected ${rows} rows, got ${value.length}`);
  if (value.length === 0) throw err(field, 'expected at least one row');
  const first = value[0];
  const c = cols ?? (Array.isArray(first) ? first.length : 0);
  const out = new Float64Array(value.length * c);
  value.forEach((row, i) => out.set(readVector(row, `${field}[${i}]`, c, kind), i * c));
  return { values: out, rows: value.length, cols: c };
}

/** A K×D×D stack of matrices given as nested arrays, flattened. */
export function readMatrixStack(value: unknown, field: string, count: number, n: number, kind: FieldErrorKind = 'model-file'): Float64Array {
  const err = factory(kind);
  if (!Array.isArray(value)) throw err(field, `expected ${count} matrices of ${n}×${n}, got ${describe(value)}`);
  if (value.length !== count) throw err(field, `expected ${count} matrices, got ${value.length}`);
  const out = new Float64Array(count * n * n);
  value.forEach((m, i) => out.set(readMatrix(m, `${field}[${i}]`, n, n, kind).values, i * n * n));
  return out;
}

/** Nested arrays from a flat row-major array (for writing JSON in scikit-learn shapes). */
export function toNested(values: ArrayLike<number>, rows: number, cols: number, offset = 0): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from({ length: cols }, (_, j) => values[offset + i * cols + j]));
  return out;
}

/** `count` row-major rows×cols matrices stored one after another (K×D×D covariances) as nested arrays. */
export function toNestedStack(values: ArrayLike<number>, count: number, rows: number, cols: number): number[][][] {
  return Array.from({ length: count }, (_, j) => toNested(values, rows, cols, j * rows * cols));
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * The fields of a given-parameters object (an `init` option) that are present, each read by its
 * reader, in the readers' order, with its path (`init.means`) for errors; absent ones stay absent.
 */
export function readGivenFields<T extends object>(
  given: object | null | undefined,
  prefix: string,
  readers: { readonly [K in keyof T]-?: (value: unknown, field: string) => T[K] },
): Partial<T> {
  const out: Partial<T> = {};
  if (!given) return out;
  for (const key of Object.keys(readers) as (keyof T & string)[]) {
    const value: unknown = (given as Readonly<Record<string, unknown>>)[key];
    if (value !== undefined) out[key] = readers[key](value, `${prefix}.${key}`);
  }
  return out;
}
