import {
  FitAbortedError,
  FitError,
  createDataset,
  createRun,
  fit as fitInThisThread,
  modelFileFromFit,
  modelFileFromParams,
  rowWeight,
  runShardsInProcess,
  sliceRows,
  type AnyModelPlugin,
  type Dataset,
  type EmRun,
  type EStepExecutor,
  type FitProgress,
  type FitResult,
  type RunState,
} from '@emkit/core';
import { formatCsv, parseCsv, type HeaderMode } from '@emkit/io';
import { Random } from '@emkit/linalg';
import { shareDataset, sharedMemoryAvailable } from '@emkit/runner';
import { BrowserWorkerPool, defaultBrowserWorkerCount, fit as fitOnWorkers } from '@emkit/runner/browser';
import { importanceWeightedLogLikelihood, latentMeans, type VaeParams } from '@emkit/vae';
import { modelView, type ModelView } from './model-view.js';
import { syntheticDataset, type SyntheticName } from './synthetic.js';

/** Rows drawn at most; larger data sets are drawn (and coloured) through a fixed random subset. */
export const MAX_DRAWN_ROWS = 20_000;

export interface SessionConfig {
  /** Absolute URL of the bundled pool worker (`@emkit/runner/browser-worker`). */
  poolWorkerUrl: string;
  /** Absolute URL of the module exporting the plugins, which pool workers import. */
  pluginModuleUrl: string;
  /** Pool size; default: the cores less one. */
  workers?: number;
}

export interface DatasetInfo {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly columns: readonly string[];
  /** The drawn rows (all rows up to MAX_DRAWN_ROWS), row-major drawnRows × cols. */
  readonly drawn: Float64Array;
  readonly drawnRows: number;
  /** Every value is 0 or 1 (the page jitters such points so they do not pile up). */
  readonly binary: boolean;
}

export interface FitSummary {
  readonly meanLogLikelihood: number;
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly bic: number | null;
  readonly aic: number | null;
  readonly parameterCount: number | null;
  readonly restarts: number;
  /** The restart that won. */
  readonly restart: number;
  readonly seed: number;
  /** Pool workers the fit ran on; 0: in the session worker itself (the VAE). */
  readonly workers: number;
  readonly sharedMemory: boolean;
  readonly milliseconds: number;
}

/** What the page shows of a VAE besides the data: its training curve and the latent means. */
export interface VaeSnapshot {
  /** Mean ELBO per row of each finished epoch (params.epochElbo). */
  readonly epochElbo: readonly number[];
  readonly epochs: number;
  /** Adam steps taken, and planned (epochs × batches per epoch). */
  readonly steps: number;
  readonly totalSteps: number;
  readonly latent: number;
  /** The drawn rows' latent means (drawnRows × 2, `predictTable`'s z0, z1) when the latent dimension is 2, else null. */
  readonly latentMeans: Float64Array | null;
}

/** Reported while a VAE trains, once per epoch. */
export interface TrainingProgress {
  /** 0-based restart, and how many. */
  readonly restart: number;
  readonly restarts: number;
  readonly epoch: number;
  readonly epochs: number;
  /** Mean ELBO per row of each finished epoch of this restart. */
  readonly epochElbo: readonly number[];
}

/** The held-out comparison of the Bernoulli mixture and the VAE on 0/1 data. */
export interface ComparisonRequest {
  /** The last ⌈fraction·N⌉ rows (rounded) are held out; the mixture and the VAE see only the others. */
  heldOutFraction: number;
  seed: number;
  mixture: { k: number; restarts: number };
  vae: { latent: number; hidden: string; epochs: number; learningRate: number };
  /** Importance samples k of the VAE's IWAE estimate. */
  iwaeSamples: number;
}

export interface ComparisonProgress {
  readonly stage: 'mixture' | 'vae' | 'scoring';
  readonly text: string;
  /** While the VAE trains: its ELBO per epoch so far. */
  readonly epochElbo?: readonly number[];
}

