import type { Random } from '@emkit/linalg';
import { OptionError, type Dataset } from '@emkit/core';
import { kmeansPlusPlusCenters, randomRowCenters } from '@emkit/kmeans';
import { checkBinary, estimateParameters, statsLength } from './estimate.js';
import type { BernoulliOptions } from './options.js';
import type { BernoulliParams } from './params.js';

/**
 * Starting parameters. `init.probabilities` and `init.weights` are used as they are; missing
 * probabilities come from `initMethod`:
 * - `kmeans++`: K rows chosen by greedy k-means++ (squared Euclidean = Hamming distance on 0/1
 *   rows), smoothed to 0.25 + 0.5·row so that no probability starts at 0 or 1 — the rule the
 *   reference fixture's start was made with;
 * - `random-rows`: K distinct random rows, smoothed the same way;
 * - `random`: uniform random responsibilities per row, then one M-step (priors included), as
 *   scikit-learn's init_params='random'.
 * Missing weights are uniform (1/K), or the M-step's for `random`.
 */
export function initialParams(data: Dataset, options: BernoulliOptions, random: Random): BernoulliParams {
  const { k, init, clamp, betaPrior, dirichletPrior, kernels } = options;
  const d = data.cols;
  checkBinary(data);
  const base = { k, d, clamp, betaPrior, dirichletPrior, ...(kernels ? { kernels } : {}) };
  const givenWeights = init?.weights ?? null;
  if (init?.probabilities) {
    if (init.probabilities.cols !== d)
      throw new OptionError({ field: 'init.probabilities', detail: `rows have ${init.probabilities.cols} values; the data has ${d} columns` });
    return { ...base, weights: givenWeights ?? uniform(k), probabilities: Float64Array.from(init.probabilities.values) };
  }
  if (options.initMethod === 'random') {
    const fromResponsibilities = randomResponsibilityStart(data, { ...base, weights: uniform(k), probabilities: new Float64Array(k * d).fill(0.5) }, random);
    return givenWeights ? { ...fromResponsibilities, weights: givenWeights } : fromResponsibilities;
  }
  const positiveRows = data.weights === null ? data.rows : data.weights.reduce((n, w) => n + (w > 0 ? 1 : 0), 0);
  if (k > positiveRows) throw new OptionError({ field: 'k', detail: `${k} components need at least ${k} rows of positive weight to start from; the data has ${positiveRows}` });
  const rows = options.initMethod === 'kmeans++' ? kmeansPlusPlusCenters(data, k, random) : randomRowCenters(data, k, random);
  return { ...base, weights: givenWeights ?? uniform(k), probabilities: rows.map((x) => 0.25 + 0.5 * x) };
}

function uniform(k: number): Float64Array {
  return new Float64Array(k).fill(1 / k);
}

function randomResponsibilityStart(data: Dataset, provisional: BernoulliParams, random: Random): BernoulliParams {
  const { k, d } = provisional;
  const stats = new Float64Array(statsLength(k, d));
  const r = new Float64Array(k);
  for (let i = 0; i < data.rows; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += r[j] = random.next();
    const w = data.weights === null ? 1 : data.weights[i];
    // s > 0 but for a 2^-53 chance; then the row counts for nobody.
    if (w === 0 || !(s > 0)) continue;
    for (let j = 0; j < k; j++) {
      const wr = (w * r[j]) / s;
      stats[j] += wr;
      for (let c = 0; c < d; c++) if (data.values[i * d + c] !== 0) stats[k + j * d + c] += wr;
    }
  }
  return estimateParameters(provisional, stats);
}
