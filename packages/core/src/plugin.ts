import type { Random } from '@emkit/linalg';
import type { Dataset, RowRange } from './dataset.js';
import { InputError } from './errors.js';
import type { ModelView } from './view.js';
import type { RestartCount } from './restarts.js';

/** Bumped when the plugin contract changes incompatibly; plugins state the version they implement. */
export const PLUGIN_API_VERSION = 1;

/**
 * How a user interface takes an option: number / integer / string: one value; list:
 * comma-separated values; json: a JSON file's contents (e.g. `--init init.json`).
 */
export type OptionKind = 'number' | 'integer' | 'string' | 'list' | 'json';

/**
 * Describes one plugin option for user interfaces (CLI flags, help, web forms), so a third-party
 * plugin gets them without code in the CLI. Derived from the plugin's option schema by
 * `defineOptions` (written by hand only by plugins that predate it); `parseOptions` stays the
 * single place where values are validated.
 */
export interface OptionSpec {
  /** The option's field in the raw options object (camelCase). */
  readonly name: string;
  readonly type: OptionKind;
  readonly description: string;
  /** The CLI flag without dashes (`reg-covar`); absent: the name in kebab case. */
  readonly flag?: string;
  /** What a valid value is, in words (`an integer ≥ 1`, `one of full, diag`), for help and errors. */
  readonly expected?: string;
  readonly choices?: readonly string[];
  /** What `all` stands for where several candidate values are accepted (`emkit select … --covariance all`); default: every choice. */
  readonly allChoices?: readonly string[];
  /** The default value, as a form or flag would hold it (lists comma-separated); parseOptions applies the real one. */
  readonly defaultValue?: string | number;
  /** The default in words where it is worked out at fit time (`D + 2`, `the data mean`), for help. */
  readonly defaultText?: string;
  readonly required?: boolean;
  /** The heading the option is listed under (`prior`, `start`); absent: the model's main options. */
  readonly group?: string;
}

/** What the M-step and convergence test know about the data as a whole. */
export interface DataSummary {
  readonly rows: number;
  readonly cols: number;
  /** Σ sample weights (N when unweighted): the effective number of rows. */
  readonly totalWeight: number;
}

export interface ConvergenceContext<Params> {
  readonly previous: Params;
  readonly next: Params;
  /** Mean log-likelihood at `previous` from this iteration's E-step. */
  readonly meanLogLikelihood: number;
  /** Mean log-likelihood of the iteration before (−Infinity on the first). */
  readonly previousMeanLogLikelihood: number;
  readonly tol: number;
  readonly iteration: number;
}

/** How far a plugin's `init` has got, for a progress line (`k-means++: 3/8 centres`). */
export interface InitProgress {
  /** The method as a user names it: `k-means++`, `k-means`, `hc`. */
  readonly method: string;
  /** Steps done, of at most `total` (an iterative method may stop before it). */
  readonly done: number;
  readonly total: number;
  /** What a step is, plural: `centres`, `iterations`, `merges`. */
  readonly unit: string;
}

/** What the driver gives `init` besides the data and the seeded generator. */
export interface InitContext {
  /**
   * Where to report progress: a plugin whose init takes long on large data calls it after each
   * step (a centre chosen, an iteration run) — never per row. It does not change the result.
   */
  readonly onProgress?: (progress: InitProgress) => void;
}

/**
 * What a plugin's E-step sums — the value results keep as `logLikelihood` (total) and
 * `meanLogLikelihood` (per row) — named for summaries, tables, progress lines and model files.
 */
export interface Objective {
  /** As a user reads it: `log-likelihood`, `log-posterior`, `ELBO`, `−inertia`. */
  readonly name: string;
  /** A narrow form for table headers (`log-lik.`); absent: the name. */
  readonly short?: string;
  /**
   * True when it is the log of a density (or probability) of the data's columns, or a bound on
   * one: a change of units (standardising) then shifts it by the log-Jacobian, which reports add
   * back. False for a cost in the units fitted (k-means' −inertia) or a density of something else
   * (a regression's evidence is a density of the target).
   */
  readonly density: boolean;
}

/** The objective of plugins that declare none. */
export const LOG_LIKELIHOOD: Objective = { name: 'log-likelihood', short: 'log-lik.', density: true };

/** What `plugin`'s E-step sums under `options` (parsed): its declared objective or the log-likelihood. */
export function objectiveOf<O>(plugin: Pick<ModelPlugin<unknown, O>, 'objective'>, options: O): Objective {
  return plugin.objective?.(options) ?? LOG_LIKELIHOOD;
}

/** What `eStepWithState` returns: eStep's log-likelihood and the shard's state for the next E-step. */
export interface ShardEStepResult {
  readonly logLikelihood: number;
  readonly state: unknown;
}

