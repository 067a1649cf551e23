import { InputError } from '@emkit/core';

/**
 * Which columns of a table are fitted, which one holds ground-truth labels and which one a
 * regression target. Each list is comma-separated items: a header name, a 1-based column number,
 * or a range of numbers `2..5`. The same selection is used by every reader (CSV, Parquet,
 * Arrow) and by the web app's loader, so it is resolved here, once, against the header.
 */
export interface ColumnSelection {
  /** Columns to fit (all others are left out). Default: every column but label and target. */
  columns?: string;
  /** Columns to leave out. */
  drop?: string;
  /** A ground-truth column (any strings), kept out of the fit. */
  label?: string;
  /** A regression target (numbers), kept out of the features. */
  target?: string;
}

/** The selection resolved against a table's header: 0-based indices into the table's columns. */
export interface ResolvedColumns {
  /** The fitted columns in the order the user gave (file order by default). */
  readonly features: readonly number[];
  readonly label: number | null;
  readonly target: number | null;
  /** Names of the fitted columns (`null` for a table without a header). */
  readonly names: readonly string[] | null;
}

function knownColumns(header: readonly string[] | null, count: number): string {
  return header === null ? `the data has no header; give column numbers 1..${count}` : `columns: ${header.join(', ')}`;
}

/** 0-based indices named by one comma-separated list of names, numbers and ranges. */
export function columnIndices(list: string, header: readonly string[] | null, count: number, source: string, flag: string): number[] {
  const out: number[] = [];
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (item === '') throw new InputError({ file: source, detail: `${flag}: empty item in ${JSON.stringify(list)}`, remedy: `give names, 1-based numbers or ranges such as 2..5` });
    const byName = header === null ? -1 : header.indexOf(item);
    if (byName !== -1) {
      out.push(byName);
      continue;
    }
    const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(item);
    const single = /^\d+$/.test(item) ? Number(item) : null;
    const [from, to] = range ? [Number(range[1]), Number(range[2])] : single !== null ? [single, single] : [NaN, NaN];
    if (Number.isNaN(from)) throw new InputError({ file: source, detail: `${flag}: no column ${JSON.stringify(item)} (${knownColumns(header, count)})` });
    if (from < 1 || to > count || from > to)
      throw new InputError({ file: source, detail: `${flag}: ${range ? `range ${item}` : `column number ${item}`} is outside 1..${count}${from > to ? ' (write a range low..high)' : ''}` });
    for (let j = from; j <= to; j++) out.push(j - 1);
  }
  return out;
}

/**
 * Resolves a selection against a header (or, without one, a column count). Errors name the
 * flag and the columns there are; a column may not be both fitted and the label or target.
 */
export function resolveColumns(header: readonly string[] | null, count: number, selection: ColumnSelection, source: string): ResolvedColumns {
  const one = (spec: string | undefined, flag: string): number | null => {
    if (spec === undefined) return null;
    const found = columnIndices(spec, header, count, source, flag);
    if (found.length !== 1) throw new InputError({ file: source, detail: `${flag}: name one column, got ${JSON.stringify(spec)}` });
    return found[0];
  };
  const label = one(selection.label, '--label');
  const target = one(selection.target, '--target');
  if (label !== null && label === target) throw new InputError({ file: source, detail: `--label and --target name the same column (${describeColumn(header, label)})` });
  const aside = new Set([label, target].filter((j): j is number => j !== null));
  let features: number[];
  if (selection.columns !== undefined) {
    features = [...new Set(columnIndices(selection.columns, header, count, source, '--columns'))];
    const clash = features.find((j) => aside.has(j));
    if (clash !== undefined)
      throw new InputError({ file: source, detail: `--columns includes ${describeColumn(header, clash)}, which is the ${clash === label ? 'label' : 'target'}; it cannot also be fitted` });
  } else features = Array.from({ length: count }, (_, j) => j).filter((j) => !aside.has(j));
  if (selection.drop !== undefined) {
    const dropped = new Set(columnIndices(selection.drop, header, count, source, '--drop'));
    features = features.filter((j) => !dropped.has(j));
  }
  if (features.length === 0) throw new InputError({ file: source, detail: `no columns are left to fit (${knownColumns(header, count)})` });
  return { features, label, target, names: header === null ? null : features.map((j) => header[j]) };
}

/** `"class" (column 3)` or `column 3`, for messages. */
export function describeColumn(header: readonly string[] | null, index: number): string {
  return header === null ? `column ${index + 1}` : `${JSON.stringify(header[index])} (column ${index + 1})`;
}

/** How to name a column in a flag: its header name when it has one, else its number. */
export function columnFlagValue(header: readonly string[] | null, index: number): string {
  if (header === null) return String(index + 1);
  const name = header[index];
  if (/^[A-Za-z0-9_.-]+$/.test(name)) return name;
  // Control characters cannot be typed in a quoted shell word: give the number instead.
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  return /[\u0000-\u001f\u007f]/.test(name) ? String(index + 1) : `'${name.replace(/'/g, "'\\''")}'`;
}

/** The message for a column that holds text where numbers were expected. */
export function nonNumericColumnMessage(header: readonly string[] | null, index: number, cell: string): string {
  const flag = columnFlagValue(header, index);
  return `${describeColumn(header, index)} is not numeric (it holds ${JSON.stringify(cell.length > 40 ? `${cell.slice(0, 37)}...` : cell)}); leave it out with --drop ${flag}, or keep it as ground truth with --label ${flag}`;
}

/**
 * Fitted columns that look like a row id: exactly 0, 1, …, N−1 or 1, 2, …, N in row order.
 * Fitting such a column as a feature is almost always a mistake.
 */
export function rowIdColumns(values: Float64Array, rows: number, cols: number): number[] {
  const found: number[] = [];
  if (rows < 3) return found;
  for (let j = 0; j < cols; j++) {
    const first = values[j];
    if (first !== 0 && first !== 1) continue;
    let i = 1;
    while (i < rows && values[i * cols + j] === first + i) i++;
    if (i === rows) found.push(j);
  }
  return found;
}
