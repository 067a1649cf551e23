import {
  EMPTY_VIEW,
  FitAbortedError,
  createRun,
  yieldToEventLoop,
  modelFileFromFit,
  modelFileFromParams,
  applyStandardization,
  fitStandardization,
  inOriginalUnits,
  objectiveOf,
  perRowShift,
  type AnyModelPlugin,
  type Standardization,
  type Dataset,
  type EmRun,
  type FitProgress,
  type FitResult,
} from '@emkit/core';
import { type CsvColumnsPreview, type HeaderMode, type TableLayout, formatCsv, modelColumnsOf, parseCsv, previewCsvColumns, rowIdColumns } from '@emkit/io';
import { Random } from '@emkit/linalg';
import { shareDataset, sharedMemoryAvailable } from '@emkit/runner';
import { BrowserWorkerPool, defaultBrowserWorkerCount } from '@emkit/runner/browser';
import { compareModels, type ComparisonProgress, type ComparisonRequest, type ComparisonResult } from './comparison.js';
import { fitModel, selectOnPool } from './fits.js';
import { drawnRows, isBinary, snapshotOf } from './snapshot.js';
import { syntheticDataset, type SyntheticName } from './synthetic.js';
import { sleep } from './training.js';
import type { ColumnChoice, DatasetInfo, FitRequest, RunOptions, SelectionRequest, SelectionRow, SessionConfig, Snapshot, TrainingProgress } from './types.js';

/** A CSV as loaded: its text (kept, so its columns can be chosen again) and what its first lines say. */
interface CsvSource {
  readonly text: string;
  readonly name: string;
  readonly header: HeaderMode;
  readonly preview: CsvColumnsPreview;
}

/**
 * Everything that computes, in one Web Worker: the data, the EM run the page steps (core's
 * createRun), and full fits and model selection through @emkit/runner's browser fit on a pool of
 * further workers. The page only draws what this returns.
 */
export class Session {
  private readonly plugins: readonly AnyModelPlugin[];
  private config: SessionConfig | null = null;
  private pool: BrowserWorkerPool | null = null;
  private data: Dataset | null = null;
  private drawn: Dataset | null = null;
  /** The run the page steps; after a fit, resumed from its result. */
  private emRun: EmRun<unknown, unknown> | null = null;
  /** The last full fit, while the run still holds its parameters (for the model file). */
  private lastFit: FitResult<unknown, unknown> | null = null;
  /** Stops the running play, fit or selection. */
  private running: AbortController | null = null;
  /** The loaded CSV, its layout and standardisation (null for generated data). */
  private csv: { source: CsvSource; layout: TableLayout; transform: Standardization | null; original: Dataset } | null = null;

  constructor(plugins: readonly AnyModelPlugin[]) {
    this.plugins = plugins;
  }

  configure(config: SessionConfig): { workers: number; sharedMemory: boolean } {
    this.config = config;
    return { workers: config.workers ?? defaultBrowserWorkerCount(), sharedMemory: sharedMemoryAvailable() };
  }

  /**
   * Parses CSV text with @emkit/io's parseCsv (the CLI's reader): its InputError names line and
   * column. Columns whose first cell is text (a class, a name) start left out, as the CLI would
   * refuse to fit them; `selectColumns` then chooses as --columns, --label and --standardize do.
   */
  loadCsv(text: string, source: string, header: HeaderMode = 'auto'): DatasetInfo {
    const preview = previewCsvColumns(text, source, { header });
    const textColumns = new Set(preview.textColumns);
    const columns = Array.from({ length: preview.count }, (_, j) => j).filter((j) => !textColumns.has(j));
    return this.loadColumns({ text, name: source, header, preview }, { columns: columns.length > 0 ? columns : [0], label: null, standardize: null });
  }

  /** The loaded CSV again with other columns, label column or standardisation (see ColumnChoice). */
  selectColumns(choice: ColumnChoice): DatasetInfo {
    if (!this.csv) throw new Error('choosing columns needs a CSV file; this data set was generated');
    return this.loadColumns(this.csv.source, choice);
  }

