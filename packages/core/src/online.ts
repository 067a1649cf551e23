import { Random, deriveSeed } from '@emkit/linalg';
import { type Dataset, type RowRange, totalWeight } from './dataset.js';
import { FitError, OptionError, throwIfAborted } from './errors.js';
import { runShardsInProcess } from './executor.js';
import { checkMissingSupport, type DataSummary, type ModelPlugin } from './plugin.js';
import { planShards } from './shard-plan.js';
import { type FitResult, type RestartResult, firstNonFinite, selectBestRestart } from './driver.js';

/**
 * Stepwise (online) EM (Cappé & Moulines 2009; Liang & Klein 2009): after each mini-batch of B
 * rows the statistics become a running average s ← (1 − ηₜ)·s + ηₜ·s_batch, ηₜ = (t + 2)^(−α),
 * and an M-step follows. It is a driver mode, not a plugin: any plugin whose statistics are
 * sums over rows qualifies by saying how many leading entries are such sums
 * (`stepwiseStatsLength`).
 */

export interface StepwiseSettings {
  /** Rows per mini-batch (default 1000). */
  batchSize?: number;
  /** α in ηₜ = (t + 2)^(−α); 0.5 < α ≤ 1 (default 0.7). Smaller forgets old batches faster. */
  stepPower?: number;
  /**
   * Polyak averaging: the reported parameters come from the average of the running statistics
   * over all steps after the first pass's first half, which smooths the noise of small batches.
   */
  polyak?: boolean;
  /** Base seed: initialisation and the row order of each pass (default 0). */
  seed?: number;
}

export interface OnlineFitSettings extends StepwiseSettings {
  /** Most passes over the training rows (default 10). */
  passes?: number;
  /** Share of rows held out to decide when to stop (default 0.05; 0 with passes = 1 allowed). */
  heldOutFraction?: number;
  /** Stop when a pass improves the held-out mean log-likelihood by less than this (default 1e-4). */
  tol?: number;
  signal?: AbortSignal;
  onProgress?: (progress: OnlineProgress) => void;
}

export interface OnlineProgress {
  readonly plugin: string;
  readonly pass: number;
  /** Mini-batch steps so far. */
  readonly steps: number;
  /** Mean log-likelihood of the latest batch under the parameters before its M-step. */
  readonly batchMeanLogLikelihood: number;
  /** Held-out mean log-likelihood, at the end of a pass (null within a pass). */
  readonly heldOutMeanLogLikelihood: number | null;
}

/** What a stepwise learner must keep to continue later (checkpoints). */
export interface StepwiseState<Params> {
  readonly params: Params;
  /** Running statistics per unit of row weight (null before the first batch). */
  readonly stats: Float64Array | null;
  /** Polyak average of `stats` (null until averaging starts). */
  readonly averageStats: Float64Array | null;
  readonly averagedSteps: number;
  /** Mini-batch steps taken (t). */
  readonly steps: number;
  /** Σ row weight seen; the M-step treats the statistics as that many rows' worth. */
  readonly weightSeen: number;
  readonly cols: number;
}

interface ResolvedStepwise {
  batchSize: number;
  stepPower: number;
  polyak: boolean;
  seed: number;
}

function resolveStepwise(settings: StepwiseSettings): ResolvedStepwise {
  const batchSize = settings.batchSize ?? 1000;
  const stepPower = settings.stepPower ?? 0.7;
  const seed = settings.seed ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OptionError({ field: 'batchSize', detail: `must be an integer ≥ 1, got ${batchSize}` });
  if (!(stepPower > 0.5 && stepPower <= 1)) throw new OptionError({ field: 'stepPower', detail: `must be in (0.5, 1] so the steps ηₜ = (t + 2)^(−α) average out noise yet forget the start, got ${stepPower}` });
  if (!Number.isInteger(seed)) throw new OptionError({ field: 'seed', detail: `must be an integer, got ${seed}` });
  return { batchSize, stepPower, polyak: settings.polyak ?? false, seed };
}

/** The step size of step t (0-based): ηₜ = (t + 2)^(−α). */
export function stepSize(t: number, stepPower: number): number {
  return (t + 2) ** -stepPower;
}

