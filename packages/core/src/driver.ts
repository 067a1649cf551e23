import { Random, deriveSeed } from '@emkit/linalg';
import { type Dataset, totalWeight } from './dataset.js';
import { FitError, OptionError, isEmkitError, throwIfAborted } from './errors.js';
import { type EStepExecutor, type EStepOutcome, createInProcessExecutor } from './executor.js';
import { type DataSummary, type InitProgress, type ModelPlugin, type Objective, checkMissingSupport, objectiveOf } from './plugin.js';
import { DEFAULT_SHARD_ROWS, planShardsFor } from './shard-plan.js';
import { aic, bic } from './criteria.js';
import { allRestartsFailed, checkRestartCount, isFailedRestart, restartFailure, restartsToRun, type FailedRestart, type RestartCount, type RestartOutcome } from './restarts.js';

/** Relative drop of the mean log-likelihood treated as round-off rather than a decrease. */
export const DEFAULT_MONOTONE_TOLERANCE = 1e-9;

export interface FitProgress {
  readonly plugin: string;
  readonly restart: number;
  readonly iteration: number;
  /** Mean log-likelihood at the parameters the E-step of this iteration used. */
  readonly meanLogLikelihood: number;
  /** Change from the previous iteration (Infinity on the first). */
  readonly change: number;
  readonly converged: boolean;
}

/** How far a restart's initialisation has got: the plugin's InitProgress, naming plugin and restart. */
export interface RestartInitProgress extends InitProgress {
  readonly plugin: string;
  readonly restart: number;
}

export interface DriverOptions {
  /** Convergence tolerance on the change of the mean log-likelihood (plugin default otherwise). */
  tol?: number;
  /** Maximum EM iterations per restart (plugin default otherwise). */
  maxIter?: number;
  /**
   * Number of restarts, or 'auto' (by the rows: AUTO_RESTARTS); the one with the highest final
   * log-likelihood wins. Default: the plugin's defaults.restarts, else 1.
   */
  restarts?: RestartCount;
  /** Base seed; restart r uses deriveSeed(seed, r). Default 0. */
  seed?: number;
  /** Rows per E-step shard; fixed so results do not depend on how shards are scheduled. */
  shardRows?: number;
  /** Relative decrease of the mean log-likelihood tolerated as round-off (default 1e-9). */
  monotoneTolerance?: number;
  signal?: AbortSignal;
  onProgress?: (progress: FitProgress) => void;
  /** Progress of each restart's init (plugins that report it: k-means++ centres, k-means iterations). */
  onInitProgress?: (progress: RestartInitProgress) => void;
  /** Runs E-steps (and init, when it can); in-process by default, a worker pool with @emkit/runner. */
  executor?: EStepExecutor;
  /**
   * The rows `init` draws starting parameters from, instead of the data: a reservoir sample
   * (reservoirSample) — required for out-of-core data, whose rows are not in memory.
   */
  initData?: Dataset;
}

/** An iteration at which the mean log-likelihood went down by more than round-off. */
export interface MonotonicityViolation {
  readonly iteration: number;
  readonly previous: number;
  readonly current: number;
}

export interface RestartResult<Params> {
  readonly restart: number;
  readonly seed: number;
  readonly params: Params;
  /** Mean log-likelihood per row (per unit of weight) at the final parameters. */
  readonly meanLogLikelihood: number;
  /** Total log-likelihood Σ wᵢ·log p(xᵢ) at the final parameters. */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Mean log-likelihood of every E-step, the final one included. */
  readonly history: readonly number[];
  readonly monotonicityViolations: readonly MonotonicityViolation[];
}

export interface FitResult<Params, Options = unknown> extends RestartResult<Params> {
  readonly plugin: string;
  /** The validated options the fit used (defaults filled in). */
  readonly options: Options;
  /** What `logLikelihood` and `meanLogLikelihood` are for this plugin and options (the log-likelihood, an ELBO, −inertia). */
  readonly objective: Objective;
  /** Free parameters, or null for models without a likelihood. */
  readonly parameterCount: number | null;
  readonly bic: number | null;
  readonly aic: number | null;
  /** Every successful restart's outcome, in restart order (without their parameters). */
  readonly restarts: readonly Omit<RestartResult<Params>, 'params'>[];
  /** The restarts that failed (singular component, non-finite value, plugin error), in restart order, with their reasons. */
  readonly failedRestarts: readonly FailedRestart[];
}