  /** parseCsv with the choice as --columns and --label, then core's standardisation: what `emkit fit` reads. */
  private loadColumns(source: CsvSource, choice: ColumnChoice): DatasetInfo {
    if (choice.columns.length === 0) throw new Error('choose at least one column to fit');
    const number = (j: number): string => String(j + 1);
    const parsed = parseCsv(source.text, source.name, { header: source.header, columns: choice.columns.map(number).join(','), label: choice.label === null ? undefined : number(choice.label) });
    const transform = choice.standardize === null ? null : fitStandardization(parsed.dataset, choice.standardize, source.name);
    const info = this.load(transform === null ? parsed.dataset : applyStandardization(parsed.dataset, transform, source.name), source.name);
    const { layout } = parsed;
    this.csv = { source, layout, transform, original: parsed.dataset };
    const { features, label } = layout.selection;
    return {
      ...info,
      loader: {
        header: source.preview.header ?? Array.from({ length: source.preview.count }, (_, j) => `column ${j + 1}`),
        textColumns: [...source.preview.textColumns],
        features: [...features],
        label,
        standardize: choice.standardize,
        rowIdColumns: rowIdColumns(parsed.dataset.values, parsed.dataset.rows, parsed.dataset.cols).map((j) => features[j]),
        labels: parsed.labels ? [...new Set(parsed.labels)].length : null,
      },
    };
  }

  /** Reads a dropped or picked file here, off the page's thread. */
  async loadFile(file: File, header: HeaderMode = 'auto'): Promise<DatasetInfo> {
    return this.loadCsv(await file.text(), file.name, header);
  }

  loadSynthetic(name: SyntheticName): DatasetInfo {
    const info = this.load(syntheticDataset(name), name);
    this.csv = null;
    return info;
  }

  private load(dataset: Dataset, name: string): DatasetInfo {
    this.stop();
    if (dataset.rows === 0) throw new Error(`${name} has no rows to fit`);
    // In shared memory once, so that no fit copies it again for the pool.
    const data = sharedMemoryAvailable() ? shareDataset(dataset).data : dataset;
    this.data = data;
    this.drawn = drawnRows(data);
    this.emRun = null;
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
    return this.snapshot(false);
  }

  async eStep(): Promise<Snapshot> {
    this.stop();
    this.lastFit = null;
    await this.requireRun().eStep();
    return this.snapshot(true);
  }

  mStep(): Snapshot {
    this.stop();
    this.lastFit = null;
    this.requireRun().mStep();
    return this.snapshot(false);
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
    const half = async (step: () => unknown, afterE: boolean) => {
      await step();
      const snapshot = this.snapshot(afterE);
      if (delay > 0) {
        await onProgress(snapshot);
        await sleep(delay / 2);
      }
      return snapshot;
    };
    try {
      if (run.state.next === 'm') await half(() => run.mStep(), false);
      while (!signal.aborted && !run.done) {
        await yieldToEventLoop();
        if (signal.aborted) break;
        await half(() => run.eStep(), true);
        if (signal.aborted) break;
        await half(() => run.mStep(), false);
        if (delay === 0) await onProgress(this.snapshot(true));
      }
      if (!signal.aborted && run.done) await run.eStep();
      return this.snapshot(true);
    } finally {
      this.finish(signal);
    }
  }

  /** Stops a running play, fit or model selection (they end with a FitAbortedError or early). */
  pause(): void {
    this.stop();
  }

  /** A full fit (see fitModel); the run then continues from its result. */
  async fit(request: FitRequest, onProgress?: (progress: FitProgress) => void, onTraining?: (progress: TrainingProgress) => unknown): Promise<Snapshot> {
    const data = this.requireData();
    const signal = this.start();
    const plugin = this.pluginNamed(request.plugin);
    const started = performance.now();
    const pool = this.trained(plugin, request) ? null : this.workerPool();
    // Progress in the units of the result (the original ones, for a density fitted on z-scores).
    const transform = this.csv?.transform ?? null;
    const shift = perRowShift(objectiveOf(plugin, plugin.parseOptions(request.options)), transform);
    const progress = onProgress && ((p: FitProgress) => onProgress({ ...p, meanLogLikelihood: p.meanLogLikelihood + shift }));
    try {
      const fitted = await fitModel({ plugin, data, pool, pluginUrl: this.requireConfig().pluginModuleUrl, signal }, request, progress, onTraining);
      const milliseconds = performance.now() - started;
      // On standardised columns the page reports, as `emkit fit --standardize`, in the original units.
      const result = transform === null ? fitted : inOriginalUnits(fitted, transform, this.csv!.original);
      // The run continues from the fit; its E-step at the fitted parameters is the fit's final one.
      this.emRun = createRun(plugin, data, fitted.options, { resume: fitted });
      await this.emRun.eStep();
      this.lastFit = result;
      const { meanLogLikelihood, logLikelihood, iterations, converged, bic, aic, parameterCount, restart, seed } = result;
      const fit = { meanLogLikelihood, logLikelihood, iterations, converged, bic, aic, parameterCount, restart, seed, restarts: result.restarts.length };
      return { ...this.snapshot(true), fit: { ...fit, workers: pool ? pool.size : 0, sharedMemory: sharedMemoryAvailable(), milliseconds } };
    } catch (error) {
      if (pool) this.dropPool();
      throw error;
    } finally {
      this.finish(signal);
    }
  }

