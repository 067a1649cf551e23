/**
 * Model selection by information criteria: fit every candidate option set, tabulate BIC, AIC
 * and ICL, pick the best.
 *
 * Sign convention (the one of `criteria.ts`, used everywhere in emkit): **smaller is better**,
 * as scikit-learn's `GaussianMixture.bic` / `.aic`. mclust reports BIC with the opposite sign
 * (2·log L − p·ln N, larger is better); its values are the negatives of ours.
 *
 * - BIC = −2·log L + p·ln N (N = Σ sample weights)
 * - AIC = −2·log L + 2p
 * - ICL = BIC + 2·EN(r), with EN(r) = −Σᵢ wᵢ Σₖ rᵢₖ·ln rᵢₖ ≥ 0 the entropy of the
 *   responsibilities at the fitted parameters (Biernacki, Celeux & Govaert 2000, "Assessing a
 *   mixture model for clustering with the integrated completed likelihood", IEEE TPAMI 22(7);
 *   in the soft-entropy form of McLachlan & Peel 2000, §6.10.3). So ICL ≥ BIC: it adds a
 *   penalty for overlapping components and prefers well-separated clusterings. (mclust's `icl`
 *   uses the entropy of the hard MAP classification instead.)
 */
import { Random } from '@emkit/linalg';
import { type Dataset, sliceRows } from './dataset.js';
import { type DriverOptions, type FitResult, fit } from './driver.js';
import { type EmkitErrorCode, OptionError, hasErrorCode, isEmkitError, restateError, throwIfAborted } from './errors.js';
import type { ModelPlugin, Objective } from './plugin.js';
import type { FailedRestart } from './restarts.js';

export type SelectionCriterion = 'bic' | 'aic' | 'icl';
export const SELECTION_CRITERIA: readonly SelectionCriterion[] = ['bic', 'aic', 'icl'];

/** What a custom fit function learns about the candidate it fits. */
export interface CandidateContext {
  /** The candidate's position in the list given to selectModel. */
  readonly index: number;
  /** Aborted when the selection is aborted. */
  readonly signal?: AbortSignal;
}

export type FitCandidate<P, O> = (rawOptions: unknown, context: CandidateContext) => Promise<FitResult<P, O>>;

export interface SelectionOptions<P, O> {
  /** The criterion that picks the best candidate (default 'bic'). Smaller is better. */
  criterion?: SelectionCriterion;
  /**
   * Driver options of every candidate's fit (restarts, seed, tol, maxIter, …) for the default
   * fit function (core's in-process `fit`). A custom `fitCandidate` applies its own.
   */
  driver?: Omit<DriverOptions, 'signal' | 'onProgress'>;
  /**
   * Fits one candidate. Default: core's `fit` with `driver`. The CLI passes @emkit/runner's
   * `fit` with one shared worker pool, so that every candidate's restarts and E-step shards
   * share the pool's threads.
   */
  fitCandidate?: FitCandidate<P, O>;
  /** Candidates in flight at once (default: all; a pool queues their work). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each candidate finishes, in completion order. */
  onCandidate?: (row: CandidateRow, finished: number, total: number) => void;
}

/** One line of the selection table. Numbers are null when the candidate failed. */
export interface CandidateRow {
  readonly index: number;
  /** The candidate's raw options, as given. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly status: 'ok' | 'failed';
  /** What logLikelihood and meanLogLikelihood are under the candidate's options (null when it failed). */
  readonly objective: Objective | null;
  /** Total log-likelihood Σ wᵢ·log p(xᵢ) at the fitted parameters (the plugin's objective). */
  readonly logLikelihood: number | null;
  readonly meanLogLikelihood: number | null;
  readonly parameterCount: number | null;
  readonly bic: number | null;
  readonly aic: number | null;
  readonly icl: number | null;
  /** −Σᵢ wᵢ Σₖ rᵢₖ ln rᵢₖ at the fitted parameters (ICL − BIC = 2·entropy). */
  readonly entropy: number | null;
  readonly converged: boolean | null;
  readonly iterations: number | null;
  /** Why the candidate failed (the error message), null when it did not. */
  readonly error: string | null;
  /** The failure's EmkitError code ('fit', 'option', 'worker', …) or null. */
  readonly errorCode: EmkitErrorCode | null;
  /** The candidate's restarts that failed while others succeeded (a candidate whose every restart fails is a failed row). */
  readonly failedRestarts: readonly FailedRestart[];
  /** True on the selected row. */
  readonly best: boolean;
}

