import { FitError, InputError, type ConvergenceContext, type Dataset, type RowRange } from '@emkit/core';
import { Random } from '@emkit/linalg';
import { batchPlan, batchRowsIn, batchesPerEpoch, trainingNoiseSeed } from './batches.js';
import { MIN_LOG_VARIANCE, Workspace, layoutOf, rowElbo, type VaeArchitecture } from './network.js';
import type { VaeOptions } from './options.js';
import { ADAM, STATS_HEADER, type VaeParams } from './params.js';

/** Throws an InputError naming the 1-based row and column of the first value that is not 0 or 1. */
export function checkBinary(data: Dataset): void {
  const { values, cols } = data;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x !== 0 && x !== 1) {
      const c = i % cols;
      const name = data.columns?.[c];
      throw new InputError({
        file: 'data',
        row: Math.floor(i / cols) + 1,
        column: c + 1,
        detail: `row ${Math.floor(i / cols) + 1}, column ${c + 1}${name ? ` (${name})` : ''} is ${x}; the Bernoulli decoder needs 0/1 values (for real data use the Gaussian decoder: decoder "gaussian", --decoder gaussian)`,
      });
    }
  }
}

export function checkColumns(params: VaeParams, data: Dataset): void {
  if (data.cols !== params.arch.inputs) throw new InputError({ file: 'data', detail: `has ${data.cols} columns; the model has ${params.arch.inputs}` });
}

export function checkData(params: VaeParams, data: Dataset): void {
  checkColumns(params, data);
  if (params.arch.decoder === 'bernoulli') checkBinary(data);
}

/**
 * Starting weights: Glorot-uniform (tanh) or He-uniform (relu) matrices and zero biases, then
 * adjusted to the data so that the first steps are not spent on scale:
 * - the decoder's output bias starts at the column means (as logits for Bernoulli), and the
 *   learned log-variances at the columns' log-variances: the first ELBO is about that of the
 *   independent-columns model, not of a random one;
 * - Gaussian decoder (real data on any scale): the first encoder layer sees standardised columns
 *   (its weights divided by the column standard deviations, its bias centring them), and the
 *   decoder's output rows are multiplied by them;
 * - the encoder's log-variance outputs start at a tenth of the usual scale, so q(z | x) starts
 *   near unit variance rather than at e^±5.
 */
export function initialParams(data: Dataset, options: VaeOptions, random: Random): VaeParams {
  if (options.decoder === 'bernoulli') checkBinary(data);
  const arch: VaeArchitecture = {
    inputs: data.cols,
    latent: options.latent,
    hidden: [...options.hidden],
    activation: options.activation,
    decoder: options.decoder,
    variance: options.variance,
  };
  const layout = layoutOf(arch);
  const weights = new Float64Array(layout.size);
  for (const layer of [...layout.encoder, ...layout.decoder]) {
    const limit = arch.activation === 'relu' ? Math.sqrt(6 / layer.in) : Math.sqrt(6 / (layer.in + layer.out));
    for (let i = 0; i < layer.in * layer.out; i++) weights[layer.w + i] = limit * (2 * random.next() - 1);
  }
  const L = arch.latent;
  const head = layout.encoder[layout.encoder.length - 1];
  for (let i = L * head.in; i < 2 * L * head.in; i++) weights[head.w + i] *= 0.1;
  const { mean, variance } = columnMoments(data);
  const output = layout.decoder[layout.decoder.length - 1];
  if (arch.decoder === 'gaussian') {
    const scale = Array.from(variance, (v) => (v > 0 ? Math.sqrt(v) : 1));
    const first = layout.encoder[0];
    for (let o = 0; o < first.out; o++) {
      let shift = 0;
      for (let c = 0; c < arch.inputs; c++) {
        weights[first.w + o * arch.inputs + c] /= scale[c];
        shift += weights[first.w + o * arch.inputs + c] * mean[c];
      }
      weights[first.b + o] = -shift;
    }
    // A constant column (standard deviation 0) starts predicted exactly, with no dependence on z.
    for (let c = 0; c < arch.inputs; c++) for (let i = 0; i < output.in; i++) weights[output.w + c * output.in + i] *= Math.sqrt(variance[c]);
  }
  for (let c = 0; c < arch.inputs; c++) {
    if (arch.decoder === 'bernoulli') {
      const p = Math.min(0.99, Math.max(0.01, mean[c]));
      weights[output.b + c] = Math.log(p / (1 - p));
    } else weights[output.b + c] = mean[c];
    if (layout.logVariance >= 0) weights[layout.logVariance + c] = Math.max(MIN_LOG_VARIANCE, Math.log(variance[c]));
  }
  const rows = data.rows;
  const batches = batchesPerEpoch(rows, options.batchSize);
  return {
    arch,
    weights,
    adamFirst: new Float64Array(layout.size),
    adamSecond: new Float64Array(layout.size),
    step: 0,
    noiseSeed: random.nextUint32() | 0,
    plan: { rows, batchSize: options.batchSize, batchesPerEpoch: batches, epochs: options.epochs, totalSteps: options.epochs * batches, learningRate: options.learningRate },
    iwaeSamples: options.iwaeSamples,
    epochElbo: [],
    epochElboSum: 0,
    epochWeight: 0,
  };
}