export interface ComparisonResult {
  readonly rows: number;
  readonly trainRows: number;
  readonly heldOutRows: number;
  readonly heldOutFraction: number;
  readonly seed: number;
  readonly iwaeSamples: number;
  readonly mixture: {
    readonly k: number;
    readonly restarts: number;
    /** The restart that won (0-based). */
    readonly restart: number;
    readonly iterations: number;
    readonly converged: boolean;
    readonly parameterCount: number | null;
    /** Mean exact log-likelihood per training row, and per held-out row. */
    readonly train: number;
    readonly heldOut: number;
    readonly workers: number;
    readonly milliseconds: number;
  };
  readonly vae: {
    readonly latent: number;
    readonly hidden: readonly number[];
    readonly epochs: number;
    readonly learningRate: number;
    readonly batchSize: number;
    readonly steps: number;
    readonly parameterCount: number | null;
    readonly epochElbo: readonly number[];
    /** The sampled ELBO of every training row at the final weights (the fit's meanLogLikelihood). */
    readonly trainElbo: number;
    /** Mean IWAE estimate of log p(x) (k = iwaeSamples) per training row, and per held-out row. */
    readonly train: number;
    readonly heldOut: number;
    readonly milliseconds: number;
  };
}

/** The model as the page shows it after a call. */
/** Where the run stands, as the page shows it. */
export type StepState = Omit<RunState<unknown>, 'params'> & { readonly plugin: string };

export interface Snapshot {
  readonly state: StepState;
  readonly view: ModelView;
  /**
   * drawnRows × K responsibilities of the drawn rows from the last E-step; null before any
   * E-step (after init), absent when unchanged since the previous snapshot (after an M-step).
   */
  readonly responsibilities?: Float64Array | null;
  /** Set after a full fit. */
  readonly fit?: FitSummary;
  /** Set for the VAE. */
  readonly vae?: VaeSnapshot;
}

export interface FitRequest {
  plugin: string;
  options: Record<string, unknown>;
  seed: number;
  restarts: number;
}

export interface SelectionRequest {
  ks: number[];
  covariances: string[];
  initMethod: string;
  seed: number;
  restarts: number;
}

export interface SelectionRow {
  readonly covariance: string;
  readonly k: number;
  readonly bic: number | null;
  readonly meanLogLikelihood: number | null;
  readonly iterations: number | null;
  readonly converged: boolean | null;
  readonly error: string | null;
}

export interface RunOptions {
  /** Pause between half-steps, so people can watch (0: as fast as the worker goes). */
  delayMs?: number;
}

/** Resolves from a fresh event-loop task, so a pause() message is handled between iterations. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isBinary(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 1) return false;
  return true;
}

/** The rows the page draws: all of them, or MAX_DRAWN_ROWS of them in data order, the same every time. */
function drawnRowIndices(rows: number): Int32Array | null {
  if (rows <= MAX_DRAWN_ROWS) return null;
  return new Random(0x5eed).sampleWithoutReplacement(rows, MAX_DRAWN_ROWS).sort();
}

/** Σ wᵢ·sᵢ / Σ wᵢ: the mean per row (per unit of weight), as the driver reports its log-likelihood. */
function weightedMean(scores: Float64Array, data: Dataset): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < data.rows; i++) {
    const w = rowWeight(data, i);
    if (w === 0) continue;
    sum += w * scores[i];
    weight += w;
  }
  return sum / weight;
}

/**
 * E-steps in this thread (as core's in-process executor), but giving the event loop a turn every
 * few tens of milliseconds, so a pause() message reaches the worker during a long training, and
 * reporting each finished epoch of a VAE (its params carry the per-epoch ELBO).
 */
function trainingExecutor(onEpoch: (params: VaeParams, restart: number) => unknown): EStepExecutor {
  let lastTurn = performance.now();
  let epochs = -1;
  let restart = -1;
  return {
    async eStep(plugin, params, data, shards, signal) {
      const p = params as unknown as VaeParams;
      // Every restart starts from fresh parameters at step 0; later steps count up.
      if (p.step === 0) {
        restart++;
        epochs = -1;
      }
      if (p.epochElbo.length !== epochs) {
        epochs = p.epochElbo.length;
        await onEpoch(p, restart);
        lastTurn = performance.now();
      } else if (performance.now() - lastTurn > 25) {
        await nextTask();
        lastTurn = performance.now();
      }
      return runShardsInProcess(plugin, params, data, shards, signal);
    },
  };
}

