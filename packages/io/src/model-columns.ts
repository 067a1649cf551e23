import { InputError, ModelFileError } from '@emkit/core';
import { type ColumnSelection, type ResolvedColumns, resolveColumns } from './columns.js';
import type { TableLayout } from './table.js';

/**
 * What a model file remembers of the data it was fitted on (its `columns` field): the fitted
 * columns' names in order, and where they were in the file, so that predict and score find the
 * same columns again by name (or, without a header, by position).
 */
export interface ModelColumns {
  /** Names of the fitted columns, in the model's order; null when the file had no header. */
  readonly names: readonly string[] | null;
  /** How many columns the training file had. */
  readonly fileColumns: number;
  /** Every column name of the training file (null without a header): columns left out then may be there again. */
  readonly fileHeader: readonly string[] | null;
  /** 1-based positions of the fitted columns in the training file, in the model's order. */
  readonly selected: readonly number[];
  /** The --label column: its name, or its 1-based number as text without a header. */
  readonly label: string | null;
  /** The --target column, likewise. */
  readonly target: string | null;
}

function columnName(layout: TableLayout, index: number | null): string | null {
  if (index === null) return null;
  return layout.header === null ? String(index + 1) : layout.header[index];
}

/** The `columns` field for a model fitted on a table with this layout. */
export function modelColumnsOf(layout: TableLayout): ModelColumns {
  const { selection } = layout;
  const columns: Record<string, unknown> = {
    names: selection.names === null ? undefined : [...selection.names],
    fileColumns: layout.count,
    fileHeader: layout.header === null ? undefined : [...layout.header],
    selected: selection.features.map((j) => j + 1),
    label: columnName(layout, selection.label) ?? undefined,
    target: columnName(layout, selection.target) ?? undefined,
  };
  // What does not apply is left out rather than written as null; readModelColumns reads it as null.
  for (const key of Object.keys(columns)) if (columns[key] === undefined) delete columns[key];
  return columns as unknown as ModelColumns;
}

/** Reads a model file's `columns` field (absent in files written before it existed: null). */
export function readModelColumns(value: unknown, cols?: number): ModelColumns | null {
  if (value === undefined) return null;
  // The short form (a stream fit's checkpoints): the fitted columns' names, all of the file's.
  if (Array.isArray(value) && value.length > 0 && value.every((n) => typeof n === 'string'))
    return { names: value, fileColumns: value.length, fileHeader: value, selected: value.map((_, j) => j + 1), label: null, target: null };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFileError({ field: 'columns', detail: 'expected an object { names, fileColumns, selected, label, target }' });
  const o = value as Record<string, unknown>;
  const names = o.names ?? null;
  if (names !== null && !(Array.isArray(names) && names.every((n) => typeof n === 'string'))) throw new ModelFileError({ field: 'columns.names', detail: 'expected an array of column names or null' });
  const fileColumns = o.fileColumns;
  if (typeof fileColumns !== 'number' || !Number.isInteger(fileColumns) || fileColumns < 1) throw new ModelFileError({ field: 'columns.fileColumns', detail: 'expected an integer ≥ 1' });
  const fileHeader = o.fileHeader ?? null;
  if (fileHeader !== null && !(Array.isArray(fileHeader) && fileHeader.length === fileColumns && fileHeader.every((n) => typeof n === 'string')))
    throw new ModelFileError({ field: 'columns.fileHeader', detail: `expected ${fileColumns} column names or null` });
  const selected = o.selected;
  if (!Array.isArray(selected) || selected.length === 0 || !selected.every((j) => typeof j === 'number' && Number.isInteger(j) && j >= 1 && j <= fileColumns))
    throw new ModelFileError({ field: 'columns.selected', detail: `expected 1-based column numbers within 1..${fileColumns}` });
  if (names !== null && (names as string[]).length !== selected.length) throw new ModelFileError({ field: 'columns.names', detail: `${(names as string[]).length} names for ${selected.length} columns` });
  if (cols !== undefined && selected.length !== cols) throw new ModelFileError({ field: 'columns.selected', detail: `${selected.length} columns, but the model has ${cols}` });
  for (const field of ['label', 'target'] as const)
    if (o[field] !== null && o[field] !== undefined && typeof o[field] !== 'string') throw new ModelFileError({ field: `columns.${field}`, detail: 'expected a column name or null' });
  return {
    names: names as string[] | null,
    fileColumns,
    fileHeader: fileHeader as string[] | null,
    selected: selected as number[],
    label: (o.label as string | null | undefined) ?? null,
    target: (o.target as string | null | undefined) ?? null,
  };
}

