import type { ModelView, Objective, RunState, StandardizeMethod } from '@emkit/core';

/** What the page and the session worker exchange (structured-cloneable values only). */

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
  /** For a CSV: its columns and how they were chosen (absent for generated data). */
  readonly loader?: LoaderState;
}

/** The columns of a loaded CSV and the choice in force, file columns numbered from 0. */
export interface LoaderState {
  /** Every column's name (`column 3` without a header). */
  readonly header: readonly string[];
  /** Columns whose first cell is text: they cannot be fitted, only kept as the label. */
  readonly textColumns: readonly number[];
  readonly features: readonly number[];
  readonly label: number | null;
  readonly standardize: StandardizeMethod | null;
  /** Fitted columns that are exactly 0..N−1 or 1..N (io's rowIdColumns): a row id, not a feature. */
  readonly rowIdColumns: readonly number[];
  /** How many distinct labels the label column holds. */
  readonly labels: number | null;
}

/** What the loader's column choice asks for: `emkit fit`'s --columns, --label and --standardize. */
export interface ColumnChoice {
  readonly columns: readonly number[];
  readonly label: number | null;
  readonly standardize: StandardizeMethod | null;
}

/** What a model offers the page, found from the plugin itself (never from its name). */
export interface Capabilities {
  /** It has a `k` option: BIC by K applies when it also has a likelihood. */
  readonly hasK: boolean;
  /** parameterCount is not null: BIC, AIC and ICL apply. */
  readonly likelihood: boolean;
  /** What the run's log-likelihood values are (the plugin's declared objective: log-likelihood, ELBO, −inertia). */
  readonly objective: Objective;
}

/** Where the run stands, as the page shows it. */
export type StepState = Omit<RunState<unknown>, 'params'> & { readonly plugin: string };

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
  /** Pool workers the fit ran on; 0: in the session worker itself (a trained model). */
  readonly workers: number;
  readonly sharedMemory: boolean;
  readonly milliseconds: number;
}

/** The model as the page shows it after a call. */
export interface Snapshot {
  readonly state: StepState;
  /** The plugin's own description of what it can show (EMPTY_VIEW when it has no describeView). */
  readonly view: ModelView;
  readonly capabilities: Capabilities;
  /**
   * drawnRows × K responsibilities of the drawn rows from the last E-step; null before any
   * E-step (after init), absent when unchanged since the previous snapshot (after an M-step).
   */
  readonly responsibilities?: Float64Array | null;
  /** drawnRows × L latent coordinates (the view's latent columns of predictTable), when the model has a latent space. */
  readonly latent?: Float64Array | null;
  /** Set after a full fit. */
  readonly fit?: FitSummary;
}

/** Reported while a model trains, once per unit of training (an epoch). */
export interface TrainingProgress {
  /** 0-based restart, and how many. */
  readonly restart: number;
  readonly restarts: number;
  readonly values: readonly number[];
  readonly planned: number;
}

export interface FitRequest {
  plugin: string;
  options: Record<string, unknown>;
  seed: number;
  restarts: number;
}

export interface SelectionRequest {
  plugin: string;
  /** The form's options; `k` and the varied option are set per candidate. */
  options: Record<string, unknown>;
  ks: number[];
  /** An option with choices to cross with K (null: K only). */
  vary: { name: string; values: string[] } | null;
  seed: number;
  restarts: number;
}

/** One row of core's selectModel table, as `emkit select` prints it. */
export interface SelectionRow {
  readonly index: number;
  readonly k: number;
  /** The varied option's value ('' when only K varies). */
  readonly variant: string;
  readonly status: 'ok' | 'failed';
  readonly bic: number | null;
  readonly icl: number | null;
  readonly aic: number | null;
  readonly meanLogLikelihood: number | null;
  /** What meanLogLikelihood is, in a table header's short form (`log-lik.`); null when the candidate failed. */
  readonly objective: string | null;
  readonly parameterCount: number | null;
  readonly iterations: number | null;
  readonly converged: boolean | null;
  readonly error: string | null;
  readonly best: boolean;
}

export interface RunOptions {
  /** Pause between half-steps, so people can watch (0: as fast as the worker goes). */
  delayMs?: number;
}
