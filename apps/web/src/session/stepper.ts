import {
  DEFAULT_MONOTONE_TOLERANCE,
  DEFAULT_SHARD_ROWS,
  isEmkitError,
  FitError,
  planShards,
  resolveDriverOptions,
  runShardsInProcess,
  totalWeight,
  type AnyModelPlugin,
  type Dataset,
  type DataSummary,
  type MonotonicityViolation,
  type RowRange,
} from '@emkit/core';
import { Random, deriveSeed } from '@emkit/linalg';

/** Which half-step comes next. */
export type Phase = 'e' | 'm';

/** The stepper's state after a call, as the page shows it. */
export interface StepState<Params = unknown> {
  readonly plugin: string;
  readonly params: Params;
  /** M-steps done since init. */
  readonly iteration: number;
  readonly next: Phase;
  /** Mean log-likelihood of every E-step since init (the driver's `history`). */
  readonly history: readonly number[];
  readonly converged: boolean;
  readonly monotonicityViolations: readonly MonotonicityViolation[];
}

export interface StepperDriverOptions {
  tol?: number;
  maxIter?: number;
  /** Relative decrease of the mean log-likelihood tolerated as round-off (the driver's default). */
  monotoneTolerance?: number;
  shardRows?: number;
}

/**
 * EM one half-step at a time, for watching it: init, then E-step (statistics and the
 * log-likelihood at the current parameters), then M-step (new parameters from those
 * statistics), and so on. It is built from the plugin's public hooks and core's driver pieces —
 * the same shard plan and in-process executor, the same seed derivation for restart 0, the same
 * convergence and monotonicity tests — so stepping from init until `converged` and then taking one
 * more E-step reproduces core's `fit` with that seed bit for bit (see stepper.test.ts).
 */
export class Stepper {
  private readonly plugins: readonly AnyModelPlugin[];
  private data: Dataset | null = null;
  private summary: DataSummary | null = null;
  private shards: RowRange[] = [];

  private plugin: AnyModelPlugin | null = null;
  private options: unknown = null;
  private tol = 0;
  private maxIter = 0;
  private monotoneTolerance = DEFAULT_MONOTONE_TOLERANCE;
  private shardRows = DEFAULT_SHARD_ROWS;
  private params: unknown = null;
  /** Statistics of the last E-step, for the M-step that follows it. */
  private stats: Float64Array | null = null;
  private phase: Phase = 'e';
  private iteration = 0;
  private history: number[] = [];
  private violations: MonotonicityViolation[] = [];
  private isConverged = false;

  constructor(plugins: readonly AnyModelPlugin[]) {
    this.plugins = plugins;
  }

  /** Replaces the data; the model must be initialised again. */
  load(data: Dataset): void {
    const weight = totalWeight(data);
    if (data.rows === 0 || !(weight > 0)) throw new FitError({ plugin: 'data', detail: 'no rows with positive weight to fit' });
    this.data = data;
    this.summary = { rows: data.rows, cols: data.cols, totalWeight: weight };
    this.plugin = null;
    this.params = null;
  }

  get loaded(): Dataset {
    if (!this.data) throw new Error('no data loaded');
    return this.data;
  }

  get model(): { plugin: AnyModelPlugin; options: unknown; params: unknown } {
    if (!this.plugin) throw new Error('the model is not initialised: choose a model and press reset');
    return { plugin: this.plugin, options: this.options, params: this.params };
  }

  /**
   * Validates `rawOptions` with the plugin's parseOptions and draws starting parameters from the
   * seed that restart 0 of a fit with base seed `seed` uses.
   */
  init(pluginName: string, rawOptions: unknown, seed: number, driver: StepperDriverOptions = {}): StepState {
    const data = this.loaded;
    const plugin = this.plugins.find((p) => p.name === pluginName);
    if (!plugin) throw new Error(`unknown model "${pluginName}"`);
    const options = plugin.parseOptions(rawOptions);
    const resolved = resolveDriverOptions(plugin, { ...driver, seed });
    const params = this.call(plugin, undefined, () => plugin.init(data, options, new Random(deriveSeed(resolved.seed, 0))));
    this.plugin = plugin;
    this.options = options;
    this.tol = resolved.tol;
    this.maxIter = resolved.maxIter;
    this.monotoneTolerance = resolved.monotoneTolerance;
    this.shardRows = resolved.shardRows;
    this.shards = planShards(data.rows, this.shardRows);
    this.params = params;
    this.reset();
    return this.state();
  }