  /** A model its view says is trained in many small steps is fitted here rather than on the pool. */
  private trained(plugin: AnyModelPlugin, request: FitRequest): boolean {
    const run = this.emRun;
    const params = run && run.plugin === plugin ? run.state.params : plugin.init(this.requireData(), plugin.parseOptions(request.options), new Random(request.seed));
    return (plugin.describeView?.(params) ?? EMPTY_VIEW).training !== null;
  }

  /** BIC, ICL and AIC by K through core's selectModel, each candidate on the pool; rows are reported as they finish. */
  async selectModels(request: SelectionRequest, onRow: (row: SelectionRow) => unknown): Promise<SelectionRow[]> {
    const data = this.requireData();
    const signal = this.start();
    const pool = this.workerPool();
    try {
      return await selectOnPool({ plugin: this.pluginNamed(request.plugin), data, pool, pluginUrl: this.requireConfig().pluginModuleUrl, signal }, request, onRow);
    } catch (error) {
      this.dropPool();
      throw error;
    } finally {
      this.finish(signal);
    }
  }

  /** The held-out comparison (see comparison.ts). */
  async compare(request: ComparisonRequest, onProgress: (progress: ComparisonProgress) => unknown): Promise<ComparisonResult> {
    const data = this.requireData();
    const signal = this.start();
    const pool = this.workerPool();
    try {
      return await compareModels({ data, pool, pluginUrl: this.requireConfig().pluginModuleUrl, signal, pluginNamed: (name) => this.pluginNamed(name) }, request, onProgress);
    } catch (error) {
      this.dropPool();
      throw error;
    } finally {
      this.finish(signal);
    }
  }

  /** The model file of the current model: core's modelFileFromFit after a fit (as `emkit fit --out` writes), else its parameters. */
  exportModel(): string {
    const { plugin, options, state } = this.requireRun();
    const file = this.lastFit ? modelFileFromFit(plugin, this.lastFit) : modelFileFromParams(plugin, state.params, options, this.csv?.transform);
    // As `emkit fit --out` writes it: the file's columns, so predict finds them by name.
    const columns = this.csv ? { columns: modelColumnsOf(this.csv.layout) } : {};
    return `${JSON.stringify({ ...file, ...columns }, null, 2)}\n`;
  }

  /** What `emkit predict` writes: the view's per-row table (predictTable), else every row's most probable component. */
  exportLabels(): string {
    const { plugin, state } = this.requireRun();
    const data = this.requireData();
    const view = plugin.describeView?.(state.params) ?? EMPTY_VIEW;
    if (view.rowOutput.kind === 'table' && plugin.predictTable) {
      const table = plugin.predictTable(state.params, data);
      return formatCsv(table.values, data.rows, table.columns.length, table.columns);
    }
    return formatCsv(plugin.predict(state.params, data), data.rows, 1, ['label']);
  }

  private snapshot(afterE: boolean): Snapshot {
    return snapshotOf(this.requireRun(), this.drawn!, afterE, this.csv?.transform ?? null);
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
    if (!plugin) throw new Error(`unknown model "${name}"; known: ${this.plugins.map((p) => p.name).join(', ')}`);
    return plugin;
  }

  private workerPool(): BrowserWorkerPool {
    const config = this.requireConfig();
    this.pool ??= new BrowserWorkerPool(config.poolWorkerUrl, config.workers ?? defaultBrowserWorkerCount());
    return this.pool;
  }

  /** After a failed or aborted fit the next one starts on fresh workers. */
  private dropPool(): void {
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
    this.running?.abort(new FitAbortedError({ reason: new Error('stopped') }));
    this.running = null;
  }
}
