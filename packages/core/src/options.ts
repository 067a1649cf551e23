import { z } from 'zod';
import { KERNEL_CHOICES, KERNELS_OPTION_SPEC, type KernelChoice } from '@emkit/linalg';
import { OptionError, readingModelFile } from './errors.js';
import type { OptionKind, OptionSpec } from './plugin.js';

/**
 * What a plugin author attaches to an option's zod schema with `.meta({ … })`: everything a user
 * interface needs that the schema itself cannot say. The kind, choices, default and whether the
 * option is required are read from the schema (`z.enum`, `.default()`, `.optional()`), so each
 * is written once. See `defineOptions`.
 */
export interface OptionMeta {
  /** One line for `--help`, `emkit models` and the web form. */
  readonly description: string;
  /** How a user interface takes the value, where the schema does not say (unions, objects): a JSON file is `json`. */
  readonly kind?: OptionKind;
  /** The CLI flag without its dashes; default: the name in kebab case (`regCovar` → `reg-covar`). */
  readonly flag?: string;
  /** The accepted values, where the schema is not a `z.enum` (a string mapped by a transform, say). */
  readonly choices?: readonly string[];
  /** What `all` stands for in `emkit select … --covariance all`; default: every choice. */
  readonly allChoices?: readonly string[];
  /** The heading the option is listed under in `--help` and the web form (`prior`, `start`); absent: the model's main options. */
  readonly group?: string;
  /** The default as shown, where the schema's default is not a value to show (`null` for "from the data"): `D + 2`, `the data mean`. */
  readonly defaultText?: string;
  /** What a valid value is, for error messages and help, where the schema cannot say it (`[a, b] with a, b ≥ 1`). */
  readonly expected?: string;
  /**
   * Whether model files keep the option: `always`, or `non-default` (only when it differs from the
   * default, so files of plain fits stay unchanged). Absent: a fit-time setting (a start, the
   * kernels) that model files leave out. `fromModelFile` reads back exactly these fields.
   */
  readonly modelFile?: 'always' | 'non-default';
}

declare module 'zod/v4/core' {
  // `.meta()` on an option's schema takes emkit's fields, typed (zod keeps them in its global registry).
  interface GlobalMeta {
    kind?: OptionKind;
    flag?: string;
    choices?: readonly string[];
    allChoices?: readonly string[];
    group?: string;
    defaultText?: string;
    expected?: string;
    modelFile?: 'always' | 'non-default';
  }
}

/** A zod object shape: one schema per option. */
export type OptionShape = Readonly<Record<string, z.ZodType>>;

/** `T` with its arrays and objects readonly all the way down: options are read, never changed, so callers may pass readonly values. */
export type ReadonlyDeep<T> = T extends (...args: never[]) => unknown ? T : T extends readonly (infer E)[] ? readonly ReadonlyDeep<E>[] : T extends object ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> } : T;

/** The options object a caller writes (defaults optional) for a shape. */
export type OptionShapeInput<Shape extends OptionShape> = ReadonlyDeep<z.input<z.ZodObject<{ -readonly [K in keyof Shape]: Shape[K] }, z.core.$strict>>>;
/** The options after validation and defaults, before a plugin's own finishing step. */
export type OptionShapeOutput<Shape extends OptionShape> = z.output<z.ZodObject<{ -readonly [K in keyof Shape]: Shape[K] }, z.core.$strict>>;

/**
 * A plugin's options, declared once (`defineOptions`): the validator, the option specs user
 * interfaces are built from, the defaults, and the model-file fields. `Input` is what callers
 * write (the type `fit` checks options against); `Options` is what the plugin's hooks receive.
 */
export interface PluginOptions<Input, Options> {
  /** The strict zod object of every option (no finishing step). */
  readonly schema: z.ZodType<unknown, Input>;
  /** The options for user interfaces, in declaration order. */
  readonly specs: readonly OptionSpec[];
  /** The default of every option that has one, by name. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /**
   * Validates raw options (from code, CLI flags, a form or JSON) and fills in defaults. Throws an
   * OptionError whose field names the option and whose detail says what was wrong with the value.
   */
  parse(raw: unknown): Options;
  /** The model-file fields of the options marked `modelFile` (see OptionMeta). */
  toModelFile(options: object): Record<string, unknown>;
  /**
   * The options from a model file: its `modelFile` fields, the schema's defaults for those it
   * lacks, and `given` (values the plugin reads from its parameters, such as k). Errors are
   * model-file errors naming the field.
   */
  fromModelFile(json: Readonly<Record<string, unknown>>, given?: Readonly<Record<string, unknown>>): Options;
}