/** Weighted column means and variances. */
function columnMoments(data: Dataset): { mean: Float64Array; variance: Float64Array } {
  const { rows, cols, values, weights } = data;
  const mean = new Float64Array(cols);
  const variance = new Float64Array(cols);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights === null ? 1 : weights[i];
    total += w;
    for (let c = 0; c < cols; c++) mean[c] += w * values[i * cols + c];
  }
  for (let c = 0; c < cols; c++) mean[c] = total > 0 ? mean[c] / total : 0;
  for (let i = 0; i < rows; i++) {
    const w = weights === null ? 1 : weights[i];
    for (let c = 0; c < cols; c++) variance[c] += w * (values[i * cols + c] - mean[c]) ** 2;
  }
  for (let c = 0; c < cols; c++) variance[c] = total > 0 ? variance[c] / total : 1;
  return { mean, variance };
}

export function statsLength(params: VaeParams): number {
  return STATS_HEADER + params.weights.length;
}

/** True once the planned epochs are done: the E-step then evaluates every row instead of a batch. */
export function trainingFinished(params: VaeParams): boolean {
  return params.step >= params.plan.totalSteps;
}

/** Fills `eps` with the noise of `row` at `step`. */
function drawNoise(params: VaeParams, step: number, row: number, eps: Float64Array): void {
  const random = new Random(trainingNoiseSeed(params.noiseSeed, step, row));
  for (let j = 0; j < eps.length; j++) eps[j] = random.nextNormal();
}

/**
 * The E-step over rows [range.start, range.end) — the gradient of the ELBO as statistics.
 *
 * While training: the rows of this step's mini-batch that fall in the range each add w·ELBOᵢ and
 * w·∂ELBOᵢ/∂weights (reparameterised, with their own noise εᵢ) into `stats`. The return value,
 * Σ w·ELBOᵢ × N / |batch|, is an unbiased estimate of Σ over all rows, so the driver's
 * logLikelihood / N is an estimate of the mean ELBO per row (noisy: one batch, one ε per row).
 *
 * After the last step: every row of the range, no gradient — the driver's final E-step thus
 * reports the sampled ELBO of the whole data at the returned weights.
 */
