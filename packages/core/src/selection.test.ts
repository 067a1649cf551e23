import { Random } from '@emkit/linalg';
import { describe, expect, it } from 'vitest';
import { createDataset, datasetFromRows } from './dataset.js';
import { fit } from './driver.js';
import { FitAbortedError, FitError, OptionError } from './errors.js';
import type { ModelPlugin } from './plugin.js';
import { candidateGrid, icl, responsibilityEntropy, selectModel } from './selection.js';
import { type UnivariateGaussianMixtureOptions, type UnivariateGaussianMixtureParams, univariateGaussianMixture as ugm } from './testing/univariate-gaussian-mixture.js';

type Plugin = ModelPlugin<UnivariateGaussianMixtureParams, UnivariateGaussianMixtureOptions>;

/** Three well-separated 1-D clusters of 100 rows each. */
function threeClusters(seed = 1) {
  const random = new Random(seed);
  const values = Float64Array.from({ length: 300 }, (_, i) => [-8, 0, 8][i % 3] + random.nextNormal());
  return createDataset(values, 300, 1);
}

const data = threeClusters();
const driver = { seed: 0, restarts: 3, maxIter: 200, tol: 1e-8 };

describe('selectModel', () => {
  it('fits every candidate, tabulates BIC, AIC and ICL and picks the smallest BIC (k = 3 on three clusters)', async () => {
    const candidates = candidateGrid({ k: [1, 2, 3, 4, 5] });
    const result = await selectModel(ugm, data, candidates, { driver });
    expect(result.criterion).toBe('bic');
    expect(result.table).toHaveLength(5);
    expect(result.best?.index).toBe(2);
    expect(result.best?.row.options).toEqual({ k: 3 });
    expect(result.table.map((r) => r.best)).toEqual([false, false, true, false, false]);
    for (const [i, row] of result.table.entries()) {
      expect(row.status).toBe('ok');
      expect(row.index).toBe(i);
      // Each row is exactly what core's fit gives for that candidate.
      const single = await fit(ugm, data, candidates[i], driver);
      expect(row.logLikelihood).toBe(single.logLikelihood);
      expect(row.bic).toBe(single.bic);
      expect(row.aic).toBe(single.aic);
      expect(row.parameterCount).toBe(3 * (i + 1) - 1);
      expect(row.iterations).toBe(single.iterations);
      expect(row.converged).toBe(single.converged);
      // ICL = BIC + 2·entropy ≥ BIC, entropy recomputed from the responsibilities here.
      const r = ugm.responsibilities(single.params, data);
      let entropy = 0;
      for (const p of r) if (p > 0) entropy -= p * Math.log(p);
      expect(row.entropy).toBeCloseTo(entropy, 8);
      expect(row.icl).toBeCloseTo(single.bic! + 2 * entropy, 8);
      expect(row.icl!).toBeGreaterThanOrEqual(row.bic!);
    }
    // With one component every responsibility is 1: ICL = BIC.
    expect(result.table[0].entropy).toBe(0);
    expect(result.table[0].icl).toBe(result.table[0].bic);
    // smaller is better: the selected BIC is the minimum
    expect(result.best!.row.bic).toBe(Math.min(...result.table.map((r) => r.bic!)));
    expect(result.best!.fit.params.means.length).toBe(3);
  });

  it('selects by the criterion asked for', async () => {
    const candidates = candidateGrid({ k: [1, 2, 3, 4] });
    for (const criterion of ['aic', 'icl'] as const) {
      const result = await selectModel(ugm, data, candidates, { driver, criterion });
      expect(result.criterion).toBe(criterion);
      const values = result.table.map((r) => r[criterion]!);
      expect(result.best!.index).toBe(values.indexOf(Math.min(...values)));
    }
  });

  it('ICL prefers fewer components than BIC when clusters overlap', async () => {
    // Two overlapping clusters (means 0 and 2.2, unit variance): the likelihood gains from a
    // second component, but assignments stay uncertain, which ICL's entropy term penalises.
    const random = new Random(4);
    const values = Float64Array.from({ length: 2000 }, (_, i) => (i % 2) * 2.2 + random.nextNormal());
    const overlapping = createDataset(values, 2000, 1);
    const candidates = candidateGrid({ k: [1, 2] });
    const byBic = await selectModel(ugm, overlapping, candidates, { driver });
    const byIcl = await selectModel(ugm, overlapping, candidates, { driver, criterion: 'icl' });
    expect(byBic.best!.index).toBe(1);
    expect(byIcl.best!.index).toBe(0);
  });

  it('reports failing candidates (K > N, a fit error) in the table and goes on', async () => {
    const tiny = datasetFromRows([[0], [0.5], [9], [9.5]]);
    const result = await selectModel(ugm, tiny, candidateGrid({ k: [1, 2, 6] }), { driver: { seed: 0 } });
    expect(result.table.map((r) => r.status)).toEqual(['ok', 'ok', 'failed']);
    const failed = result.table[2];
    expect(failed.error).toMatch(/cannot start 6 components from 4 rows/);
    expect(failed.errorCode).toBe('option');
    expect(failed.bic).toBeNull();
    expect(failed.icl).toBeNull();
    expect(result.best?.index).not.toBe(2);

    const throwing = await selectModel(ugm, data, candidateGrid({ k: [1, 2, 3] }), {
      fitCandidate: async (raw, { index }) => {
        if (index === 2) throw new FitError({ plugin: 'ugm', iteration: 7, detail: 'the variance of component 2 is 0' });
        return fit(ugm, data, raw, driver);
      },
    });
    expect(throwing.table[2]).toMatchObject({ status: 'failed', errorCode: 'fit', error: 'ugm (iteration 7): the variance of component 2 is 0' });
    expect(throwing.best?.index).toBe(1);
  });

  it('returns best = null when every candidate fails', async () => {
    const tiny = datasetFromRows([[0], [1]]);
    const result = await selectModel(ugm, tiny, candidateGrid({ k: [3, 4] }));
    expect(result.best).toBeNull();
    expect(result.table.every((r) => r.status === 'failed' && !r.best)).toBe(true);
  });

  it('refuses a plugin without a parameter count before fitting anything', async () => {
    const noCount: Plugin = { ...ugm, name: 'no-count', parameterCount: () => null };
    let fits = 0;
    const run = selectModel(noCount, data, candidateGrid({ k: [1, 2] }), {
      fitCandidate: (raw) => {
        fits++;
        return fit(noCount, data, raw);
      },
    });
    await expect(run).rejects.toThrow(OptionError);
    await expect(run).rejects.toThrow(/"no-count" reports no parameter count .*BIC, AIC and ICL do not apply/);
    expect(fits).toBe(0);
  });

  it('refuses invalid candidate options up front, naming the candidate', async () => {
    let fits = 0;
    const run = selectModel(ugm, data, [{ k: 2 }, { k: -1 }], {
      fitCandidate: (raw) => {
        fits++;
        return fit(ugm, data, raw);
      },
    });
    await expect(run).rejects.toThrow(/^k: candidate 2 \(k=-1\): /);
    expect(fits).toBe(0);
    await expect(selectModel(ugm, data, [])).rejects.toThrow(OptionError);
    await expect(selectModel(ugm, data, [{ k: 1 }], { criterion: 'bogus' as 'bic' })).rejects.toThrow(/criterion/);
  });

  it('does not depend on completion order; ties go to the earlier candidate; concurrency is bounded', async () => {
    const candidates = candidateGrid({ k: [1, 2, 3, 3, 4] });
    let inFlight = 0;
    let peak = 0;
    const delayed = (reverse: boolean) => async (raw: unknown, { index }: { index: number }) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, reverse ? 5 * (5 - index) : 5 * index));
      const result = await fit(ugm, data, raw, driver);
      inFlight--;
      return result;
    };
    const a = await selectModel(ugm, data, candidates, { fitCandidate: delayed(false) });
    expect(peak).toBe(5);
    peak = 0;
    const order: number[] = [];
    const b = await selectModel(ugm, data, candidates, { fitCandidate: delayed(true), concurrency: 2, onCandidate: (row, finished, total) => order.push(row.index) && expect(total).toBe(5) && expect(finished).toBe(order.length) });
    expect(peak).toBe(2);
    expect(order).toHaveLength(5);
    expect(b.table).toEqual(a.table);
    // candidates 2 and 3 are the same model with the same seed: the tie goes to index 2
    expect(a.table[2].bic).toBe(a.table[3].bic);
    expect(a.best!.index).toBe(2);
  });

  it('an abort stops the selection with FitAbortedError', async () => {
    const controller = new AbortController();
    const run = selectModel(ugm, data, candidateGrid({ k: [1, 2, 3] }), {
      signal: controller.signal,
      concurrency: 1,
      fitCandidate: async (raw, { index, signal }) => {
        if (index === 1) controller.abort(new Error('stop'));
        return fit(ugm, data, raw, { signal });
      },
    });
    await expect(run).rejects.toThrow(FitAbortedError);
  });
});