function selectRows(data: Dataset, indices: Int32Array): Dataset {
  const d = data.cols;
  const values = new Float64Array(indices.length * d);
  indices.forEach((row, i) => values.set(data.values.subarray(row * d, (row + 1) * d), i * d));
  return createDataset(values, indices.length, d, { columns: data.columns });
}

/**
 * Everything that computes, in one Web Worker: the data, the EM run the page steps, and full fits and model
 * selection through @emkit/runner's browser fit on a pool of further workers. The page only
 * draws what this returns.
 */
export class Session {
  /** The EM run the page steps (core's createRun); after a fit, resumed from its result. */
  private emRun: EmRun<unknown, unknown> | null = null;
  private readonly plugins: readonly AnyModelPlugin[];
  private config: SessionConfig | null = null;
  private pool: BrowserWorkerPool | null = null;
  private data: Dataset | null = null;
  private drawn: Dataset | null = null;
  /** The last full fit, while the run still holds its parameters (for the model file). */
  private lastFit: FitResult<unknown, unknown> | null = null;
  /** Stops the running play, fit or selection. */
  private running: AbortController | null = null;

  constructor(plugins: readonly AnyModelPlugin[]) {
    this.plugins = plugins;
  }

  configure(config: SessionConfig): { workers: number; sharedMemory: boolean } {
    this.config = config;
    return { workers: config.workers ?? defaultBrowserWorkerCount(), sharedMemory: sharedMemoryAvailable() };
  }

  /** Parses CSV text with @emkit/io's parseCsv (the CLI's reader): its InputError names line and column. */
  loadCsv(text: string, source: string, header: HeaderMode = 'auto'): DatasetInfo {
    const parsed = parseCsv(text, source, { header });
    return this.load(parsed.dataset, source);
  }

  /** Reads a dropped or picked file here, off the page's thread. */
  async loadFile(file: File, header: HeaderMode = 'auto'): Promise<DatasetInfo> {
    return this.loadCsv(await file.text(), file.name, header);
  }

  loadSynthetic(name: SyntheticName): DatasetInfo {
    return this.load(syntheticDataset(name), name);
  }

  private load(dataset: Dataset, name: string): DatasetInfo {
    this.stop();
    // In shared memory once, so that no fit copies it again for the pool.
    const data = sharedMemoryAvailable() ? shareDataset(dataset).data : dataset;
    if (data.rows === 0) throw new FitError('data', 'no rows with positive weight to fit');
    this.emRun = null;
    const indices = drawnRowIndices(data.rows);
    this.data = data;
    this.drawn = indices === null ? data : selectRows(data, indices);
    this.lastFit = null;
    return {
      name,
      rows: data.rows,
      cols: data.cols,
      columns: data.columns ? [...data.columns] : Array.from({ length: data.cols }, (_, j) => `column ${j + 1}`),
      drawn: this.drawn.values.slice(),
      drawnRows: this.drawn.rows,
      binary: isBinary(data.values),
    };
  }

  /** Validates the options as the plugin's parseOptions does and draws the starting parameters of restart 0 with `seed`. */
  init(plugin: string, options: Record<string, unknown>, seed: number): Snapshot {
    this.stop();
    this.lastFit = null;
    this.emRun = null;
    const model = this.pluginNamed(plugin);
    this.emRun = createRun(model, this.requireData(), model.parseOptions(options), { seed });
    return this.snapshot(null);
  }

  async eStep(): Promise<Snapshot> {
    this.stop();
    this.lastFit = null;
    await this.requireRun().eStep();
    return this.snapshot(this.responsibilities());
  }

  mStep(): Snapshot {
    this.stop();
    this.lastFit = null;
    this.requireRun().mStep();
    return this.snapshot(undefined);
  }

