import { type CandidateRow, candidateGrid, fit as fitInThisThread, selectModel, type AnyModelPlugin, type Dataset, type FitProgress, type FitResult } from '@emkit/core';
import type { BrowserWorkerPool } from '@emkit/runner/browser';
import { fit as fitOnWorkers } from '@emkit/runner/browser';
import { trainingExecutor } from './training.js';
import type { FitRequest, SelectionRequest, SelectionRow, TrainingProgress } from './types.js';

export interface FitContext {
  readonly plugin: AnyModelPlugin;
  readonly data: Dataset;
  /** null: fit in this thread (a model trained in many small steps). */
  readonly pool: BrowserWorkerPool | null;
  readonly pluginUrl: string;
  readonly signal: AbortSignal;
}

/**
 * A full fit: through @emkit/runner's browser fit on the worker pool, or, for a model its view
 * says is trained (a VAE: one driver iteration per mini-batch, which a pool would pay a message
 * round trip for), with core's driver in this thread — what `emkit fit --workers 0` runs, the
 * same result for any worker count.
 */
export function fitModel(
  context: FitContext,
  request: FitRequest,
  onProgress?: (progress: FitProgress) => void,
  onTraining?: (progress: TrainingProgress) => unknown,
): Promise<FitResult<unknown, unknown>> {
  const { plugin, data, pool, signal } = context;
  const driver = { seed: request.seed, restarts: request.restarts, signal };
  if (pool) return fitOnWorkers(plugin, data, request.options, { ...driver, pool, pluginUrl: context.pluginUrl, onProgress });
  return fitInThisThread(plugin, data, request.options, {
    ...driver,
    onProgress,
    executor: trainingExecutor(plugin, (training, restart) => onTraining?.({ restart, restarts: request.restarts, values: training.values, planned: training.planned })),
  });
}

/**
 * BIC, ICL and AIC for K = ks (crossed with one option's values) by core's selectModel — the
 * table `emkit select` prints, failed candidates included — each candidate fitted on the pool.
 */
export async function selectOnPool(context: FitContext & { pool: BrowserWorkerPool }, request: SelectionRequest, onRow: (row: SelectionRow) => unknown): Promise<SelectionRow[]> {
  const { plugin, data, pool, signal } = context;
  const axes: Record<string, readonly unknown[]> = request.vary ? { [request.vary.name]: request.vary.values, k: request.ks } : { k: request.ks };
  const candidates = candidateGrid(axes, request.options);
  const toRow = (row: CandidateRow): SelectionRow => ({
    index: row.index,
    k: Number(row.options.k),
    variant: request.vary ? String(row.options[request.vary.name]) : '',
    status: row.status,
    bic: row.bic,
    icl: row.icl,
    aic: row.aic,
    meanLogLikelihood: row.meanLogLikelihood,
    objective: row.objective === null ? null : (row.objective.short ?? row.objective.name),
    parameterCount: row.parameterCount,
    iterations: row.iterations,
    converged: row.converged,
    error: row.error,
    best: row.best,
  });
  const pending: Promise<unknown>[] = [];
  const result = await selectModel(plugin, data, candidates, {
    signal,
    // One candidate at a time: each fit already spreads its restarts and shards over the pool.
    concurrency: 1,
    fitCandidate: (raw, { signal: candidateSignal }) =>
      fitOnWorkers(plugin, data, raw, { pool, pluginUrl: context.pluginUrl, seed: request.seed, restarts: request.restarts, signal: candidateSignal }),
    onCandidate: (row) => void pending.push(Promise.resolve(onRow(toRow(row)))),
  });
  await Promise.all(pending);
  return result.table.map(toRow);
}
