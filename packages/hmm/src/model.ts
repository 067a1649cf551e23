import { FitError, InputError, OptionError, groupBoundaries, readMatrix, readVector, totalWeight, type Dataset, type RowRange } from '@emkit/core';
import type { Random } from '@emkit/linalg';
import { categoricalEmissionModel } from './categorical-emission.js';
import type { EmissionModel } from './emission.js';
import { gaussianEmissionModel } from './gaussian-emission.js';
import { ForwardBackward } from './inference.js';
import { transitionAllowed, type HmmOptions } from './options.js';
import type { Emission, EmissionKind, HmmParams, HmmPrior } from './params.js';
import { normalisedRows, sumLogSupport } from './probabilities.js';

/** The emission kind → module map, consulted once per call site that receives parameters. */
const emissionModels: Readonly<Record<EmissionKind, EmissionModel>> = {
  gaussian: gaussianEmissionModel,
  categorical: categoricalEmissionModel,
};

export function emissionModel(kind: EmissionKind): EmissionModel {
  return emissionModels[kind];
}

/** HMMs treat rows as time steps of one sequence: a row weight has no meaning there. */
export function refuseWeights(data: Dataset): void {
  if (data.weights !== null) throw new InputError({ file: 'data', detail: 'has sample weights; hmm models sequences of unweighted rows: drop the weights (repeat a sequence to count it twice)' });
}

/**
 * The sequences (groups) inside `range` as boundaries [b_0 = range.start, …, b_S = range.end].
 * The shard plan cuts only at group boundaries; a range that cuts a sequence is refused.
 */
export function sequencesIn(data: Dataset, range: RowRange): { groups: Int32Array; first: number; last: number } {
  const groups = groupBoundaries(data);
  let lo = 0;
  let hi = groups.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (groups[mid] < range.start) lo = mid + 1;
    else hi = mid;
  }
  let last = lo;
  while (last < groups.length - 1 && groups[last] < range.end) last++;
  if (groups[lo] !== range.start || groups[last] !== range.end)
    throw new FitError({
      plugin: 'hmm',
      detail: `rows ${range.start + 1}–${range.end} do not start and end at sequence boundaries; shard the data with planShardsFor (the shard plan keeps sequences whole)`,
    });
  return { groups, first: lo, last };
}

/** Statistics layout: [ γ_1 summed per state (K) | Σ ξ (K×K) | the emission module's block ]. */
export function statsLength(params: HmmParams): number {
  return params.k + params.k * params.k + emissionModel(params.emission.kind).statsLength(params);
}

/**
 * The E-step over the whole sequences in `range`: adds the expected start counts, transition
 * counts and the emission statistics, and returns Σ log p(sequence) (plus, under a prior, each
 * sequence's share of log p(π, A) in proportion to its length).
 */
export function eStepSequences(params: HmmParams, data: Dataset, range: RowRange, stats: Float64Array): number {
  refuseWeights(data);
  const { k } = params;
  const { groups, first, last } = sequencesIn(data, range);
  const evaluator = emissionModel(params.emission.kind).evaluator(params);
  const emissionStats = stats.subarray(k + k * k);
  const workspace = new ForwardBackward(k);
  const priorPerRow = params.prior && params.totalRows ? (params.logPrior ?? 0) / params.totalRows : 0;
  let objective = 0;
  for (let g = first; g < last; g++) {
    const start = groups[g];
    const t = groups[g + 1] - start;
    workspace.reserve(t);
    evaluator.logDensities(data.values, start, t, workspace.logDensities, 0);
    const logLikelihood = workspace.forward(params.startProbabilities, params.transitions, t);
    if (!Number.isFinite(logLikelihood)) return logLikelihood;
    workspace.backward(params.transitions, t, stats, k);
    const gamma = workspace.posteriors;
    for (let j = 0; j < k; j++) stats[j] += gamma[j];
    evaluator.accumulate(emissionStats, data.values, start, t, gamma, 0);
    objective += logLikelihood + priorPerRow * t;
  }
  return objective;
}

/**
 * Calls f(start, T, workspace) after the forward pass of each sequence of `data` (all rows),
 * with the log-densities in workspace.logDensities; the backward pass is f's to run.
 */
export function forEachSequence(params: HmmParams, data: Dataset, f: (start: number, t: number, workspace: ForwardBackward, logLikelihood: number) => void): void {
  refuseWeights(data);
  if (data.cols !== params.d) throw new InputError({ file: 'data', detail: `has ${data.cols} columns but the model has ${params.d} dimensions` });
  if (data.rows === 0) return;
  const groups = groupBoundaries(data);
  const evaluator = emissionModel(params.emission.kind).evaluator(params);
  const workspace = new ForwardBackward(params.k);
  for (let g = 0; g + 1 < groups.length; g++) {
    const start = groups[g];
    const t = groups[g + 1] - start;
    workspace.reserve(t);
    evaluator.logDensities(data.values, start, t, workspace.logDensities, 0);
    f(start, t, workspace, workspace.forward(params.startProbabilities, params.transitions, t));
  }
}