export function eStepRows(params: VaeParams, data: Dataset, range: RowRange, stats: Float64Array, plugin: string): number {
  checkColumns(params, data);
  if (data.rows !== params.plan.rows)
    throw new FitError({
      plugin,
      detail: `the E-step sees ${data.rows} rows but the fit has ${params.plan.rows}: mini-batches and noise depend on absolute row indices, so the E-step needs the whole data set (shared memory), not a copy of its shard`,
    });
  const work = new Workspace(params.arch, layoutOf(params.arch));
  work.loadLogVariance(params.weights);
  const grad = stats.subarray(STATS_HEADER);
  const { values, weights } = data;
  const cols = data.cols;
  let sumWeight = 0;
  let sumElbo = 0;
  const visit = (row: number, withGradient: boolean): void => {
    const w = weights === null ? 1 : weights[row];
    if (w === 0) return;
    drawNoise(params, params.step, row, work.eps);
    const elbo = rowElbo(params.weights, work, values, row * cols, withGradient ? grad : null, w);
    sumWeight += w;
    sumElbo += w * elbo;
  };
  if (trainingFinished(params)) {
    for (let row = range.start; row < range.end; row++) visit(row, false);
    stats[0] += sumWeight;
    stats[1] += sumElbo;
    return sumElbo;
  }
  const { rows, batchesPerEpoch: batches } = params.plan;
  const plan = batchPlan(rows, batches, params.noiseSeed, params.step);
  for (const row of batchRowsIn(plan, range.start, range.end)) visit(row, true);
  stats[0] += sumWeight;
  stats[1] += sumElbo;
  return sumElbo * (rows / (plan.end - plan.start));
}

/**
 * The M-step: one Adam ascent step on the batch's mean gradient Σ w·∇ELBO / Σ w, then the
 * epoch bookkeeping. A batch of weight 0 (only weight-0 rows) still counts as a step.
 */
export function adamStep(params: VaeParams, stats: Float64Array): VaeParams {
  const n = params.weights.length;
  const batchWeight = stats[0];
  const t = params.step + 1;
  const { beta1, beta2, epsilon } = ADAM;
  const lr = params.plan.learningRate;
  const correction1 = 1 - beta1 ** t;
  const correction2 = 1 - beta2 ** t;
  const weights = params.weights.slice();
  const first = params.adamFirst.slice();
  const second = params.adamSecond.slice();
  for (let i = 0; i < n; i++) {
    const g = batchWeight > 0 ? stats[STATS_HEADER + i] / batchWeight : 0;
    first[i] = beta1 * first[i] + (1 - beta1) * g;
    second[i] = beta2 * second[i] + (1 - beta2) * g * g;
    weights[i] += (lr * (first[i] / correction1)) / (Math.sqrt(second[i] / correction2) + epsilon);
  }
  const logVariance = layoutOf(params.arch).logVariance;
  if (logVariance >= 0) for (let c = 0; c < params.arch.inputs; c++) weights[logVariance + c] = Math.max(MIN_LOG_VARIANCE, weights[logVariance + c]);

  let epochElboSum = params.epochElboSum + stats[1];
  let epochWeight = params.epochWeight + batchWeight;
  let epochElbo = params.epochElbo;
  if (t % params.plan.batchesPerEpoch === 0) {
    epochElbo = [...epochElbo, epochWeight > 0 ? epochElboSum / epochWeight : NaN];
    epochElboSum = 0;
    epochWeight = 0;
  }
  return { ...params, weights, adamFirst: first, adamSecond: second, step: t, epochElbo, epochElboSum, epochWeight };
}

/**
 * Training ends after the planned epochs (reported as converged). With tol > 0 it ends early at
 * the end of an epoch whose mean ELBO differs from the previous epoch's by less than tol — a
 * test on a noisy estimate, so use a tol well above the epoch-to-epoch noise. The driver's
 * per-step test on its batch estimates is not used: they are far too noisy.
 */
export function trainingConverged(context: ConvergenceContext<VaeParams>): boolean {
  const { previous, next, tol } = context;
  if (trainingFinished(next)) return true;
  const epochs = next.epochElbo;
  if (tol > 0 && epochs.length > previous.epochElbo.length && epochs.length >= 2) return Math.abs(epochs[epochs.length - 1] - epochs[epochs.length - 2]) < tol;
  return false;
}
