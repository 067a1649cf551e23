import { readAgreementCases } from '../../../tools/test-support/agreement.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatConfusion, labelAgreement } from './agreement.js';

describe('labelAgreement', () => {
  it('matches scikit-learn’s adjusted_rand_score and normalized_mutual_info_score', () => {
    const cases = readAgreementCases();
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      const a = labelAgreement(Int32Array.from(c.predicted), c.truth);
      expect(a.adjustedRandIndex, c.name).toBeCloseTo(c.adjustedRandIndex, 12);
      expect(a.normalizedMutualInformation, c.name).toBeCloseTo(c.normalizedMutualInformation, 12);
    }
  });

  it('counts components × labels, labels in natural order, empty components shown', () => {
    const a = labelAgreement(Int32Array.from([0, 0, 2, 2, 2]), ['10', '2', '10', '10', 'x'], 4);
    expect(a.labels).toEqual(['2', '10', 'x']);
    expect(a.confusion).toEqual([[1, 1, 0], [0, 0, 0], [0, 2, 1], [0, 0, 0]]);
    expect(formatConfusion(a, 'class').split('\n')[0]).toBe('component \\ class  2  10  x');
  });

  it('does not depend on how components or labels are named (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 })), { minLength: 2, maxLength: 60 }), (pairs) => {
        const predicted = Int32Array.from(pairs, ([p]) => p);
        const truth = pairs.map(([, t]) => `t${t}`);
        const a = labelAgreement(predicted, truth);
        const b = labelAgreement(Int32Array.from(pairs, ([p]) => 3 - p), pairs.map(([, t]) => `u${4 - t}`));
        expect(b.adjustedRandIndex).toBeCloseTo(a.adjustedRandIndex, 12);
        expect(b.normalizedMutualInformation).toBeCloseTo(a.normalizedMutualInformation, 12);
        expect(a.normalizedMutualInformation).toBeGreaterThanOrEqual(0);
        expect(a.normalizedMutualInformation).toBeLessThanOrEqual(1 + 1e-12);
        expect(a.adjustedRandIndex).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });
});