/** A plugin's driver defaults: what a fit uses when the caller gives none. */
export interface DriverDefaults<Options> {
  readonly tol: number;
  readonly maxIter: number;
  /**
   * The restart count for these options (default: 1). A start that draws nothing at random
   * gains nothing from restarts; one that does may ask for 'auto' (see RestartCount).
   */
  restarts?(options: Options): RestartCount;
  /** That rule in a few words, for help texts (`auto; 1 with given means`). */
  readonly restartsRule?: string;
}

/**
 * A model that EM can fit. Parameters are plain structured-cloneable values (numbers, strings,
 * Float64Arrays, plain objects) so they can be sent to worker threads. The plugin holds no loop
 * logic: the driver calls init once, then alternates eStep (per shard, summed in shard order)
 * and mStep until the convergence test passes.
 *
 * Sufficient statistics are one flat Float64Array whose layout the plugin owns. Stats of
 * disjoint shards combine with `mergeStats` (element-wise addition unless the plugin says
 * otherwise), and the merged stats of all shards must equal the stats of the whole data.
 */
export interface ModelPlugin<Params, Options, Input = unknown> {
  /** The name used on the command line and in model files (`gmm`, `kmeans`). */
  readonly name: string;
  /** The plugin contract version it implements (PLUGIN_API_VERSION). */
  readonly apiVersion: number;
  /** One line for `--help` and listings. */
  readonly description: string;
  /**
   * Set by models trained by stochastic optimisation (a VAE: noisy gradient steps on a bound,
   * run for planned epochs) rather than by EM: their objective may go down between steps and
   * "converged" means nothing, so summaries report epochs and the objective (see `objective`),
   * not convergence, monotonicity warnings or BIC/AIC. Absent for EM models.
   */
  readonly stochastic?: { epochs(params: Params): number };
  /**
   * What the E-step sums, under the given (parsed) options, when it is not the log-likelihood:
   * `ELBO` for a variational model, `log-posterior` under MAP priors, `−inertia` for k-means.
   * Summaries, tables and progress lines name the driver's `meanLogLikelihood` by it.
   */
  objective?(options: Options): Objective;
  /**
   * Where a worker thread can import this plugin from: set it to `import.meta.url` in the module
   * that exports the plugin object. The runner imports that module in each worker and takes the
   * export whose `name` matches, so a third-party plugin runs on workers without registration.
   */
  readonly moduleUrl?: string;
  /** The options a user interface can offer, in display order. */
  readonly optionSpecs: readonly OptionSpec[];
  /**
   * True when rows depend on each other within a group (an HMM's sequences, Dataset.groups):
   * the shard plan then never cuts a group, and data without groups is one group. Models of
   * independent rows leave it out and ignore groups.
   */
  readonly groupedRows?: boolean;
  /**
   * True when every hook handles missing cells (Dataset.missing) by marginalising them: the
   * E-step uses each row's observed coordinates. The driver refuses data with missing cells for
   * plugins without it.
   */
  readonly missingValues?: boolean;
  /** Driver defaults when the caller gives none. */
  readonly defaults: DriverDefaults<Options>;

  /**
   * Validates user options (from code, CLI flags or JSON) and fills in defaults.
   * Throws OptionError naming the offending field. It checks any value at run time; `Input` (the
   * options object callers write, from the plugin's option schema) is what `fit` and
   * `selectModel` check a caller's options against at compile time.
   */
  parseOptions(raw: Input): Options;

  /**
   * Starting parameters: from given parameters in the options, or from the data with a seeded
   * method using `random` (the only source of randomness). A long init reports through
   * `context.onProgress`; it runs on a worker when the fit does (so the data may be a view on
   * shared memory) and must give the same bits there as in-process.
   */
  init(data: Dataset, options: Options, random: Random, context?: InitContext): Params;

  /** An empty statistics buffer (the identity of mergeStats; zeros for additive stats). */
  createStats(params: Params, cols: number): Float64Array;

  /**
   * The E-step over rows [range.start, range.end) of `data`: adds the rows' (weighted) sufficient
   * statistics into `stats` and returns Σ wᵢ·log p(xᵢ) over those rows. A pure function of
   * (params, rows, range): no hidden state, no randomness beyond what `range.start` determines.
   */
  eStep(params: Params, data: Dataset, range: RowRange, stats: Float64Array): number;

  /**
   * Stepwise (online) EM support: how many leading entries of the statistics are plain sums
   * over rows, so that the driver may keep them as running averages s ← (1 − η)·s + η·s_batch.
   * Entries after them (re-seeding candidates) are taken from the latest batch as they are.
   * Absent: the plugin cannot be fitted online.
   */
  stepwiseStatsLength?(params: Params, cols: number): number;

  /**
   * Optional: the E-step with state kept per shard between E-steps of a run — what a model can
   * carry over from one iteration to the next to skip work (k-means keeps distance bounds).
   * `state` is undefined or a value this hook returned earlier for the same data and the same
   * `range`, under any parameters; the returned `state` is offered to the next call for that
   * range. `stats` is a fresh createStats buffer. Executors keep it where the shard runs (the worker a shard is pinned to) and may drop
   * it at any time (a new run, a replaced worker, a new pool), so the statistics and the
   * log-likelihood must be bit for bit those of `eStep` with or without it. The state never
   * leaves the thread that made it: it need not be cloneable.
   */
  eStepWithState?(params: Params, data: Dataset, range: RowRange, stats: Float64Array, state: unknown): ShardEStepResult;

