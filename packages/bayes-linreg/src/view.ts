import { EMPTY_VIEW, type ModelView } from '@emkit/core';

/** A regression has no components: its per-row output is the predictive mean and variance. */
export function describeBayesLinregView(): ModelView {
  return { ...EMPTY_VIEW, rowOutput: { kind: 'table', columns: ['mean', 'variance'], description: 'predictive mean and variance of the target' } };
}
