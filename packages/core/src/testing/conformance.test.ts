import { describe, expect, it } from 'vitest';
import { Random } from '@emkit/linalg';
import { createDataset } from '../dataset.js';
import type { ModelPlugin } from '../plugin.js';
import { assertConformance, checkConformance } from './conformance.js';
import { univariateGaussianMixture, type UnivariateGaussianMixtureOptions, type UnivariateGaussianMixtureParams } from './univariate-gaussian-mixture.js';

const random = new Random(3);
const values = Float64Array.from({ length: 200 }, (_, i) => (i % 2 ? 4 : -1) + random.nextNormal());
const data = createDataset(values, 200, 1);
type Plugin = ModelPlugin<UnivariateGaussianMixtureParams, UnivariateGaussianMixtureOptions>;

describe('the conformance kit', () => {
  it('passes a correct plugin', async () => {
    const report = await assertConformance(univariateGaussianMixture, { data, options: { k: 2 } });
    expect(report.checks.map((c) => c.name)).toEqual(['shard-additivity', 'determinism', 'purity', 'init-progress', 'monotone', 'serialisation', 'parameter-count']);
    expect(report.passed).toBe(true);
  });

  it('catches statistics that do not add up over shards', async () => {
    const broken: Plugin = {
      ...univariateGaussianMixture,
      eStep: (p, d, range, stats) => {
        const ll = univariateGaussianMixture.eStep(p, d, range, stats);
        stats[0] += 1; // a per-shard constant: counted once per shard
        return ll;
      },
    };
    const report = await checkConformance(broken, { data, options: { k: 2 }, skip: ['monotone'] });
    expect(report.checks.find((c) => c.name === 'shard-additivity')!.passed).toBe(false);
  });

  it('catches init progress that changes the start or reads badly', async () => {
    const step = { method: 'scan', unit: 'passes', total: 3 };
    const changing: Plugin = {
      ...univariateGaussianMixture,
      init: (d, o, r, context) => {
        const p = univariateGaussianMixture.init(d, o, r);
        if (!context?.onProgress) return p;
        context.onProgress({ ...step, done: 1 });
        return { ...p, means: p.means.map((m) => m + 1) };
      },
    };
    const backwards: Plugin = {
      ...univariateGaussianMixture,
      init: (d, o, r, context) => {
        for (const done of [2, 1]) context?.onProgress?.({ ...step, done });
        return univariateGaussianMixture.init(d, o, r);
      },
    };
    const beyond: Plugin = { ...backwards, init: (d, o, r, context) => (context?.onProgress?.({ ...step, done: 4 }), univariateGaussianMixture.init(d, o, r)) };
    const details = [];
    for (const plugin of [changing, backwards, beyond]) {
      const check = (await checkConformance(plugin, { data, options: { k: 2 }, skip: ['monotone'] })).checks.find((c) => c.name === 'init-progress')!;
      expect(check.passed).toBe(false);
      details.push(check.detail);
    }
    expect(details).toEqual([
      'init with onProgress gave other parameters than without',
      'scan passes: 1 after 2',
      'a malformed init step: {"method":"scan","unit":"passes","total":3,"done":4}',
    ]);
  });

  it('catches a wrong parameter count', async () => {
    const broken: Plugin = { ...univariateGaussianMixture, parameterCount: () => 6 };
    const report = await checkConformance(broken, { data, options: { k: 2 } });
    const check = report.checks.find((c) => c.name === 'parameter-count')!;
    expect(check.passed).toBe(false);
    expect(check.detail).toMatch(/parameterCount says 6.*5 independent directions/);
  });

  it('catches a lossy serialisation and an impure E-step', async () => {
    const lossy: Plugin = {
      ...univariateGaussianMixture,
      toJSON: (p, o) => {
        const json = univariateGaussianMixture.toJSON(p, o);
        return { ...json, means: (json.means as number[]).map((m) => Math.round(m * 100) / 100) };
      },
      eStep: (p, d, range, stats) => {
        (p.means as Float64Array)[0] += 0; // harmless
        d.values[0] += 0;
        return univariateGaussianMixture.eStep(p, d, range, stats);
      },
    };
    const report = await checkConformance(lossy, { data, options: { k: 2 }, skip: ['monotone', 'parameter-count'] });
    expect(report.checks.find((c) => c.name === 'serialisation')!.passed).toBe(false);
    expect(report.checks.find((c) => c.name === 'purity')!.passed).toBe(true);
    const mutating: Plugin = {
      ...univariateGaussianMixture,
      eStep: (p, d, range, stats) => {
        (p.means as Float64Array)[0] += 1e-3;
        return univariateGaussianMixture.eStep(p, d, range, stats);
      },
    };
    const report2 = await checkConformance(mutating, { data, options: { k: 2 }, skip: ['monotone', 'parameter-count', 'determinism', 'shard-additivity'] });
    expect(report2.checks.find((c) => c.name === 'purity')!.passed).toBe(false);
  });

  it('catches a likelihood that goes down, and assertConformance lists the failures', async () => {
    const overshooting: Plugin = {
      ...univariateGaussianMixture,
      mStep: (p, stats, summary, o) => {
        const next = univariateGaussianMixture.mStep(p, stats, summary, o);
        // move the means past the maximiser
        return { ...next, means: next.means.map((m, j) => m + 3 * (m - p.means[j])) };
      },
    };
    await expect(assertConformance(overshooting, { data, options: { k: 2 } })).rejects.toThrow(/monotone: seed \d+: the mean log-likelihood fell/);
  });
});