  /**
   * Steps until the run is done (converged or maxIter), then takes its final E-step, so the
   * history is a fit's. Calls `onProgress` after each half-step when slowed down, else after
   * each iteration, and waits for the page to take it. pause() stops it between half-steps.
   */
  async run(onProgress: (snapshot: Snapshot) => unknown, options: RunOptions = {}): Promise<Snapshot> {
    const signal = this.start();
    const delay = options.delayMs ?? 0;
    const run = this.requireRun();
    this.lastFit = null;
    const half = async (step: () => unknown, responsibilities: boolean) => {
      await step();
      const snapshot = this.snapshot(responsibilities ? this.responsibilities() : undefined);
      if (delay > 0) {
        await onProgress(snapshot);
        await sleep(delay / 2);
      }
      return snapshot;
    };
    try {
      if (run.state.next === 'm') await half(() => run.mStep(), false);
      while (!signal.aborted && !run.done) {
        await nextTask();
        if (signal.aborted) break;
        await half(() => run.eStep(), true);
        if (signal.aborted) break;
        const after = await half(() => run.mStep(), false);
        if (delay === 0) await onProgress({ ...after, responsibilities: this.responsibilities() });
      }
      if (!signal.aborted && run.done) await run.eStep();
      return this.snapshot(this.responsibilities());
    } finally {
      this.finish(signal);
    }
  }

  /** Stops a running play, fit or model selection (they end with a FitAbortedError or early). */
  pause(): void {
    this.stop();
  }

  /**
   * A full fit through @emkit/runner's browser fit on the worker pool; the run then continues from its
   * result. The VAE trains here in the session worker instead, with core's driver (what
   * `emkit fit vae --workers 0` runs: the same result for any worker count): one driver
   * iteration is one mini-batch step, so a pool would send the weights to its workers for every
   * batch of 64 rows. `onEpoch` hears of each of its epochs.
   */
  async fit(request: FitRequest, onProgress?: (progress: FitProgress) => void, onEpoch?: (progress: TrainingProgress) => unknown): Promise<Snapshot> {
    const data = this.requireData();
    const signal = this.start();
    const plugin = this.pluginNamed(request.plugin);
    const started = performance.now();
    const inSession = plugin.name === 'vae';
    const pool = inSession ? null : this.workerPool();
    try {
      const result = pool
        ? await fitOnWorkers(plugin, data, request.options, {
            pool,
            pluginUrl: this.requireConfig().pluginModuleUrl,
            seed: request.seed,
            restarts: request.restarts,
            signal,
            onProgress,
          })
        : await fitInThisThread(plugin, data, request.options, {
            seed: request.seed,
            restarts: request.restarts,
            signal,
            executor: trainingExecutor((p, restart) =>
              onEpoch?.({ restart, restarts: request.restarts, epoch: p.epochElbo.length, epochs: p.plan.epochs, epochElbo: p.epochElbo }),
            ),
          });
      const milliseconds = performance.now() - started;
      // The run continues from the fit; its E-step at the fitted parameters is the fit's final one.
      this.emRun = createRun(plugin, data, result.options, { resume: result });
      await this.emRun.eStep();
      this.lastFit = result;
      const fit: FitSummary = {
        meanLogLikelihood: result.meanLogLikelihood,
        logLikelihood: result.logLikelihood,
        iterations: result.iterations,
        converged: result.converged,
        bic: result.bic,
        aic: result.aic,
        parameterCount: result.parameterCount,
        restarts: result.restarts.length,
        restart: result.restart,
        seed: result.seed,
        workers: pool ? pool.size : 0,
        sharedMemory: sharedMemoryAvailable(),
        milliseconds,
      };
      return { ...this.snapshot(this.responsibilities()), fit };
    } catch (error) {
      if (pool) this.dropPoolAfter(error);
      throw error;
    } finally {
      this.finish(signal);
    }
  }

  /** BIC of a GMM for each K and covariance type, one fit per cell on the pool, reported as they finish. */
  async selectModels(request: SelectionRequest, onRow: (row: SelectionRow) => unknown): Promise<SelectionRow[]> {
    const data = this.requireData();
    const signal = this.start();
    const plugin = this.pluginNamed('gmm');
    const pool = this.workerPool();
    const rows: SelectionRow[] = [];
    try {
      for (const covariance of request.covariances)
        for (const k of request.ks) {
          let row: SelectionRow;
          try {
            const result = await fitOnWorkers(plugin, data, { k, covariance, initMethod: request.initMethod }, {
              pool,
              pluginUrl: this.requireConfig().pluginModuleUrl,
              seed: request.seed,
              restarts: request.restarts,
              signal,
            });
            row = { covariance, k, bic: result.bic, meanLogLikelihood: result.meanLogLikelihood, iterations: result.iterations, converged: result.converged, error: null };
          } catch (error) {
            if (signal.aborted) throw error;
            this.dropPoolAfter(error);
            row = { covariance, k, bic: null, meanLogLikelihood: null, iterations: null, converged: null, error: error instanceof Error ? error.message : String(error) };
          }
          rows.push(row);
          await onRow(row);
        }
      return rows;
    } catch (error) {
      this.dropPoolAfter(error);
      throw error;
    } finally {
      this.finish(signal);
    }
  }

