import { EMPTY_VIEW, PLUGIN_API_VERSION, readMatrix, readVector, type ModelPlugin } from '@emkit/core';
import { describeGmmView } from '@emkit/gmm';
import type { Random } from '@emkit/linalg';
import { viterbiPath } from './inference.js';
import { assembleHmm, chainParameterCount, emissionModel, eStepSequences, estimateHmm, forEachSequence, initialHmm, statsLength } from './model.js';
import { hmmOptions, type HmmOptions, type HmmOptionsInput } from './options.js';
import type { HmmParams } from './params.js';
import { normalisedRows } from './probabilities.js';
import { sampleSequence } from './sample.js';

function nested(values: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(values.subarray(r * cols, (r + 1) * cols)));
}

/**
 * Hidden Markov model by Baum–Welch. Sequences are the dataset's groups (Dataset.groups; the
 * CLI's --sequence column); data without groups is one sequence. The shard plan keeps
 * sequences whole (groupedRows), so the E-step's statistics — expected start counts,
 * transition counts and the emission statistics — add up across shards, and a fit is
 * bit-identical for any number of workers.
 *
 * Per row: scoreSamples gives log p(x_t | x_1…t−1) (they sum to the sequence's
 * log-likelihood), responsibilities the posteriors p(z_t | whole sequence), predict the
 * Viterbi path.
 */
export const hmmPlugin: ModelPlugin<HmmParams, HmmOptions, HmmOptionsInput> = {
  name: 'hmm',
  apiVersion: PLUGIN_API_VERSION,
  description: 'hidden Markov model over sequences (Gaussian or categorical emissions), Baum–Welch',
  moduleUrl: import.meta.url,
  optionSpecs: hmmOptions.specs,
  groupedRows: true,
  defaults: { tol: 1e-4, maxIter: 200 },

  parseOptions: hmmOptions.parse,

  init: (data, options, random: Random) => initialHmm(data, options, random),

  createStats: (params) => new Float64Array(statsLength(params)),

  eStep: (params, data, range, stats) => eStepSequences(params, data, range, stats),

  mStep: (params, stats, _summary, options) => estimateHmm(params, stats, options),

  // Gaussian states are drawn as gmm draws its components (means, covariance ellipses); an HMM
  // has no mixing weights. Categorical states emit symbols, not points in data space: labels only.
  describeView: (params) =>
    params.emission.kind === 'gaussian' ? { ...EMPTY_VIEW, components: { ...describeGmmView(params.emission.gaussian).components!, locationName: 'state mean', weights: null } } : EMPTY_VIEW,

  scoreSamples(params, data) {
    const out = new Float64Array(data.rows);
    forEachSequence(params, data, (start, t, workspace) => out.set(workspace.conditionalLogLikelihoods.subarray(0, t), start));
    return out;
  },

  components: (params) => params.k,


  responsibilities(params, data) {
    const { k } = params;
    const out = new Float64Array(data.rows * k);
    forEachSequence(params, data, (start, t, workspace, logLikelihood) => {
      if (!Number.isFinite(logLikelihood)) return out.fill(NaN, start * k, (start + t) * k);
      workspace.backward(params.transitions, t, null);
      out.set(workspace.posteriors.subarray(0, t * k), start * k);
    });
    return out;
  },

  predict(params, data) {
    const out = new Int32Array(data.rows);
    forEachSequence(params, data, (start, t, workspace) => viterbiPath(params.startProbabilities, params.transitions, workspace.logDensities, t, params.k, out, start));
    return out;
  },

  parameterCount(params, options) {
    return chainParameterCount(options) + emissionModel(params.emission.kind).parameterCount(params, options);
  },

  /** One sequence of n rows (sampleSequences in this package draws several). */
  sample: (params, n, random) => sampleSequence(params, n, random).values,

  toJSON(params, options) {
    const { k } = params;
    return {
      // k, emission, topology, freeze; maxJump, startPrior and transitionPrior when not the defaults
      ...hmmOptions.toModelFile({ ...options, k, emission: params.emission.kind }),
      startProbabilities: Array.from(params.startProbabilities),
      transitions: nested(params.transitions, k, k),
      ...emissionModel(params.emission.kind).toJSON(params.emission, options),
    };
  },

  fromJSON(json) {
    const { k, emission: kind } = hmmOptions.fromModelFile(json);
    // Probabilities within 1e-3 of summing to 1 (rounded by hand) are normalised, as gmm's weights.
    const start = normalisedRows(readVector(json.startProbabilities, 'startProbabilities', k), 1, k, 'startProbabilities', 'model-file', 1e-3);
    const transitions = normalisedRows(readMatrix(json.transitions, 'transitions', k, k).values, k, k, 'transitions', 'model-file', 1e-3);
    const { emission, d, options: emissionOptions } = emissionModel(kind).fromJSON(json, k);
    const options = hmmOptions.fromModelFile(json, emissionOptions);
    const prior = options.startPrior > 1 || options.transitionPrior > 1 ? { start: options.startPrior, transitions: options.transitionPrior } : null;
    return { params: assembleHmm(k, d, start, transitions, emission, prior, undefined), options };
  },
};