  /**
   * Takes over parameters fitted elsewhere (a full fit on the worker pool) with that fit's
   * history, then runs one E-step on them so the next step is an M-step. That E-step's
   * log-likelihood equals the fit's final one, so it is not added to the history again.
   */
  adopt(pluginName: string, options: unknown, params: unknown, fitted: { history: readonly number[]; iterations: number; converged: boolean }): StepState {
    const plugin = this.plugins.find((p) => p.name === pluginName);
    if (!plugin) throw new Error(`unknown model "${pluginName}"`);
    const resolved = resolveDriverOptions(plugin, {});
    this.plugin = plugin;
    this.options = options;
    this.tol = resolved.tol;
    this.maxIter = resolved.maxIter;
    this.monotoneTolerance = resolved.monotoneTolerance;
    this.shardRows = resolved.shardRows;
    this.shards = planShards(this.loaded.rows, this.shardRows);
    this.params = params;
    this.reset();
    this.stats = this.eStepStats(fitted.iterations + 1).stats;
    this.phase = 'm';
    this.iteration = fitted.iterations;
    this.history = [...fitted.history];
    this.isConverged = fitted.converged;
    return this.state();
  }

  private reset(): void {
    this.stats = null;
    this.phase = 'e';
    this.iteration = 0;
    this.history = [];
    this.violations = [];
    this.isConverged = false;
  }

  state(): StepState {
    const { plugin, params } = this.model;
    return {
      plugin: plugin.name,
      params,
      iteration: this.iteration,
      next: this.phase,
      history: [...this.history],
      converged: this.isConverged,
      monotonicityViolations: [...this.violations],
    };
  }

  /** M-steps done since init. */
  get iterations(): number {
    return this.iteration;
  }

  get maxIterations(): number {
    return this.maxIter;
  }

  /** The driver's convergence test passed at the last M-step. */
  get converged(): boolean {
    return this.isConverged;
  }

  get next(): Phase {
    return this.phase;
  }

  /** The E-step at the current parameters: statistics for the M-step and the log-likelihood. */
  eStep(): StepState {
    const { plugin } = this.model;
    const iteration = this.iteration + 1;
    const { stats, logLikelihood } = this.eStepStats(iteration);
    const mean = logLikelihood / this.summary!.totalWeight;
    if (!Number.isFinite(mean))
      throw new FitError({ plugin: plugin.name, iteration, detail: `the log-likelihood became ${mean}; the data or the starting parameters give a zero-density row` });
    const previous = this.history.length > 0 ? this.history[this.history.length - 1] : -Infinity;
    // The E-step after an M-step is the one the driver records; a repeated E-step (no M-step in
    // between) recomputes the same value and replaces it.
    if (this.phase === 'm') this.history.pop();
    else if (this.history.length > 0 && mean < previous - this.monotoneTolerance * Math.max(1, Math.abs(previous)))
      this.violations.push({ iteration, previous, current: mean });
    this.history.push(mean);
    this.stats = stats;
    this.phase = 'm';
    return this.state();
  }

  /** The M-step from the last E-step's statistics, then the driver's convergence test. */
  mStep(): StepState {
    const { plugin, options, params } = this.model;
    if (this.phase !== 'm' || this.stats === null) throw new Error('take an E-step first: the M-step needs its statistics');
    const iteration = this.iteration + 1;
    const stats = this.stats;
    const next = this.call(plugin, iteration, () => plugin.mStep(params, stats, this.summary!, options));
    const mean = this.history[this.history.length - 1];
    const previous = this.history.length > 1 ? this.history[this.history.length - 2] : -Infinity;
    const change = mean - previous;
    this.isConverged = plugin.hasConverged
      ? plugin.hasConverged({ previous: params, next, meanLogLikelihood: mean, previousMeanLogLikelihood: previous, tol: this.tol, iteration })
      : Math.abs(change) < this.tol;
    this.params = next;
    this.stats = null;
    this.phase = 'e';
    this.iteration = iteration;
    return this.state();
  }

  private eStepStats(iteration: number): { stats: Float64Array; logLikelihood: number } {
    const { plugin, params } = this.model;
    return this.call(plugin, iteration, () => runShardsInProcess(plugin, params, this.loaded, this.shards));
  }

  /** Runs a plugin hook; an unexpected exception becomes a FitError naming plugin and iteration, as in the driver. */
  private call<T>(plugin: AnyModelPlugin, iteration: number | undefined, f: () => T): T {
    try {
      return f();
    } catch (error) {
      if (isEmkitError(error)) throw error;
      throw new FitError({ plugin: plugin.name, iteration, detail: error instanceof Error ? error.message : String(error), cause: error });
    }
  }
}
