import type { AnyModelPlugin, OptionSpec } from '@emkit/core';
import { kebab } from '../ui/format.js';

/**
 * A model's form, derived from its plugin's option specs (as the CLI derives its flags), so a
 * third-party plugin gets one without code here. Values are kept as text by option name and
 * shared across models (K typed for one model stays for the next).
 */
export interface FormField {
  readonly name: string;
  /** The element id: the CLI flag without dashes (`learningRate` → `learning-rate`). */
  readonly id: string;
  readonly spec: OptionSpec;
}

/** Fields shown before "more options". */
export const PRIMARY_FIELDS = 5;

/** Options a form can hold: every spec but JSON files (given parameters, priors as matrices). */
export function formFields(plugin: AnyModelPlugin): { primary: FormField[]; more: FormField[] } {
  const fields = plugin.optionSpecs.filter((s) => s.type !== 'json').map((spec) => ({ name: spec.name, id: kebab(spec.name), spec }));
  return { primary: fields.slice(0, PRIMARY_FIELDS), more: fields.slice(PRIMARY_FIELDS) };
}

/** The text a field starts with: the spec's default, else 2 components for `k`, else 1 for a required number. */
export function initialValue(spec: OptionSpec): string {
  if (spec.defaultValue !== undefined) return String(spec.defaultValue);
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
    if (text === '' || (spec.defaultValue !== undefined && text === String(spec.defaultValue))) continue;
    if (spec.type === 'number' || spec.type === 'integer') raw[name] = Number(text);
    else if (spec.type === 'list')
      raw[name] = text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    else raw[name] = text;
  }
  return raw;
}