/** Whether `plugin` can be fitted by stepwise EM. */
export function supportsStepwise(plugin: ModelPlugin<unknown, unknown>): boolean {
  return typeof plugin.stepwiseStatsLength === 'function';
}

/**
 * A stepwise-EM learner for one plugin: `partialFit(params, batch)` takes one mini-batch step
 * and returns the new parameters. The running statistics live in the learner; `state()` and
 * `restore()` carry them across processes (checkpoints).
 */
export interface StepwiseLearner<Params, Options> {
  readonly plugin: ModelPlugin<Params, Options>;
  readonly options: Options;
  /** Starting parameters from a first batch, with the learner's seeded random stream. */
  init(batch: Dataset): Params;
  /** One step: E-step on `batch` at `params`, update the running statistics, M-step. */
  partialFit(params: Params, batch: Dataset): Params;
  /** Parameters for reporting: the Polyak average's M-step when averaging, else the latest. */
  reportedParams(): Params;
  /** The mean log-likelihood of the last batch before its M-step (NaN before any). */
  readonly lastBatchMeanLogLikelihood: number;
  state(): StepwiseState<Params>;
  restore(state: StepwiseState<Params>): void;
  /** Start Polyak averaging from the next step (no-op without `polyak`). */
  startAveraging(): void;
}

export function stepwiseLearner<Params, Options>(plugin: ModelPlugin<Params, Options>, rawOptions: unknown, settings: StepwiseSettings = {}): StepwiseLearner<Params, Options> {
  if (!plugin.stepwiseStatsLength)
    throw new OptionError({ field: 'online', detail: `the "${plugin.name}" model does not support stepwise (online) EM: its statistics are not sums over rows` });
  const resolved = resolveStepwise(settings);
  const options = plugin.parseOptions(rawOptions);
  const random = new Random(deriveSeed(resolved.seed, 0));
  let current: StepwiseState<Params> | null = null;
  let lastMean = NaN;
  let averaging = false;
  const summaryOf = (weight: number, cols: number): DataSummary => ({ rows: weight, cols, totalWeight: weight });

  const mStep = (params: Params, perRow: Float64Array, weight: number, cols: number, step: number): Params => {
    const scaled = new Float64Array(perRow.length);
    for (let i = 0; i < perRow.length; i++) scaled[i] = perRow[i] * weight;
    try {
      return plugin.mStep(params, scaled, summaryOf(weight, cols), options);
    } catch (error) {
      throw new FitError({ plugin: plugin.name, iteration: step, detail: error instanceof Error ? error.message : String(error), cause: error });
    }
  };

  return {
    plugin,
    options,
    init(batch) {
      if (batch.rows === 0) throw new FitError({ plugin: plugin.name, detail: 'the first mini-batch has no rows to start from' });
      return plugin.init(batch, options, random);
    },
    partialFit(params, batch) {
      const cols = batch.cols;
      const batchWeight = totalWeight(batch);
      if (!(batchWeight > 0)) return params;
      const step = current?.steps ?? 0;
      const batchStats = plugin.createStats(params, cols);
      const range: RowRange = { start: 0, end: batch.rows };
      const logLikelihood = plugin.eStep(params, batch, range, batchStats);
      lastMean = logLikelihood / batchWeight;
      if (!Number.isFinite(lastMean)) throw new FitError({ plugin: plugin.name, iteration: step + 1, detail: `the log-likelihood of a mini-batch became ${lastMean}` });
      const additive = plugin.stepwiseStatsLength!(params, cols);
      const eta = stepSize(step, resolved.stepPower);
      // Per unit weight, so batches of any size (the last one of a pass) weigh by η alone.
      const stats = new Float64Array(batchStats.length);
      for (let i = 0; i < additive; i++) {
        const fresh = batchStats[i] / batchWeight;
        // The first step takes the batch's statistics whole: averaging with nothing would shrink them.
        stats[i] = current?.stats ? (1 - eta) * current.stats[i] + eta * fresh : fresh;
      }
      // Entries past the additive part (re-seeding candidates) are the latest batch's own.
      for (let i = additive; i < batchStats.length; i++) stats[i] = batchStats[i];
      const weightSeen = (current?.weightSeen ?? 0) + batchWeight;
      let averageStats = current?.averageStats ?? null;
      let averagedSteps = current?.averagedSteps ?? 0;
      if (resolved.polyak && averaging) {
        averagedSteps++;
        const average = Float64Array.from(stats);
        if (averageStats !== null) for (let i = 0; i < additive; i++) average[i] = averageStats[i] + (stats[i] - averageStats[i]) / averagedSteps;
        averageStats = average;
      }
      const next = mStep(params, stats, weightSeen, cols, step + 1);
      current = { params: next, stats, averageStats, averagedSteps, steps: step + 1, weightSeen, cols };
      return next;
    },
    reportedParams() {
      if (current === null) throw new FitError({ plugin: plugin.name, detail: 'no mini-batch has been fitted yet' });
      if (current.averageStats === null) return current.params;
      return mStep(current.params, current.averageStats, current.weightSeen, current.cols, current.steps);
    },
    get lastBatchMeanLogLikelihood() {
      return lastMean;
    },
    state() {
      if (current === null) throw new FitError({ plugin: plugin.name, detail: 'no mini-batch has been fitted yet' });
      return current;
    },
    restore(state) {
      current = state;
      averaging = state.averageStats !== null;
    },
    startAveraging() {
      averaging = true;
    },
  };
}