/** Driver options with every default filled in (what runRestart needs besides the executor and callbacks). */
export interface ResolvedDriverOptions {
  tol: number;
  maxIter: number;
  /** As given (validated); restartsToRun turns it, the plugin's default and the rows into a count. */
  restarts: RestartCount | undefined;
  seed: number;
  shardRows: number;
  monotoneTolerance: number;
}

export function resolveDriverOptions(plugin: ModelPlugin<unknown, unknown>, options: DriverOptions): ResolvedDriverOptions {
  const tol = options.tol ?? plugin.defaults.tol;
  const maxIter = options.maxIter ?? plugin.defaults.maxIter;
  const restarts = options.restarts === undefined ? undefined : checkRestartCount(options.restarts);
  const seed = options.seed ?? 0;
  const shardRows = options.shardRows ?? DEFAULT_SHARD_ROWS;
  const monotoneTolerance = options.monotoneTolerance ?? DEFAULT_MONOTONE_TOLERANCE;
  if (!(tol >= 0) || !Number.isFinite(tol)) throw new OptionError({ field: 'tol', detail: `must be a finite number ≥ 0, got ${tol}` });
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new OptionError({ field: 'maxIter', detail: `must be an integer ≥ 1, got ${maxIter}` });
  if (!Number.isInteger(seed)) throw new OptionError({ field: 'seed', detail: `must be an integer, got ${seed}` });
  if (!Number.isInteger(shardRows) || shardRows < 1) throw new OptionError({ field: 'shardRows', detail: `must be an integer ≥ 1, got ${shardRows}` });
  if (!(monotoneTolerance >= 0)) throw new OptionError({ field: 'monotoneTolerance', detail: `must be ≥ 0, got ${monotoneTolerance}` });
  return { tol, maxIter, restarts, seed, shardRows, monotoneTolerance };
}

function summarize(data: Dataset): DataSummary {
  return { rows: data.rows, cols: data.cols, totalWeight: totalWeight(data) };
}

function defaultConverged(change: number, tol: number): boolean {
  return Math.abs(change) < tol;
}

/** Which half-step a run takes next. */
export type RunPhase = 'e' | 'm';

/** Where a run stands between half-steps. */
export interface RunState<Params> {
  readonly params: Params;
  /** M-steps done. */
  readonly iteration: number;
  /** 'm' when an E-step at `params` has been taken (its statistics wait for the M-step). */
  readonly next: RunPhase;
  /** Mean log-likelihood of every recorded E-step, in order. */
  readonly history: readonly number[];
  /** The convergence test passed at the last M-step. */
  readonly converged: boolean;
  /** Converged, or maxIter M-steps done: only the final E-step is left. */
  readonly done: boolean;
  readonly monotonicityViolations: readonly MonotonicityViolation[];
}

/** What a run needs to continue from parameters fitted elsewhere (a RestartResult fits). */
export interface RunResumePoint<Params> {
  readonly params: Params;
  readonly iterations: number;
  readonly converged: boolean;
  /** Mean log-likelihoods so far; the last belongs to `params` (a fit's final E-step). */
  readonly history: readonly number[];
  readonly monotonicityViolations?: readonly MonotonicityViolation[];
}

export interface RunOptions<Params> extends DriverOptions {
  /** The restart whose seed (deriveSeed(seed, restart)) draws the starting parameters. Default 0. */
  restart?: number;
  /** Continue from these parameters instead of drawing starting ones. */
  resume?: RunResumePoint<Params>;
}

/**
 * One EM run, a half-step at a time: the single home of the loop's rules — the convergence test,
 * monotonicity and non-finite checks, plugin errors as FitErrors, the iteration cap (`done`) and
 * the final E-step (`finish`). runRestart is `createRun(…).finish()`; a UI steps it to watch EM.
 */
export interface EmRun<Params, Options> {
  readonly plugin: ModelPlugin<Params, Options>;
  readonly options: Options;
  readonly restart: number;
  readonly seed: number;
  readonly maxIter: number;
  readonly state: RunState<Params>;
  readonly done: boolean;
  /**
   * The E-step at the current parameters: records its mean log-likelihood and keeps its
   * statistics for the M-step. Taken again before an M-step it changes nothing.
   */
  eStep(): Promise<RunState<Params>>;
  /** The M-step from the last E-step's statistics, then the convergence test and onProgress. */
  mStep(): RunState<Params>;
  /**
   * Iterates until `done`, takes the final E-step (so the reported log-likelihood belongs to the
   * returned parameters) and refuses non-finite parameters.
   */
  finish(): Promise<RestartResult<Params>>;
}