  /**
   * The held-out comparison on 0/1 data: the last `heldOutFraction` of the rows are held out;
   * the Bernoulli mixture (K components, restarts, on the worker pool as `emkit fit bernoulli`)
   * and the VAE (Bernoulli decoder, trained here as in `fit`) are fitted to the other rows with
   * the same seed. Reports each one's mean log p(x) per training and per held-out row: the
   * mixture's exact log-likelihood, the VAE's IWAE estimate with k importance samples.
   */
  async compare(request: ComparisonRequest, onProgress: (progress: ComparisonProgress) => unknown): Promise<ComparisonResult> {
    const data = this.requireData();
    if (!isBinary(data.values)) throw new Error('the comparison needs 0/1 data: the Bernoulli mixture and the Bernoulli decoder model binary columns');
    const heldOutRows = Math.round(data.rows * request.heldOutFraction);
    const trainRows = data.rows - heldOutRows;
    if (heldOutRows < 1 || trainRows < 1) throw new Error(`${data.rows} rows cannot be split into training rows and ${Math.round(100 * request.heldOutFraction)} % held out`);
    const signal = this.start();
    const mixturePlugin = this.pluginNamed('bernoulli');
    const vaePlugin = this.pluginNamed('vae');
    // Views of the loaded rows (no copy; in shared memory when the data are).
    const train = sliceRows(data, { start: 0, end: trainRows });
    const heldOut = sliceRows(data, { start: trainRows, end: data.rows });
    const pool = this.workerPool();
    try {
      await onProgress({ stage: 'mixture', text: `fitting the Bernoulli mixture, K = ${request.mixture.k}, on ${trainRows} rows…` });
      let started = performance.now();
      const mixture = await fitOnWorkers(mixturePlugin, sharedMemoryAvailable() ? shareDataset(train).data : train, { k: request.mixture.k }, {
        pool,
        pluginUrl: this.requireConfig().pluginModuleUrl,
        seed: request.seed,
        restarts: request.mixture.restarts,
        signal,
      });
      const mixtureMs = performance.now() - started;
      const mixtureResult: ComparisonResult['mixture'] = {
        k: request.mixture.k,
        restarts: mixture.restarts.length,
        restart: mixture.restart,
        iterations: mixture.iterations,
        converged: mixture.converged,
        parameterCount: mixture.parameterCount,
        train: weightedMean(mixturePlugin.scoreSamples(mixture.params, train), train),
        heldOut: weightedMean(mixturePlugin.scoreSamples(mixture.params, heldOut), heldOut),
        workers: pool.size,
        milliseconds: mixtureMs,
      };

      const options = { ...request.vae, decoder: 'bernoulli', iwaeSamples: request.iwaeSamples };
      started = performance.now();
      const vae = await fitInThisThread(vaePlugin, train, options, {
        seed: request.seed,
        signal,
        executor: trainingExecutor((p) =>
          onProgress({ stage: 'vae', text: `training the VAE on ${trainRows} rows: epoch ${p.epochElbo.length} of ${p.plan.epochs}…`, epochElbo: p.epochElbo }),
        ),
      });
      const params = vae.params as VaeParams;
      await onProgress({ stage: 'scoring', text: `IWAE estimates with k = ${request.iwaeSamples}…`, epochElbo: params.epochElbo });
      const k = request.iwaeSamples;
      const vaeResult: ComparisonResult['vae'] = {
        latent: params.arch.latent,
        hidden: [...params.arch.hidden],
        epochs: params.plan.epochs,
        learningRate: params.plan.learningRate,
        batchSize: params.plan.batchSize,
        steps: vae.iterations,
        parameterCount: vae.parameterCount,
        epochElbo: [...params.epochElbo],
        trainElbo: vae.meanLogLikelihood,
        train: weightedMean(importanceWeightedLogLikelihood(params, train, { samples: k }), train),
        heldOut: weightedMean(importanceWeightedLogLikelihood(params, heldOut, { samples: k }), heldOut),
        milliseconds: performance.now() - started,
      };
      return { rows: data.rows, trainRows, heldOutRows, heldOutFraction: request.heldOutFraction, seed: request.seed, iwaeSamples: k, mixture: mixtureResult, vae: vaeResult };
    } catch (error) {
      this.dropPoolAfter(error);
      throw error;
    } finally {
      this.finish(signal);
    }
  }

