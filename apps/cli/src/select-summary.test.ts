import { describe, expect, it } from 'vitest';
import type { CandidateRow } from '@emkit/core';
import { gmmPlugin, MCLUST_ORDER } from '@emkit/gmm';
import { bestCandidates, formatBestCandidates, parseCandidateValues } from './select-command.js';

function row(index: number, k: number, covariance: string, bic: number | null): CandidateRow {
  const ok = bic !== null;
  return {
    index,
    options: { k, covariance },
    status: ok ? 'ok' : 'failed',
    logLikelihood: ok ? -bic / 2 : null,
    meanLogLikelihood: null,
    parameterCount: ok ? 5 : null,
    bic,
    aic: ok ? bic - 1 : null,
    icl: ok ? bic + 3 : null,
    entropy: ok ? 1.5 : null,
    converged: ok,
    iterations: ok ? 10 : null,
    error: ok ? null : 'singular',
    errorCode: ok ? null : 'fit',
    failedRestarts: [],
    best: false,
  };
}

describe('select --covariance all and the mclustBIC-style summary', () => {
  it('all stands for the 14 models once each, in mclust order', () => {
    const spec = gmmPlugin.optionSpecs.find((s) => s.name === 'covariance')!;
    expect(parseCandidateValues(spec, 'all')).toEqual([...MCLUST_ORDER]);
    expect(parseCandidateValues(spec, 'VVV,all')).toHaveLength(15);
    expect(() => parseCandidateValues(spec, 'VVX')).toThrow(/^--covariance: expected one of full, diag, .* \(or all\), got "VVX"; did you mean "VVE", "VVV" or "VVI"\?$/);
  });

  it('lists the best three by the criterion with mclust sign and differences; failed rows are skipped', () => {
    const table = [row(0, 1, 'EII', 120), row(1, 2, 'EII', 100), row(2, 1, 'VVV', null), row(3, 2, 'VVV', 90), row(4, 3, 'VVV', 95)];
    const top = bestCandidates(table, ['covariance', 'k'], 'bic', 3);
    expect(top.map((t) => t.label)).toEqual(['VVV,2', 'VVV,3', 'EII,2']);
    expect(top.map((t) => t.mclustValue)).toEqual([-90, -95, -100]);
    expect(top.map((t) => t.difference)).toEqual([0, 5, 10]);
    const text = formatBestCandidates(top, 'bic');
    expect(text.split('\n')[0]).toBe("Best BIC values (mclust's sign: −BIC above, larger is better):");
    expect(text).toMatch(/BIC diff\s+0\s+-5\s+-10/);
    expect(bestCandidates([row(0, 1, 'EII', null)], ['k'], 'bic', 3)).toEqual([]);
  });
});
