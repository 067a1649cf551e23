// scikit-learn's adjusted_rand_score and normalized_mutual_info_score on labelled cases
// (tools/fixtures/agreement, written by tools/agreement-fixtures/make_fixtures.py), for the
// tests of @emkit/core's labelAgreement.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/fixtures/agreement in this repository. */
export const agreementFixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/agreement');

/** One case: predicted components, true labels and scikit-learn's scores for them. */
export interface AgreementCase {
  readonly name: string;
  readonly predicted: number[];
  readonly truth: string[];
  readonly adjustedRandIndex: number;
  readonly normalizedMutualInformation: number;
}

/** The cases of tools/fixtures/agreement/agreement-sklearn.json. */
export function readAgreementCases(): AgreementCase[] {
  const { cases } = JSON.parse(readFileSync(join(agreementFixturesDir, 'agreement-sklearn.json'), 'utf8')) as { cases: AgreementCase[] };
  return cases;
}