/**
 * Starts an EM run of `plugin` on `data` with parsed `options`: validates the driver options and
 * draws the starting parameters from restart `restart`'s seed (or resumes from given ones).
 */
export function createRun<Params, Options>(
  plugin: ModelPlugin<Params, Options>,
  data: Dataset,
  options: Options,
  runOptions: RunOptions<Params> = {},
): EmRun<Params, Options> {
  const resolved = resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, runOptions);
  const restart = runOptions.restart ?? 0;
  // A fresh in-process executor per run: plugins' per-shard states live for this run only.
  const executor = runOptions.executor ?? createInProcessExecutor();
  const { signal, onProgress, resume } = runOptions;
  const summary = checkFitData(plugin, data);
  const shards = planShardsFor(plugin, data, resolved.shardRows);
  const seed = deriveSeed(resolved.seed, restart);
  const typed = plugin as ModelPlugin<Params, unknown>;

  throwIfAborted(signal);
  const initData = runOptions.initData ?? data;
  if (!resume && initData.external)
    throw new FitError({ plugin: plugin.name, detail: `the rows of ${initData.external.name} are on disk: initialise from a sample of them (initData: reservoirSample…)` });
  let params = resume ? resume.params : drawInitialParams(plugin, initData, options, seed, initProgressOf(plugin.name, restart, runOptions.onInitProgress));
  const history: number[] = resume ? [...resume.history] : [];
  const violations: MonotonicityViolation[] = resume?.monotonicityViolations ? [...resume.monotonicityViolations] : [];
  let iteration = resume?.iterations ?? 0;
  let converged = resume?.converged ?? false;
  // A resumed run's last history entry is the E-step at its parameters; its statistics are
  // computed again when needed, without recording the same value twice.
  let next: RunPhase = resume && history.length > 0 ? 'm' : 'e';
  let pending: EStepOutcome | null = null;

  const isDone = () => converged || iteration >= resolved.maxIter;
  const state = (): RunState<Params> => ({
    params,
    iteration,
    next,
    history: [...history],
    converged,
    done: isDone(),
    monotonicityViolations: [...violations],
  });

  const record = (at: number, mean: number): void => {
    if (!Number.isFinite(mean))
      throw new FitError({ plugin: plugin.name, iteration: at, detail: `the log-likelihood became ${mean}; the data or the starting parameters give a zero-density row` });
    const previous = history.length > 0 ? history[history.length - 1] : -Infinity;
    if (history.length > 0 && mean < previous - resolved.monotoneTolerance * Math.max(1, Math.abs(previous)))
      violations.push({ iteration: at, previous, current: mean });
    history.push(mean);
  };

  // The E-step is a plugin hook too: its exceptions name the plugin and iteration like mStep's.
  const runEStep = (at: number) =>
    executor.eStep(typed, params, data, shards, signal).catch((error: unknown) => {
      throw asFitError(plugin.name, at, error);
    });

  const eStep = async (): Promise<RunState<Params>> => {
    throwIfAborted(signal);
    if (next === 'm' && pending !== null) return state();
    const at = iteration + 1;
    const outcome = await runEStep(at);
    if (next === 'e') record(at, outcome.logLikelihood / summary.totalWeight);
    pending = outcome;
    next = 'm';
    return state();
  };

  const mStep = (): RunState<Params> => {
    if (next !== 'm' || pending === null) throw new Error('take an E-step first: the M-step needs its statistics');
    const at = iteration + 1;
    const stats = pending.stats;
    const updated = callPlugin(plugin.name, at, () => plugin.mStep(params, stats, summary, options));
    const mean = history[history.length - 1];
    const previous = history.length > 1 ? history[history.length - 2] : -Infinity;
    const change = mean - previous;
    converged = plugin.hasConverged
      ? plugin.hasConverged({ previous: params, next: updated, meanLogLikelihood: mean, previousMeanLogLikelihood: previous, tol: resolved.tol, iteration: at })
      : defaultConverged(change, resolved.tol);
    params = updated;
    iteration = at;
    pending = null;
    next = 'e';
    onProgress?.({ plugin: plugin.name, restart, iteration: at, meanLogLikelihood: mean, change, converged });
    return state();
  };

  const finish = async (): Promise<RestartResult<Params>> => {
    while (!isDone()) {
      await eStep();
      mStep();
    }
    await eStep();
    const final = pending!;
    // NaN must never reach a model file: JSON would write it as null, and predict would spread it.
    const fields = callPlugin(plugin.name, iteration, () => plugin.toJSON(params, options));
    const bad = firstNonFinite(fields);
    if (bad !== null)
      throw new FitError({
        plugin: plugin.name,
        iteration,
        detail: `the fitted parameters hold a non-finite value at ${bad.path} (${bad.value}); the data or options drive the model to a degenerate solution`,
      });
    return {
      restart,
      seed,
      params,
      meanLogLikelihood: history[history.length - 1],
      logLikelihood: final.logLikelihood,
      iterations: iteration,
      converged,
      history: [...history],
      monotonicityViolations: [...violations],
    };
  };

  return {
    plugin,
    options,
    restart,
    seed,
    maxIter: resolved.maxIter,
    get state() {
      return state();
    },
    get done() {
      return isDone();
    },
    eStep,
    mStep,
    finish,
  };
}