export interface SelectionResult<P, O> {
  readonly criterion: SelectionCriterion;
  /** Every candidate, in the order given. */
  readonly table: readonly CandidateRow[];
  /** The candidate with the smallest criterion (the first on ties); null when every one failed. */
  readonly best: { readonly index: number; readonly row: CandidateRow; readonly fit: FitResult<P, O> } | null;
}

/** ICL = BIC + 2·entropy (smaller is better; entropy ≥ 0, so ICL ≥ BIC). */
export function icl(bicValue: number, entropy: number): number {
  return bicValue + 2 * entropy;
}

/**
 * −Σᵢ wᵢ Σₖ rᵢₖ·ln rᵢₖ (0·ln 0 = 0) at `params`, from the plugin's responsibilities computed
 * `chunkRows` rows at a time, so no N×K matrix of the whole data is held at once.
 */
export function responsibilityEntropy<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset, chunkRows = 8192): number {
  const k = plugin.components(params);
  let entropy = 0;
  for (let start = 0; start < data.rows; start += chunkRows) {
    const end = Math.min(data.rows, start + chunkRows);
    const r = plugin.responsibilities(params, sliceRows(data, { start, end }));
    for (let i = start; i < end; i++) {
      const w = data.weights === null ? 1 : data.weights[i];
      if (w === 0) continue;
      let row = 0;
      const off = (i - start) * k;
      for (let j = 0; j < k; j++) {
        const p = r[off + j];
        if (p > 0) row -= p * Math.log(p);
      }
      entropy += w * row;
    }
  }
  return entropy;
}

/**
 * Every combination of the given option values, as raw option objects: the first key varies
 * slowest. `candidateGrid({ covariance: ['full', 'diag'], k: [1, 2] }, { regCovar: 1e-6 })` gives
 * full/1, full/2, diag/1, diag/2, each with regCovar.
 */
export function candidateGrid(axes: Readonly<Record<string, readonly unknown[]>>, base: Readonly<Record<string, unknown>> = {}): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{ ...base }];
  for (const [key, values] of Object.entries(axes)) {
    if (values.length === 0) throw new OptionError({ field: key, detail: 'needs at least one candidate value' });
    out = out.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  }
  return out;
}

/** The error selectModel throws for models without a likelihood-based parameter count. */
function noParameterCount(plugin: string): OptionError {
  return new OptionError({
    field: 'model',
    detail: `"${plugin}" reports no parameter count (it has no likelihood to penalise, e.g. k-means), so BIC, AIC and ICL do not apply; choose K for it another way (an elbow of its objective, or a mixture model)`,
  });
}

function failedRow(index: number, options: Record<string, unknown>, error: unknown): CandidateRow {
  return {
    index,
    options,
    status: 'failed',
    objective: null,
    logLikelihood: null,
    meanLogLikelihood: null,
    parameterCount: null,
    bic: null,
    aic: null,
    icl: null,
    entropy: null,
    converged: null,
    iterations: null,
    error: error instanceof Error ? error.message : String(error),
    errorCode: isEmkitError(error) ? error.code : null,
    failedRestarts: [],
    best: false,
  };
}

/**
 * Fits every candidate option set of `plugin` on `data` and picks the one with the smallest
 * criterion (BIC by default; ties go to the earlier candidate, so the choice does not depend on
 * completion order).
 *
 * - Options are validated up front: an invalid candidate throws its OptionError, naming the
 *   candidate, before any fit starts.
 * - Plugins without a parameter count (k-means) are refused with an OptionError (checked on
 *   the starting parameters of the first candidate that initialises, before any fit).
 * - A candidate whose fit fails (a singular covariance, more components than rows) becomes a
 *   `failed` row carrying the reason; the others go on. An abort stops the whole selection.
 */