export interface OnlineFitResult<Params, Options> extends FitResult<Params, Options> {
  /** Passes over the training rows. */
  readonly passes: number;
  /** Mini-batch steps (also in `iterations`). */
  readonly steps: number;
  /** Held-out mean log-likelihood after each pass (also in `history`). */
  readonly heldOutHistory: readonly number[];
  readonly heldOutRows: number;
}

/** Rows `indices[from..to)` of `data` copied into one batch (weights, target and missing cells along). */
export function gatherRows(data: Dataset, indices: ArrayLike<number>, from: number, to: number): Dataset {
  const n = to - from;
  const cols = data.cols;
  const values = new Float64Array(n * cols);
  const weights = data.weights === null ? null : new Float64Array(n);
  const target = data.target ? new Float64Array(n) : null;
  const missing = data.missing ? new Uint8Array(n * cols) : null;
  for (let r = 0; r < n; r++) {
    const i = indices[from + r];
    values.set(data.values.subarray(i * cols, (i + 1) * cols), r * cols);
    if (weights !== null) weights[r] = data.weights![i];
    if (target !== null) target[r] = data.target![i];
    if (missing !== null) missing.set(data.missing!.subarray(i * cols, (i + 1) * cols), r * cols);
  }
  // Missing cells (Dataset.missing) travel with their rows.
  return { rows: n, cols, values, weights, columns: data.columns, target, ...(missing !== null ? { missing } : {}) };
}

function shuffle(indices: Int32Array, random: Random): void {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const t = indices[i];
    indices[i] = indices[j];
    indices[j] = t;
  }
}

/** Mean log-likelihood of `data` under `params` (in-process E-step over the shard plan). */
export function meanLogLikelihoodOf<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset): number {
  return runShardsInProcess(plugin, params, data, planShards(data.rows)).logLikelihood / totalWeight(data);
}

/**
 * Fits `data` by stepwise EM: passes over a seeded shuffle of the training rows in mini-batches
 * until the held-out mean log-likelihood stops improving by `tol` (or `passes` is reached); the
 * parameters of the best pass are kept. The reported log-likelihood, BIC and AIC are those of
 * all rows, from one final E-step.
 */