  /**
   * Optional, with `eStepWithState`: whether it keeps a state worth finding again under these
   * parameters (k-means: not for Lloyd's assignment, which keeps none). When false, a pool need
   * not pin shards to workers, and any free worker takes them (which evens out a machine's other
   * load). Absent: true.
   */
  keepsShardState?(params: Params): boolean;

  /** Adds `source` into `target`. Default: element-wise addition. Must be associative. */
  mergeStats?(target: Float64Array, source: Float64Array, params: Params): void;

  /** The M-step: new parameters from the summed statistics of all rows. */
  mStep(params: Params, stats: Float64Array, summary: DataSummary, options: Options): Params;

  /**
   * Optional convergence test. Default: |meanLogLikelihood − previousMeanLogLikelihood| < tol.
   * A plugin whose own criterion differs (k-means: centre shift) supplies it here.
   */
  hasConverged?(context: ConvergenceContext<Params>): boolean;

  /** Per-row log p(xᵢ) under the model (k-means: minus the squared distance to the nearest centre). */
  scoreSamples(params: Params, data: Dataset): Float64Array;

  /** Number of components K (rows of `responsibilities`). */
  components(params: Params): number;

  /** N×K row-major posterior membership probabilities (hard 0/1 for hard-assignment models). */
  responsibilities(params: Params, data: Dataset): Float64Array;

  /** The most probable component of each row. */
  predict(params: Params, data: Dataset): Int32Array;

  /**
   * Free parameters for BIC/AIC, given the options (frozen parameters are not free).
   * null for models without a likelihood (k-means).
   */
  parameterCount(params: Params, options: Options): number | null;

  /**
   * The model's natural per-row output when it is not a component label: a regression's
   * predictive mean and variance, a factor model's latent means. `emkit predict` writes it.
   */
  predictTable?(params: Params, data: Dataset): { columns: string[]; values: Float64Array };

  /**
   * What the model can show, as data (components with covariances, images, a latent space, a
   * training curve, the per-row output): a UI draws this and never switches on the model's name.
   */
  describeView?(params: Params): ModelView;

  /**
   * The data with each missing cell (Dataset.missing) replaced by its conditional expectation
   * given the row's observed cells under the model (N×D row-major); present cells unchanged.
   */
  impute?(params: Params, data: Dataset): Float64Array;

  /** Draws n rows (row-major n×D) from the model, when it is generative. */
  sample?(params: Params, n: number, random: Random): Float64Array;

  /** The model's parameters and options as plain JSON fields of a model file. */
  toJSON(params: Params, options: Options): Record<string, unknown>;

  /** Parameters and options back from a model file's fields; throws ModelFileError naming a field. */
  fromJSON(json: Record<string, unknown>): { params: Params; options: Options };
}

/** A plugin of unknown parameter and option types, as registries and the CLI hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hooks take Params and Options as arguments, so no other type argument accepts every plugin
export type AnyModelPlugin = ModelPlugin<any, any, any>;

/**
 * Whether `value` looks like a model plugin: an object with a name and the EM hooks. Judged by
 * shape, not class, as the CLI's --plugin loader and the runner's workers meet plugins built
 * against other copies of @emkit/core.
 */
export function isModelPlugin(value: unknown): value is AnyModelPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.name === 'string' && typeof p.init === 'function' && typeof p.eStep === 'function' && typeof p.mStep === 'function';
}

/** Element-wise addition, the default merge of statistics. */
export function addStats(target: Float64Array, source: Float64Array): void {
  if (target.length !== source.length) throw new RangeError(`cannot merge statistics of length ${source.length} into ${target.length}`);
  for (let i = 0; i < target.length; i++) target[i] += source[i];
}

export function mergeStatsOf<P>(plugin: ModelPlugin<P, unknown>, target: Float64Array, source: Float64Array, params: P): void {
  if (plugin.mergeStats) plugin.mergeStats(target, source, params);
  else addStats(target, source);
}

/**
 * Refuses data with missing cells for a plugin that does not marginalise them, naming the first
 * missing cell and what to do.
 */
export function checkMissingSupport(plugin: Pick<ModelPlugin<unknown, unknown>, 'name' | 'missingValues'>, data: Dataset): void {
  if (!data.missing || plugin.missingValues) return;
  const first = data.missing.indexOf(1);
  if (first === -1) return;
  const row = Math.floor(first / data.cols) + 1;
  const column = (first % data.cols) + 1;
  throw new InputError({
    file: 'data',
    row,
    column,
    detail: `row ${row}, column ${column} is missing, and ${plugin.name} cannot marginalise missing values`,
    remedy: 'fill in or drop the incomplete rows (gmm and bernoulli fit them with --missing marginalize)',
  });
}