describe('responsibilityEntropy and icl', () => {
  it('weights rows and chunks without changing the result', async () => {
    const weighted = createDataset(Float64Array.of(-1, 0.2, 3, 4.5), 4, 1, { weights: [1, 2, 0, 1] });
    const duplicated = createDataset(Float64Array.of(-1, 0.2, 0.2, 4.5), 4, 1);
    const params = { weights: Float64Array.of(0.4, 0.6), means: Float64Array.of(0, 3), variances: Float64Array.of(1, 2) };
    const a = responsibilityEntropy(ugm, params, weighted);
    expect(a).toBeGreaterThan(0);
    expect(a).toBeCloseTo(responsibilityEntropy(ugm, params, duplicated), 14);
    expect(responsibilityEntropy(ugm, params, weighted, 1)).toBeCloseTo(a, 14);
    expect(icl(10, 2.5)).toBe(15);
  });

  it('candidateGrid varies the first key slowest and keeps the base options', () => {
    expect(candidateGrid({ covariance: ['full', 'diag'], k: [1, 2] }, { regCovar: 0 })).toEqual([
      { regCovar: 0, covariance: 'full', k: 1 },
      { regCovar: 0, covariance: 'full', k: 2 },
      { regCovar: 0, covariance: 'diag', k: 1 },
      { regCovar: 0, covariance: 'diag', k: 2 },
    ]);
    expect(() => candidateGrid({ k: [] })).toThrow(OptionError);
  });
});