/** The Dirichlet mode on the support of `previous`: (n_i + α − 1)/Σ; a row without counts keeps its values. */
function dirichletMode(counts: Float64Array, countsOff: number, previous: Float64Array, off: number, n: number, concentration: number, out: Float64Array): void {
  let total = 0;
  for (let i = 0; i < n; i++) if (previous[off + i] > 0) total += counts[countsOff + i] + concentration - 1;
  for (let i = 0; i < n; i++) out[off + i] = total > 0 ? (previous[off + i] > 0 ? (counts[countsOff + i] + concentration - 1) / total : 0) : previous[off + i];
}

/** log p(π, A) under the Dirichlet priors, up to their normalising constants. */
export function logPriorOf(start: Float64Array, transitions: Float64Array, k: number, prior: HmmPrior): number {
  let s = (prior.start - 1) * sumLogSupport(start, 0, k);
  for (let i = 0; i < k; i++) s += (prior.transitions - 1) * sumLogSupport(transitions, i * k, k);
  return s;
}

/** Parameters with the prior's bookkeeping fields. */
export function assembleHmm(
  k: number,
  d: number,
  startProbabilities: Float64Array,
  transitions: Float64Array,
  emission: Emission,
  prior: HmmPrior | null,
  totalRows: number | undefined,
): HmmParams {
  const params: HmmParams = { k, d, startProbabilities, transitions, emission };
  if (!prior) return totalRows === undefined ? params : { ...params, totalRows };
  return { ...params, prior, logPrior: logPriorOf(startProbabilities, transitions, k, prior), ...(totalRows === undefined ? {} : { totalRows }) };
}

/** The M-step: π and A from the expected counts (Dirichlet modes under a prior), then the emissions. */
export function estimateHmm(params: HmmParams, stats: Float64Array, options: HmmOptions): HmmParams {
  const { k } = params;
  const prior = params.prior ?? null;
  let start = params.startProbabilities;
  if (!options.freeze.includes('start')) {
    start = new Float64Array(k);
    dirichletMode(stats, 0, params.startProbabilities, 0, k, prior ? prior.start : 1, start);
  }
  let transitions = params.transitions;
  if (!options.freeze.includes('transitions')) {
    transitions = new Float64Array(k * k);
    for (let i = 0; i < k; i++) dirichletMode(stats, k + i * k, params.transitions, i * k, k, prior ? prior.transitions : 1, transitions);
  }
  const emission = emissionModel(params.emission.kind).estimate(params, stats.subarray(k + k * k), options);
  return assembleHmm(k, params.d, start, transitions, emission, prior, params.totalRows);
}

/**
 * Starting π (uniform over the states the topology may start in) and A (random over the allowed
 * jumps, rows ∝ 1 + u with u uniform in [0, 1): a uniform A is a poor start, on which the
 * states' predictions do not depend on the past), or the given ones checked.
 */
function startingChain(options: HmmOptions, random: Random): { start: Float64Array; transitions: Float64Array } {
  const { k, topology, maxJump } = options;
  const given = options.init;
  let start: Float64Array;
  if (given?.startProbabilities !== undefined) start = normalisedRows(readVector(given.startProbabilities, 'init.startProbabilities', k, 'option'), 1, k, 'init.startProbabilities', 'option', 1e-6);
  else {
    start = new Float64Array(k);
    if (topology === 'ergodic') start.fill(1 / k);
    else start[0] = 1;
  }
  let transitions: Float64Array;
  if (given?.transitions !== undefined) {
    transitions = normalisedRows(readMatrix(given.transitions, 'init.transitions', k, k, 'option').values, k, k, 'init.transitions', 'option', 1e-6);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++)
        if (transitions[i * k + j] > 0 && !transitionAllowed(topology, maxJump, i, j))
          throw new OptionError({
            field: `init.transitions[${i}][${j}]`,
            detail: `is ${transitions[i * k + j]}, but the ${topology} topology (max jump ${maxJump}) forbids the jump ${i} → ${j}; set it to 0`,
          });
  } else {
    transitions = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      let total = 0;
      for (let j = 0; j < k; j++) if (transitionAllowed(topology, maxJump, i, j)) total += transitions[i * k + j] = 1 + random.next();
      for (let j = 0; j < k; j++) transitions[i * k + j] /= total;
    }
  }
  return { start, transitions };
}

/** Free entries of π and A: those the topology allows, less one per distribution. */
export function chainParameterCount(options: HmmOptions): number {
  const { k, topology, maxJump } = options;
  let count = 0;
  if (!options.freeze.includes('start')) count += topology === 'ergodic' ? k - 1 : 0;
  if (!options.freeze.includes('transitions'))
    for (let i = 0; i < k; i++) {
      let allowed = 0;
      for (let j = 0; j < k; j++) if (transitionAllowed(topology, maxJump, i, j)) allowed++;
      count += allowed - 1;
    }
  return count;
}

export function initialHmm(data: Dataset, options: HmmOptions, random: Random): HmmParams {
  refuseWeights(data);
  const emission = emissionModel(options.emission).init(data, options, random);
  const { start, transitions } = startingChain(options, random);
  const prior = options.startPrior > 1 || options.transitionPrior > 1 ? { start: options.startPrior, transitions: options.transitionPrior } : null;
  return assembleHmm(options.k, data.cols, start, transitions, emission, prior, totalWeight(data));
}
