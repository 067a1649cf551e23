import type { AnyModelPlugin, OptionSpec } from '@emkit/core';
import { kebab } from '../ui/format.js';

/**
 * A model's form, derived from its plugin's option specs (which its option schema gives, as it
 * gives the CLI's flags), so a third-party plugin gets one without code here. Values are kept as
 * text by option name and shared across models (K typed for one model stays for the next).
 */
export interface FormField {
  readonly name: string;
  /** The element id: the CLI flag (`learningRate` → `learning-rate`). */
  readonly id: string;
  readonly spec: OptionSpec;
}

/** The options under one heading of "more options" (the spec's group: `start`, `prior`, …). */
export interface FieldGroup {
  readonly group: string;
  readonly fields: readonly FormField[];
}

/** Fields shown before "more options". */
export const PRIMARY_FIELDS = 5;

/**
 * Options a form can hold: every spec but JSON files (given parameters, priors as matrices), in
 * the plugin's order. The first few are shown at once; the rest go under "more options", a
 * heading per group of the option schema (`start`, `prior`, …; `other` for ungrouped ones).
 */
export function formFields(plugin: AnyModelPlugin): { primary: FormField[]; more: FormField[]; groups: FieldGroup[] } {
  const fields = plugin.optionSpecs.filter((s) => s.type !== 'json').map((spec) => ({ name: spec.name, id: spec.flag ?? kebab(spec.name), spec }));
  const more = fields.slice(PRIMARY_FIELDS);
  const groups: FieldGroup[] = [];
  for (const field of more) {
    const name = field.spec.group ?? 'other';
    const group = groups.find((g) => g.group === name);
    if (group) (group.fields as FormField[]).push(field);
    else groups.push({ group: name, fields: [field] });
  }
  return { primary: fields.slice(0, PRIMARY_FIELDS), more: groups.flatMap((g) => g.fields), groups };
}

/** The default as a field's text: the spec's default value, or the choice its default text names. */
function defaultOf(spec: OptionSpec): string | undefined {
  if (spec.defaultValue !== undefined) return String(spec.defaultValue);
  return spec.defaultText !== undefined && spec.choices?.includes(spec.defaultText) ? spec.defaultText : undefined;
}

/**
 * The text a field starts with: the spec's default; for choices, the choice its default text
 * names (gmm's prior: none); else 2 components for `k`, else 1 for a required number.
 */
export function initialValue(spec: OptionSpec): string {
  const byDefault = defaultOf(spec);
  if (byDefault !== undefined) return byDefault;
  if (spec.name === 'k') return '2';
  if (spec.required && (spec.type === 'number' || spec.type === 'integer')) return '1';
  return '';
}

/** The field's text: what was typed for this option name, unless it is not one of this model's choices. */
export function valueOf(spec: OptionSpec, values: Readonly<Record<string, string>>): string {
  const typed = values[spec.name];
  if (typed === undefined || (spec.type === 'string' && spec.choices && !spec.choices.includes(typed))) return initialValue(spec);
  return typed;
}

/**
 * The raw options for plugin.parseOptions from the form's text, as `emkit fit <model>` builds them
 * from flags: only fields whose value differs from the default (parseOptions fills those in, and
 * some options may only be given together); numbers as numbers, lists split at commas. parseOptions
 * stays the one place values are validated (its OptionError names the field).
 */
export function rawOptions(plugin: AnyModelPlugin, values: Readonly<Record<string, string>>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const { primary, more } = formFields(plugin);
  for (const { name, spec } of [...primary, ...more]) {
    const text = valueOf(spec, values).trim();
    if (text === '' || text === defaultOf(spec)) continue;
    // Text that is no number goes as it is, for parseOptions to refuse in its words (got "abc").
    if (spec.type === 'number' || spec.type === 'integer') raw[name] = Number.isNaN(Number(text)) ? text : Number(text);
    else if (spec.type === 'list')
      raw[name] = text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    else raw[name] = text;
  }
  return raw;
}
