import type { z } from 'zod';
import { OptionError } from './errors.js';

/**
 * Validates `raw` against a zod schema and turns the first issue into an OptionError that names
 * the field by its path (e.g. `init.means`), so CLI and library users see the same message.
 */
export function parseOptionsWith<S extends z.ZodType>(schema: S, raw: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
  throw new OptionError({ field: prefix + (path || 'options'), detail: issue.message });
}
