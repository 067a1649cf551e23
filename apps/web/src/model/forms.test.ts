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

  it('shows the first options at once and the rest under "more options", a heading per group of the option schema', () => {
    const gmm = PLUGINS.find((p) => p.name === 'gmm')!;
    const { primary, more, groups } = formFields(gmm);
    expect(primary.map((f) => f.name)).toEqual(['k', 'covariance', 'regCovar', 'initMethod', 'hcModel']);
    expect(groups.map((g) => g.group)).toEqual(['start', 'other', 'prior', 'collapsed components', 'performance']);
    expect(groups.find((g) => g.group === 'prior')!.fields.map((f) => f.id)).toEqual(['prior', 'prior-shrinkage', 'prior-dof', 'prior-weight-concentration']);
    expect(more).toEqual(groups.flatMap((g) => g.fields));
  });

  it('starts every field at the schema default and sends only what differs from it', () => {
    const gmm = PLUGINS.find((p) => p.name === 'gmm')!;
    const spec = (name: string) => gmm.optionSpecs.find((s) => s.name === name)!;
    expect(initialValue(spec('regCovar'))).toBe(String(1e-8));
    // gmm's prior defaults to "absent" (null), which its default text names as the choice none.
    expect(initialValue(spec('prior'))).toBe('none');
    // A default worked out at fit time (ν = D + 2) leaves the field empty.
    expect(initialValue(spec('priorDof'))).toBe('');
    expect(rawOptions(gmm, { k: '2', prior: 'none', regCovar: String(1e-8) })).toEqual({ k: 2 });
    expect(rawOptions(gmm, { k: '3', prior: 'default', priorDof: '5' })).toEqual({ k: 3, prior: 'default', priorDof: 5 });
    // Text that is no number reaches parseOptions as it is, which says what was wrong with it.
    expect(() => gmm.parseOptions(rawOptions(gmm, { k: 'three' }))).toThrow(/^k: expected an integer ≥ 1, got the string "three"$/);
  });

  it('ids are the CLI flags without dashes', () => {
    const ids = PLUGINS.flatMap((p) => [...formFields(p).primary, ...formFields(p).more].map((f) => f.id));
    expect(ids).toContain('init-method');
    expect(ids).toContain('k');
  });
});