/** The options object callers write for a plugin's options (`fit(gmm, data, …)` checks against it). */
export type OptionsInput<T> = T extends PluginOptions<infer I, unknown> ? I : never;

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly defaultValue?: unknown;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string; readonly value?: unknown; readonly inclusive?: boolean; readonly format?: string } } }[];
  readonly format?: string;
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly options?: readonly z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** An option schema without its wrappers: the base type, the merged metadata (outermost wins), the default. */
interface Unwrapped {
  readonly base: z.ZodType;
  readonly meta: Partial<OptionMeta>;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  readonly optional: boolean;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let meta: Partial<OptionMeta> = {};
  let hasDefault = false;
  let defaultValue: unknown;
  let optional = false;
  let node = schema;
  for (;;) {
    meta = { ...((z.globalRegistry.get(node) as Partial<OptionMeta> | undefined) ?? {}), ...meta };
    const def = defOf(node);
    if (WRAPPERS.has(def.type)) {
      if ((def.type === 'default' || def.type === 'prefault') && !hasDefault) {
        hasDefault = true;
        defaultValue = def.defaultValue;
      }
      if (def.type === 'optional') optional = true;
      node = def.innerType!;
    } else if (def.type === 'pipe') {
      // A transform's input side says what is accepted; a preprocess (transform first) its output side.
      node = defOf(def.in!).type === 'transform' ? def.out! : def.in!;
    } else return { base: node, meta, hasDefault, defaultValue, optional };
  }
}

interface Bounds {
  readonly integer: boolean;
  readonly min?: { readonly value: number; readonly inclusive: boolean };
  readonly max?: { readonly value: number; readonly inclusive: boolean };
}

function numberBounds(base: z.ZodType): Bounds {
  const def = defOf(base);
  let integer = def.format !== undefined && def.format !== 'float32' && def.format !== 'float64';
  let min: Bounds['min'];
  let max: Bounds['max'];
  for (const check of def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === 'number_format' && c.format !== 'float32' && c.format !== 'float64') integer = true;
    else if (c.check === 'greater_than' && typeof c.value === 'number' && (min === undefined || c.value >= min.value)) min = { value: c.value, inclusive: c.inclusive !== false };
    else if (c.check === 'less_than' && typeof c.value === 'number' && (max === undefined || c.value <= max.value)) max = { value: c.value, inclusive: c.inclusive !== false };
  }
  return { integer, min, max };
}

/** `an integer ≥ 1`, `a number in [0, 0.5)`, `a number > 0`. */
function describeNumber({ integer, min, max }: Bounds): string {
  const noun = integer ? 'an integer' : 'a number';
  if (min && max) return `${noun} in ${min.inclusive ? '[' : '('}${min.value}, ${max.value}${max.inclusive ? ']' : ')'}`;
  if (min) return `${noun} ${min.inclusive ? '≥' : '>'} ${min.value}`;
  if (max) return `${noun} ${max.inclusive ? '≤' : '<'} ${max.value}`;
  return noun;
}

function enumChoices(base: z.ZodType): string[] | undefined {
  const def = defOf(base);
  return def.type === 'enum' && def.entries ? Object.values(def.entries).map(String) : undefined;
}

/** What a value of this schema is, in words, for messages: `an integer ≥ 1`, `one of a, b`, `a list of numbers`. */
function describeSchema(schema: z.ZodType): string {
  const { base, meta } = unwrap(schema);
  if (meta.expected) return meta.expected;
  const choices = meta.choices ?? enumChoices(base);
  if (choices) return `one of ${choices.join(', ')}`;
  const def = defOf(base);
  switch (def.type) {
    case 'number':
      return describeNumber(numberBounds(base));
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'array':
      return def.element ? `a list of ${plural(describeSchema(def.element))}` : 'a list';
    case 'tuple':
      return 'a list';
    case 'object':
      return def.shape ? `an object {${Object.keys(def.shape).join(', ')}}` : 'an object';
    case 'union':
      return (def.options ?? []).map(describeSchema).join(' or ');
    case 'null':
      return 'null';
    default:
      return 'a value as described';
  }
}