  /** The model file of the current model: core's modelFileFromFit after a fit (as `emkit fit --out` writes), else its parameters. */
  exportModel(): string {
    const { plugin, options, state: { params } } = this.requireRun();
    let file: Record<string, unknown>;
    if (this.lastFit) {
      file = modelFileFromFit(plugin, this.lastFit);
      // What the CLI adds for k-means (its registry's extraFitFields): the inertia.
      if (plugin.name === 'kmeans') file = { ...file, inertia: 0 - this.lastFit.logLikelihood };
    } else file = modelFileFromParams(plugin, params, options);
    return `${JSON.stringify(file, null, 2)}\n`;
  }

  /**
   * What `emkit predict` writes: every row's most probable component (one `label` column), or a
   * model's own table where it has one (the VAE's latent means z0 … z{L−1}).
   */
  exportLabels(): string {
    const { plugin, state: { params } } = this.requireRun();
    const data = this.requireData();
    if (plugin.predictTable) {
      const table = plugin.predictTable(params, data);
      return formatCsv(table.values, data.rows, table.columns.length, table.columns);
    }
    return formatCsv(plugin.predict(params, data), data.rows, 1, ['label']);
  }

  private snapshot(responsibilities: Float64Array | null | undefined): Snapshot {
    const run = this.requireRun();
    const { params, ...rest } = run.state;
    const state: StepState = { ...rest, plugin: run.plugin.name };
    let snapshot: Snapshot = { state, view: modelView(state.plugin, params) };
    if (state.plugin === 'vae') snapshot = { ...snapshot, vae: this.vaeSnapshot(params as VaeParams) };
    return responsibilities === undefined ? snapshot : { ...snapshot, responsibilities };
  }

  private vaeSnapshot(params: VaeParams): VaeSnapshot {
    return {
      epochElbo: [...params.epochElbo],
      epochs: params.plan.epochs,
      steps: params.step,
      totalSteps: params.plan.totalSteps,
      latent: params.arch.latent,
      latentMeans: params.arch.latent === 2 ? latentMeans(params, this.drawn!) : null,
    };
  }

  private responsibilities(): Float64Array {
    const { plugin, state: { params } } = this.requireRun();
    return plugin.responsibilities(params, this.drawn!);
  }

  private requireRun(): EmRun<unknown, unknown> {
    if (!this.emRun) throw new Error('the model is not initialised: choose a model and press reset');
    return this.emRun;
  }

  private requireData(): Dataset {
    if (!this.data) throw new Error('no data loaded');
    return this.data;
  }

  private requireConfig(): SessionConfig {
    if (!this.config) throw new Error('the session is not configured (worker URLs)');
    return this.config;
  }

  private pluginNamed(name: string): AnyModelPlugin {
    const plugin = this.plugins.find((p) => p.name === name);
    if (!plugin) throw new Error(`unknown model "${name}"`);
    return plugin;
  }

  private workerPool(): BrowserWorkerPool {
    const config = this.requireConfig();
    this.pool ??= new BrowserWorkerPool(config.poolWorkerUrl, config.workers ?? defaultBrowserWorkerCount());
    return this.pool;
  }

  /** After a failed or aborted fit the next one starts on fresh workers. */
  private dropPoolAfter(_error: unknown): void {
    void this.pool?.close();
    this.pool = null;
  }

  private start(): AbortSignal {
    this.stop();
    this.running = new AbortController();
    return this.running.signal;
  }

  private finish(signal: AbortSignal): void {
    if (this.running?.signal === signal) this.running = null;
  }

  private stop(): void {
    this.running?.abort(new FitAbortedError(new Error('stopped')));
    this.running = null;
  }
}
