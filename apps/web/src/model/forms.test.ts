import { describe, expect, it } from 'vitest';
import { PLUGINS } from '../models.js';
import { formFields, initialValue, rawOptions } from './forms.js';

describe('model forms from option specs', () => {
  it.each(PLUGINS.map((p) => [p.name, p] as const))('%s: the form’s starting values parse as the plugin’s options', (_name, plugin) => {
    const { primary, more } = formFields(plugin);
    expect(primary.length + more.length).toBe(plugin.optionSpecs.filter((s) => s.type !== 'json').length);
    const values = Object.fromEntries(primary.concat(more).map((f) => [f.name, initialValue(f.spec)]));
    expect(() => plugin.parseOptions(rawOptions(plugin, values))).not.toThrow();
  });

  it('turns text into the raw options a CLI user would give: numbers, comma lists, and nothing for empty fields', () => {
    const vae = PLUGINS.find((p) => p.optionSpecs.some((s) => s.type === 'list' && s.name === 'hidden'))!;
    expect(rawOptions(vae, { hidden: '64, 32', epochs: '3', variance: '' })).toMatchObject({ hidden: ['64', '32'], epochs: 3 });
    expect(rawOptions(vae, { variance: '' })).not.toHaveProperty('variance');
  });

  it('ids are the CLI flags without dashes', () => {
    const ids = PLUGINS.flatMap((p) => formFields(p).primary.map((f) => f.id));
    expect(ids).toContain('init-method');
    expect(ids).toContain('k');
  });
});