/** `an integer ≥ 1` → `integers ≥ 1`; `one of a, b` → `a, b`. */
function plural(phrase: string): string {
  if (phrase.startsWith('one of ')) return phrase.slice('one of '.length);
  return phrase.replace(/^an? (integer|number|list|object)/, (_, noun: string) => `${noun}s`);
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function inferKind(name: string, base: z.ZodType, meta: Partial<OptionMeta>): OptionKind {
  if (meta.kind) return meta.kind;
  const def = defOf(base);
  if (def.type === 'number') return numberBounds(base).integer ? 'integer' : 'number';
  if (def.type === 'enum' || def.type === 'string') return 'string';
  if (def.type === 'array') return 'list';
  throw new Error(`option "${name}": its schema (${def.type}) does not say how a user interface takes it; add .meta({ kind: 'json' | 'list' | … })`);
}

/** The text a default is shown as: numbers as they are, lists comma-separated; null and objects not at all. */
function shownDefault(value: unknown): string | number | undefined {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' || typeof v === 'string')) return value.join(',');
  return undefined;
}

/** The option spec of one option schema: what `defineOptions` derives for user interfaces. */
export function optionSpecOf(name: string, schema: z.ZodType): OptionSpec {
  const { base, meta, hasDefault, defaultValue, optional } = unwrap(schema);
  if (typeof meta.description !== 'string' || meta.description === '') throw new Error(`option "${name}": give it a description with .meta({ description: … })`);
  const type = inferKind(name, base, meta);
  const elementChoices = type === 'list' && defOf(base).element ? enumChoices(defOf(base).element!) : undefined;
  const choices = meta.choices ?? enumChoices(base) ?? elementChoices;
  const defaultShown = hasDefault ? shownDefault(defaultValue) : undefined;
  return {
    name,
    type,
    description: meta.description,
    flag: meta.flag ?? kebabCase(name),
    expected: describeSchema(schema),
    ...(choices ? { choices } : {}),
    ...(meta.allChoices ? { allChoices: meta.allChoices } : {}),
    ...(defaultShown !== undefined ? { defaultValue: defaultShown } : {}),
    ...(meta.defaultText !== undefined ? { defaultText: meta.defaultText } : {}),
    ...(!hasDefault && !optional ? { required: true } : {}),
    ...(meta.group ? { group: meta.group } : {}),
  };
}

/**
 * A plugin's options from one zod schema per option, each carrying its metadata (`.meta()`):
 *
 *     export const poissonOptions = defineOptions({
 *       k: z.number().int().min(1).meta({ description: 'number of components', modelFile: 'always' }),
 *       rateFloor: z.number().positive().default(1e-10).meta({ description: 'smallest rate the M-step returns', modelFile: 'always' }),
 *     });
 *
 * The CLI's flags and `--help`, the web app's form, `emkit models`, the defaults of model files
 * and the error messages all come from it: adding an option is one line. `finish` turns the
 * validated object into the plugin's options (cross-field checks, derived values); it may throw
 * OptionErrors.
 */
export function defineOptions<const Shape extends OptionShape>(shape: Shape): PluginOptions<OptionShapeInput<Shape>, OptionShapeOutput<Shape>>;
export function defineOptions<const Shape extends OptionShape, Options>(
  shape: Shape,
  finish: (parsed: OptionShapeOutput<Shape>) => Options,
): PluginOptions<OptionShapeInput<Shape>, Options>;
export function defineOptions(shape: OptionShape, finish: (parsed: Record<string, unknown>) => unknown = (parsed) => parsed): PluginOptions<unknown, unknown> {
  const schema = z.strictObject(shape as Record<string, z.ZodType>);
  const specs = Object.entries(shape).map(([name, option]) => optionSpecOf(name, option));
  const unwrapped = Object.fromEntries(Object.entries(shape).map(([name, option]) => [name, unwrap(option)]));
  const defaults = Object.fromEntries(Object.entries(unwrapped).filter(([, u]) => u.hasDefault).map(([name, u]) => [name, u.defaultValue]));
  const saved = Object.entries(unwrapped).filter(([, u]) => u.meta.modelFile !== undefined);
  const parse = (raw: unknown): unknown => {
    const result = schema.safeParse(raw ?? {}, { reportInput: true });
    if (!result.success) throw optionIssueError(result.error.issues, raw, schema, specs);
    return finish(result.data);
  };
  return {
    schema,
    specs,
    defaults,
    parse,
    toModelFile(options) {
      const fields: Record<string, unknown> = {};
      for (const [name, u] of saved) {
        const value = (options as Record<string, unknown>)[name];
        if (value === undefined) continue;
        const json = jsonValue(value);
        // An option without a default is at its default when null (absent).
        if (u.meta.modelFile === 'non-default' && JSON.stringify(json) === JSON.stringify(u.hasDefault ? jsonValue(u.defaultValue) : null)) continue;
        fields[name] = json;
      }
      return fields;
    },
    fromModelFile(json, given = {}) {
      const raw: Record<string, unknown> = {};
      for (const [name] of saved) if (json[name] !== undefined) raw[name] = json[name];
      for (const [name, value] of Object.entries(given)) if (value !== undefined) raw[name] = value;
      return readingModelFile(() => parse(raw));
    },
  };
}

/** A model-file value: typed arrays as plain arrays, arrays and plain objects copied. */
function jsonValue(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/**
 * Validates `raw` against a zod schema and turns the first issue into an OptionError that names
 * the field by its path (e.g. `init.means`) and says what was wrong with the value, so CLI and
 * library users see the same message. `defineOptions` is the usual way; this is for schemas of
 * parts (a nested object read on its own).
 */
export function parseOptionsWith<S extends z.ZodType>(schema: S, raw: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(raw ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const error = optionIssueError(result.error.issues, raw, schema, []);
  throw prefix === '' ? error : new OptionError({ field: prefix + error.field, detail: error.detail });
}

type Issue = z.core.$ZodIssue;

/** `a.b[2][0]` from a zod path. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The schema a path leads to (through wrappers, object shapes and array elements), if it can be told. */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = root;
  for (const key of path) {
    if (node === undefined) return undefined;
    const def = defOf(unwrap(node).base);
    if (def.type === 'object' && typeof key === 'string') node = def.shape?.[key];
    else if (def.type === 'array' && typeof key === 'number') node = def.element;
    else return undefined;
  }
  return node;
}

/** The keys an object schema (at a path) takes, for suggesting the closest to a misspelt one. */
function keysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const node = schemaAt(root, path);
  const def = node ? defOf(unwrap(node).base) : undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/**
 * A value as an error message shows it: `3.5`, `"ful"`, `the string "3"` (where a string is not
 * what was expected), `null`, `an array of 3 items`, `an object`, `nothing`.
 */
export function describeValue(value: unknown, expectsText = false): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
    return expectsText ? quoted : `the string ${quoted}`;
  }
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    const json = safeJson(value);
    return json !== undefined && json.length <= 40 ? json : `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'function') return 'a function';
  const json = safeJson(value);
  return json !== undefined && json.length <= 40 ? json : 'an object';
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), case-insensitive. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++)
    for (let j = 1; j <= t.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[s.length][t.length];
}

/**
 * The candidates closest to `word` (ties all given, in their order), if close enough to be a slip:
 * at most a third of the letters off.
 */
export function closestMatches(word: string, candidates: readonly string[]): string[] {
  const scored = candidates.map((candidate) => ({ candidate, distance: editDistance(word, candidate) }));
  const best = Math.min(...scored.map((s) => s.distance));
  return scored.filter((s) => s.distance === best && s.candidate !== word && best <= Math.max(1, Math.floor(Math.max(word.length, s.candidate.length) / 3))).map((s) => s.candidate);
}

/** `; did you mean "full"?` (or `"VVE" or "VVV"`) when a string is close to one of the choices. */
function suggestion(value: unknown, choices: readonly string[] | undefined): string {
  if (typeof value !== 'string' || !choices) return '';
  const close = closestMatches(value, choices);
  const quoted = close.map((c) => `"${c}"`);
  return quoted.length > 0 ? `; did you mean ${quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted[0]}?` : '';
}

/**
 * The detail of an error about an option's value, as every emkit interface words it:
 * `expected an integer ≥ 1, got the string "3"`, `expected one of full, diag, …, got "ful";
 * did you mean "full"?`. The CLI uses it for flag text that is not a number.
 */
export function invalidValueDetail(spec: Pick<OptionSpec, 'type' | 'expected' | 'choices' | 'allChoices'>, value: unknown, asText = spec.type === 'string'): string {
  const expected = spec.expected ?? 'a valid value';
  return `expected ${expected}, got ${describeValue(value, asText)}${suggestion(value, spec.choices)}`;
}

/** The deepest issue under a union's branches: what the closest branch objected to. */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !('errors' in issue)) return issue;
  let best: Issue = issue;
  for (const branch of issue.errors) for (const inner of branch) {
    const deep = deepestIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue);
    if (deep.path.length > best.path.length) best = deep;
  }
  return best;
}

/** The OptionError for the first issue (misspelt option names first: a typo explains a missing option). */
function optionIssueError(issues: readonly Issue[], raw: unknown, root: z.ZodType, specs: readonly OptionSpec[]): OptionError {
  const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  const issue = deepestIssue(first);
  const path = issue.path;
  if (path.length === 0 && issue.code === 'invalid_type')
    return new OptionError({ field: 'options', detail: `expected an object of options, got ${describeValue(raw)}` });
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = keysAt(root, path);
    const hint = suggestion(key, known) || (known.length > 0 ? `; the ${path.length === 0 ? 'options' : 'fields'} are ${known.join(', ')}` : '');
    return new OptionError({ field: fieldOf([...path, key]), detail: `unknown ${path.length === 0 ? 'option' : 'field'}${hint}` });
  }
  const field = fieldOf(path) || 'options';
  const value = valueAt(raw ?? {}, path);
  const spec = path.length === 1 ? specs.find((s) => s.name === path[0]) : undefined;
  const schema = schemaAt(root, path);
  const expected = spec?.expected ?? (schema ? describeSchema(schema) : undefined);
  const choices = spec?.choices ?? (schema ? (unwrap(schema).meta.choices ?? enumChoices(unwrap(schema).base)) : undefined);
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union'))
    return new OptionError({ field, detail: `required: ${expected ?? 'a value'}${spec ? ` (${spec.description})` : ''}` });
  if (issue.code === 'custom') {
    // A plugin's own check: its words, and the value when they do not show it.
    const message = issue.message;
    return new OptionError({ field, detail: /\bgot\b/.test(message) ? message : `${message}, got ${describeValue(value, typeof value === 'string')}` });
  }
  if (issue.code === 'invalid_value' && expected === undefined)
    return new OptionError({ field, detail: invalidValueDetail({ type: 'string', expected: `one of ${issue.values.map(String).join(', ')}`, choices: issue.values.map(String) }, value) });
  const asText = spec ? spec.type === 'string' : typeof value === 'string' && choices !== undefined;
  return new OptionError({ field, detail: invalidValueDetail({ type: asText ? 'string' : 'number', expected: expected ?? issue.message, choices }, value, asText) });
}

/**
 * The `freeze` option of plugins that can hold parameters at their starting values (gmm, hmm),
 * from the enum of their parameter names: one name or a list of them, each kept once; default none.
 */
export function freezeOption<Names extends z.ZodEnum<Readonly<Record<string, string>>>>(names: Names) {
  return z
    .union([z.array(names), names.transform((v) => [v])])
    .default([])
    .transform((v) => [...new Set(v)])
    .meta({ kind: 'list', choices: names.options, expected: `a list of ${names.options.join(', ')}`, description: 'parameters kept at their starting values', modelFile: 'always' });
}

/**
 * The `kernels` option of plugins with WebAssembly kernels (gmm, bernoulli, factor analysis),
 * from @emkit/linalg's description of it, so each offers the same `--kernels wasm|js`.
 */
export function kernelsOption() {
  return z.enum(KERNEL_CHOICES as [KernelChoice, ...KernelChoice[]]).default(KERNELS_OPTION_SPEC.defaultValue).meta({ description: KERNELS_OPTION_SPEC.description, group: 'performance' });
}