function list(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

/**
 * The columns of a new table that correspond to a model's: by name when both have a header
 * (reordering when only the order differs; other columns are ignored), by position otherwise.
 * `given` is what the user asked for (--columns, --drop, --label, --target): their label and
 * target win, and their columns must name the model's columns. Refuses, naming the columns,
 * when a column the model was fitted on is missing or named differently.
 */
export function matchModelColumns(model: ModelColumns, header: readonly string[] | null, count: number, given: ColumnSelection, source: string): ResolvedColumns {
  const explicit = given.columns !== undefined || given.drop !== undefined;
  const d = model.selected.length;
  const fromGiven = (): ResolvedColumns => checkModelNames(model, resolveColumns(header, count, given, source), source);
  if (explicit) return fromGiven();
  if (header !== null && model.names !== null) {
    const position = (name: string | null): number | null => (name === null ? null : header.indexOf(name) === -1 ? null : header.indexOf(name));
    const missing = model.names.filter((n) => !header.includes(n));
    if (missing.length > 0) {
      // Columns the training file had too (an id left out) are not candidates for the missing ones.
      const trained = new Set([...(model.fileHeader ?? model.names), model.label, model.target]);
      const extra = header.filter((n) => !trained.has(n));
      throw new InputError({ file: source, detail: `the model was fitted on columns ${list(model.names)}; this file lacks ${list(missing)}${extra.length > 0 ? ` and has ${list(extra)} instead` : ''}`, remedy: `rename the columns, choose them with --columns, or give a file without a header (--header no) to match by position` });
    }
    // Columns the training file did not have are refused: they may be the model's under another name.
    const known = new Set([...(model.fileHeader ?? model.names), ...[model.label, model.target, given.label, given.target].filter((n): n is string => n !== null && n !== undefined)]);
    const unknown = header.filter((n) => !known.has(n));
    if (unknown.length > 0)
      throw new InputError({ file: source, detail: `has ${unknown.length === 1 ? 'a column' : 'columns'} ${list(unknown)} that the model's training data did not have (the model was fitted on ${list(model.names)})`, remedy: `leave ${unknown.length === 1 ? 'it' : 'them'} out with --drop ${unknown.map((n) => (/^[A-Za-z0-9_.-]+$/.test(n) ? n : `'${n}'`)).join(',')}` });
    const features = model.names.map((n) => header.indexOf(n));
    const given2 = given.label !== undefined || given.target !== undefined ? resolveColumns(header, count, { label: given.label, target: given.target }, source) : null;
    const label = given2 !== null ? given2.label : position(model.label);
    const target = given2 !== null ? given2.target : position(model.target);
    if ((label !== null && features.includes(label)) || (target !== null && features.includes(target)))
      throw new InputError({ file: source, detail: 'the --label or --target column is one the model was fitted on' });
    return { features, label, target, names: [...model.names] };
  }
  // By position: the training file's layout, or every column but the label and target.
  if (count === model.fileColumns && given.label === undefined && given.target === undefined) {
    const at = (name: string | null): number | null => (model.names === null && name !== null && /^\d+$/.test(name) ? Number(name) - 1 : null);
    const features = model.selected.map((j) => j - 1);
    return { features, label: at(model.label), target: at(model.target), names: header === null ? null : features.map((j) => header[j]) };
  }
  if (count - (given.label !== undefined ? 1 : 0) - (given.target !== undefined ? 1 : 0) === d) return fromGiven();
  throw new InputError({ file: source, detail: `has ${count} column${count === 1 ? '' : 's'}, but the model was fitted on ${d}${model.fileColumns !== d ? ` of ${model.fileColumns}` : ''}${model.names !== null ? ` (${list(model.names)})` : ''}`, remedy: `choose them with --columns` });
}

/**
 * After a selection the user gave explicitly: its names must be the model's (in any order, and
 * then they are put in the model's order). Returns the features in the model's order.
 */
export function checkModelNames(model: ModelColumns, resolved: ResolvedColumns, source: string): ResolvedColumns {
  if (model.names === null || resolved.names === null) {
    if (resolved.features.length !== model.selected.length)
      throw new InputError({ file: source, detail: `${resolved.features.length} columns selected, but the model was fitted on ${model.selected.length}` });
    return resolved;
  }
  const names = resolved.names;
  const missing = model.names.filter((n) => !names.includes(n));
  const extra = names.filter((n) => !model.names!.includes(n));
  if (missing.length > 0 || extra.length > 0)
    throw new InputError({ file: source, detail: `the model was fitted on columns ${list(model.names)}; the selected columns ${missing.length > 0 ? `lack ${list(missing)}` : ''}${missing.length > 0 && extra.length > 0 ? ' and ' : ''}${extra.length > 0 ? `include ${list(extra)}` : ''}` });
  const features = model.names.map((n) => resolved.features[names.indexOf(n)]);
  return { ...resolved, features, names: [...model.names] };
}