export async function selectModel<P, O, I>(
  typedPlugin: ModelPlugin<P, O, I>,
  data: Dataset,
  typedCandidates: readonly NoInfer<I>[],
  options: SelectionOptions<P, O> = {},
): Promise<SelectionResult<P, O>> {
  // Candidates were checked against the plugin's option type by the compiler; from here on they are option objects.
  const plugin = typedPlugin as ModelPlugin<P, O>;
  const candidates = typedCandidates as readonly Readonly<Record<string, unknown>>[];
  const criterion = options.criterion ?? 'bic';
  if (!SELECTION_CRITERIA.includes(criterion)) throw new OptionError({ field: 'criterion', detail: `must be one of ${SELECTION_CRITERIA.join(', ')}, got ${JSON.stringify(criterion)}` });
  if (candidates.length === 0) throw new OptionError({ field: 'candidates', detail: 'give at least one candidate option set' });
  const concurrency = options.concurrency ?? candidates.length;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new OptionError({ field: 'concurrency', detail: `must be an integer ≥ 1, got ${concurrency}` });
  const { signal } = options;
  const driver = options.driver ?? {};
  const fitCandidate: FitCandidate<P, O> = options.fitCandidate ?? ((raw, context) => fit(plugin, data, raw, { ...driver, signal: context.signal }));

  const parsed = candidates.map((raw, index) => {
    try {
      return plugin.parseOptions(raw);
    } catch (error) {
      if (hasErrorCode(error, 'option')) throw restateError(error, { detail: `candidate ${index + 1} (${describeCandidate(raw)}): ${error.detail}` });
      throw error;
    }
  });
  throwIfAborted(signal);
  probeParameterCount(plugin, data, parsed);

  const table: CandidateRow[] = new Array(candidates.length);
  let best: { index: number; value: number; fit: FitResult<P, O> } | null = null;
  let finished = 0;
  let next = 0;

  const runOne = async (index: number): Promise<void> => {
    const raw = { ...candidates[index] };
    let result: FitResult<P, O>;
    try {
      result = await fitCandidate(raw, { index, signal });
    } catch (error) {
      if (signal?.aborted || (isEmkitError(error) && error.code === 'aborted')) throw error;
      table[index] = failedRow(index, raw, error);
      options.onCandidate?.(table[index], ++finished, candidates.length);
      return;
    }
    if (result.parameterCount === null || result.bic === null || result.aic === null) throw noParameterCount(plugin.name);
    let row: CandidateRow;
    try {
      const entropy = responsibilityEntropy(plugin, result.params, data);
      row = {
        index,
        options: raw,
        status: 'ok',
        objective: result.objective,
        logLikelihood: result.logLikelihood,
        meanLogLikelihood: result.meanLogLikelihood,
        parameterCount: result.parameterCount,
        bic: result.bic,
        aic: result.aic,
        icl: icl(result.bic, entropy),
        entropy,
        converged: result.converged,
        iterations: result.iterations,
        error: null,
        errorCode: null,
        failedRestarts: result.failedRestarts,
        best: false,
      };
    } catch (error) {
      row = failedRow(index, raw, error);
    }
    table[index] = row;
    const value = row[criterion];
    if (value !== null && Number.isFinite(value) && (best === null || value < best.value || (value === best.value && index < best.index))) best = { index, value, fit: result };
    options.onCandidate?.(row, ++finished, candidates.length);
  };

  const worker = async (): Promise<void> => {
    while (next < candidates.length) {
      throwIfAborted(signal);
      await runOne(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, candidates.length) }, worker));
  throwIfAborted(signal);

  const chosen = best as { index: number; value: number; fit: FitResult<P, O> } | null;
  if (chosen !== null) table[chosen.index] = { ...table[chosen.index], best: true };
  return { criterion, table, best: chosen === null ? null : { index: chosen.index, row: table[chosen.index], fit: chosen.fit } };
}

/**
 * Refuses a plugin without a parameter count before any fit: the count of the starting
 * parameters of the first candidate that initialises (a candidate whose init fails, e.g. K > N,
 * is skipped here and reported as failed by its fit).
 */
function probeParameterCount<P, O>(plugin: ModelPlugin<P, O>, data: Dataset, parsed: readonly O[]): void {
  for (const options of parsed) {
    let params: P;
    try {
      params = plugin.init(data, options, new Random(0));
    } catch {
      continue;
    }
    if (plugin.parameterCount(params, options) === null) throw noParameterCount(plugin.name);
    return;
  }
}

/** `k=3, covariance=full` for messages. */
export function describeCandidate(raw: Readonly<Record<string, unknown>>): string {
  return Object.entries(raw)
    .map(([key, value]) => {
      const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
      return `${key}=${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
    })
    .join(', ');
}