/** The data's summary, after refusing data no run can fit (no positive weight, missing cells the plugin cannot take). */
function checkFitData(plugin: ModelPlugin<unknown, unknown>, data: Dataset): DataSummary {
  const summary = summarize(data);
  if (data.rows === 0 || !(summary.totalWeight > 0)) throw new FitError({ plugin: plugin.name, detail: 'no rows with positive weight to fit' });
  checkMissingSupport(plugin, data);
  return summary;
}

/**
 * A restart's starting parameters: `plugin.init` with a generator seeded by `seed` (the
 * restart's derived seed), its exceptions as FitErrors naming the plugin. The one way init is
 * called, in this thread or on a worker, so both give the same bits and the same errors.
 */
export function drawInitialParams<Params, Options>(
  plugin: ModelPlugin<Params, Options>,
  data: Dataset,
  options: Options,
  seed: number,
  onProgress?: (progress: InitProgress) => void,
): Params {
  return callPlugin(plugin.name, undefined, () => plugin.init(data, options, new Random(seed), onProgress ? { onProgress } : {}));
}

function initProgressOf(plugin: string, restart: number, report: DriverOptions['onInitProgress']): ((progress: InitProgress) => void) | undefined {
  return report && ((progress) => report({ ...progress, plugin, restart }));
}

/**
 * One EM run from the seed of restart `restart`: init, then E/M until converged or maxIter, then
 * a final E-step so the reported log-likelihood belongs to the returned parameters (as
 * scikit-learn does, so that fit-then-predict agrees with the fit). When the executor can run
 * init (a worker pool), init runs there and the run starts from its parameters — the same bits.
 */
export async function runRestart<Params, Options>(
  plugin: ModelPlugin<Params, Options>,
  data: Dataset,
  options: Options,
  restart: number,
  driverOptions: DriverOptions = {},
): Promise<RestartResult<Params>> {
  const { executor, signal } = driverOptions;
  // A start from a sample (initData) or from rows on disk is drawn here, where they are.
  if (executor?.initialize === undefined || driverOptions.initData !== undefined || data.external)
    return createRun(plugin, data, options, { ...driverOptions, restart }).finish();
  const resolved = resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, driverOptions);
  checkFitData(plugin as ModelPlugin<unknown, unknown>, data);
  throwIfAborted(signal);
  const onProgress = initProgressOf(plugin.name, restart, driverOptions.onInitProgress);
  const params = await executor.initialize(plugin, data, options, deriveSeed(resolved.seed, restart), { restart, signal, onProgress }).catch((error: unknown) => {
    throw asFitError(plugin.name, undefined, error);
  });
  const start: RunResumePoint<Params> = { params, iterations: 0, converged: false, history: [] };
  return createRun(plugin, data, options, { ...driverOptions, restart, resume: start }).finish();
}

/**
 * The path (`means[1][0]`) and value of the first number in a JSON-like value — plain objects,
 * arrays and typed arrays — that is NaN or ±Infinity, or null when every number is finite.
 */