export async function fitOnline<Params, Options>(
  plugin: ModelPlugin<Params, Options>,
  data: Dataset,
  rawOptions: unknown,
  settings: OnlineFitSettings = {},
): Promise<OnlineFitResult<Params, Options>> {
  const learner = stepwiseLearner(plugin, rawOptions, settings);
  const { batchSize, seed, polyak } = resolveStepwise(settings);
  const passes = settings.passes ?? 10;
  const heldOutFraction = settings.heldOutFraction ?? 0.05;
  const tol = settings.tol ?? 1e-4;
  const { signal, onProgress } = settings;
  if (!Number.isInteger(passes) || passes < 1) throw new OptionError({ field: 'passes', detail: `must be an integer ≥ 1, got ${passes}` });
  if (!(heldOutFraction >= 0 && heldOutFraction < 1)) throw new OptionError({ field: 'heldOutFraction', detail: `must be in [0, 1), got ${heldOutFraction}` });
  if (!(tol >= 0)) throw new OptionError({ field: 'tol', detail: `must be ≥ 0, got ${tol}` });
  if (data.rows === 0 || !(totalWeight(data) > 0)) throw new FitError({ plugin: plugin.name, detail: 'no rows with positive weight to fit' });
  checkMissingSupport(plugin, data);

  const random = new Random(deriveSeed(seed, 1));
  const order = new Int32Array(data.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  shuffle(order, random);
  const heldOutRows = passes > 1 || heldOutFraction > 0 ? Math.min(data.rows - 1, Math.floor(data.rows * heldOutFraction)) : 0;
  const heldOut = heldOutRows > 0 ? gatherRows(data, order, 0, heldOutRows) : null;
  const training = order.slice(heldOutRows);

  let params: Params | null = null;
  let best: { params: Params; score: number; pass: number } | null = null;
  const heldOutHistory: number[] = [];
  let converged = false;
  let pass: number;
  let lastYield = Date.now();
  for (pass = 1; pass <= passes; pass++) {
    if (pass > 1) shuffle(training, random);
    for (let from = 0; from < training.length; from += batchSize) {
      throwIfAborted(signal);
      const batch = gatherRows(data, training, from, Math.min(training.length, from + batchSize));
      params ??= learner.init(batch);
      // Polyak averaging starts half-way through the first pass, once the start is forgotten.
      if (polyak && pass === 1 && from >= training.length / 2) learner.startAveraging();
      params = learner.partialFit(params, batch);
      onProgress?.({ plugin: plugin.name, pass, steps: learner.state().steps, batchMeanLogLikelihood: learner.lastBatchMeanLogLikelihood, heldOutMeanLogLikelihood: null });
      // Let signals and timers run: a long pass must stay interruptible.
      if (Date.now() - lastYield > 50) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = Date.now();
      }
    }
    const reported = learner.reportedParams();
    const score = meanLogLikelihoodOf(plugin, reported, heldOut ?? data);
    heldOutHistory.push(score);
    onProgress?.({ plugin: plugin.name, pass, steps: learner.state().steps, batchMeanLogLikelihood: learner.lastBatchMeanLogLikelihood, heldOutMeanLogLikelihood: score });
    const improved = best === null || score > best.score;
    const gain = best === null ? Infinity : score - best.score;
    if (improved) best = { params: reported, score, pass };
    if (gain < tol * Math.max(1, Math.abs(score))) {
      converged = true;
      break;
    }
  }
  const final = best!.params;
  const outcome = runShardsInProcess(plugin as ModelPlugin<Params, unknown>, final, data, planShards(data.rows));
  const meanLogLikelihood = outcome.logLikelihood / totalWeight(data);
  const bad = firstNonFinite(plugin.toJSON(final, learner.options));
  if (bad !== null || !Number.isFinite(meanLogLikelihood))
    throw new FitError({ plugin: plugin.name, detail: `the stepwise fit reached a non-finite value${bad ? ` at ${bad.path}` : ''}; try a larger --batch-size or a larger --step-power` });
  const steps = learner.state().steps;
  const restart: RestartResult<Params> = {
    restart: 0,
    seed: deriveSeed(seed, 0),
    params: final,
    meanLogLikelihood,
    logLikelihood: outcome.logLikelihood,
    iterations: steps,
    converged,
    history: heldOutHistory,
    monotonicityViolations: [],
  };
  const result = selectBestRestart(plugin, data, learner.options, [restart]);
  return { ...result, passes: Math.min(pass, passes), steps, heldOutHistory, heldOutRows };
}