export function firstNonFinite(value: unknown, path = ''): { path: string; value: number } | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path: path || '(value)', value };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < items.length; i++) if (typeof items[i] === 'number' && !Number.isFinite(items[i])) return { path: `${path}[${i}]`, value: items[i] as number };
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonFinite(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const found = firstNonFinite(v, path ? `${path}.${key}` : key);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Runs a plugin hook, turning an unexpected exception into a FitError naming plugin and iteration. */
function callPlugin<T>(plugin: string, iteration: number | undefined, f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw asFitError(plugin, iteration, error);
  }
}

/** An emkit error as it is; anything else as a FitError naming plugin and iteration. */
function asFitError(plugin: string, iteration: number | undefined, error: unknown): Error {
  // By code, not class: a plugin may throw the errors of its own copy of @emkit/core.
  if (isEmkitError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FitError({ plugin, iteration, detail: message, cause: error });
}

/**
 * runRestart (the same arguments), with the restart's own failure (a FitError: singular component, non-finite value,
 * plugin error) returned as a FailedRestart rather than thrown; other errors are thrown.
 */
export async function runRestartOrFailure<Params, Options>(...args: Parameters<typeof runRestart<Params, Options>>): Promise<RestartOutcome<Params>> {
  const [plugin, , , restart, driverOptions = {}] = args;
  try {
    return await runRestart(...args);
  } catch (error) {
    const failure = restartFailure(error, restart, deriveSeed(resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, driverOptions).seed, restart));
    if (failure === null) throw error;
    return failure;
  }
}

/**
 * Picks the successful restart with the highest final log-likelihood (the first on ties, so the
 * choice is deterministic) and adds the information criteria; failed restarts are listed. When
 * none succeeded: the error of allRestartsFailed.
 */
export function selectBestRestart<Params, Options>(
  plugin: ModelPlugin<Params, Options>,
  data: Dataset,
  options: Options,
  outcomes: readonly RestartOutcome<Params>[],
): FitResult<Params, Options> {
  const failedRestarts = outcomes.filter(isFailedRestart).sort((a, b) => a.restart - b.restart);
  const results = outcomes.filter((o): o is RestartResult<Params> => !isFailedRestart(o));
  if (results.length === 0) throw failedRestarts.length > 0 ? allRestartsFailed(plugin.name, failedRestarts) : new FitError({ plugin: plugin.name, detail: 'no restart finished' });
  const ordered = [...results].sort((a, b) => a.restart - b.restart);
  let best = ordered[0];
  for (const r of ordered) if (r.meanLogLikelihood > best.meanLogLikelihood) best = r;
  const parameterCount = plugin.parameterCount(best.params, options);
  const weight = totalWeight(data);
  const criteria = parameterCount === null ? null : { bic: bic(best.logLikelihood, parameterCount, weight), aic: aic(best.logLikelihood, parameterCount) };
  if (criteria !== null && !(Number.isFinite(criteria.bic) && Number.isFinite(criteria.aic)))
    throw new FitError({ plugin: plugin.name, detail: `BIC/AIC are not finite (log-likelihood ${best.logLikelihood}, ${parameterCount} parameters)` });
  return {
    ...best,
    plugin: plugin.name,
    options,
    objective: objectiveOf(plugin, options),
    parameterCount,
    bic: criteria === null ? null : criteria.bic,
    aic: criteria === null ? null : criteria.aic,
    restarts: ordered.map(({ params: _params, ...rest }) => rest),
    failedRestarts,
  };
}

/**
 * Fits `plugin` to `data` by EM with the given restarts, sequentially in this thread (the
 * E-step goes through `driverOptions.executor`). @emkit/runner runs restarts in parallel with
 * the same runRestart and selectBestRestart, so both give the same winner. `rawOptions` is
 * typed by the plugin's option schema: `fit(gmmPlugin, data, { covarance: 'full' })` does not compile.
 */
export async function fit<Params, Options, Input>(
  plugin: ModelPlugin<Params, Options, Input>,
  data: Dataset,
  rawOptions: NoInfer<Input>,
  driverOptions: DriverOptions = {},
): Promise<FitResult<Params, Options>> {
  const options = plugin.parseOptions(rawOptions);
  const restarts = restartsToRun(plugin, options, resolveDriverOptions(plugin as ModelPlugin<unknown, unknown>, driverOptions).restarts, data.rows);
  const outcomes: RestartOutcome<Params>[] = [];
  for (let r = 0; r < restarts; r++) outcomes.push(await runRestartOrFailure(plugin, data, options, r, driverOptions));
  return selectBestRestart(plugin, data, options, outcomes);
}
