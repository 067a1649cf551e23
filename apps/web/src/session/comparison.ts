import { rowWeight, sliceRows, type AnyModelPlugin, type Dataset } from '@emkit/core';
import { shareDataset, sharedMemoryAvailable } from '@emkit/runner';
import type { BrowserWorkerPool } from '@emkit/runner/browser';
import { fitModel } from './fits.js';
import { isBinary } from './snapshot.js';

/** The held-out comparison of a mixture (fitted on the pool) and a trained latent-variable model, on 0/1 data. */
export interface ComparisonRequest {
  /** The last ⌈fraction·N⌉ rows (rounded) are held out; both models see only the others. */
  heldOutFraction: number;
  seed: number;
  mixture: { plugin: string; options: Record<string, unknown>; restarts: number };
  /** Its scoreSamples is the estimate compared (a VAE's: IWAE with its iwaeSamples). */
  trained: { plugin: string; options: Record<string, unknown> };
}

export interface ComparisonProgress {
  readonly stage: 'mixture' | 'trained' | 'scoring';
  readonly text: string;
  /** While the second model trains: its objective per unit so far. */
  readonly values?: readonly number[];
}

export interface ComparedModel {
  readonly plugin: string;
  readonly restarts: number;
  /** The restart that won (0-based). */
  readonly restart: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly parameterCount: number | null;
  /** The fit's own objective per row (the mixture's exact log-likelihood, a VAE's sampled ELBO). */
  readonly objective: number;
  /** Mean scoreSamples per training row, and per held-out row. */
  readonly train: number;
  readonly heldOut: number;
  /** The training curve (a VAE's ELBO per epoch), empty for EM fits. */
  readonly curve: readonly number[];
  readonly workers: number;
  readonly milliseconds: number;
}

export interface ComparisonResult {
  readonly rows: number;
  readonly trainRows: number;
  readonly heldOutRows: number;
  readonly heldOutFraction: number;
  readonly seed: number;
  readonly mixture: ComparedModel;
  readonly trained: ComparedModel;
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

export interface ComparisonContext {
  readonly data: Dataset;
  readonly pool: BrowserWorkerPool;
  readonly pluginUrl: string;
  readonly signal: AbortSignal;
  readonly pluginNamed: (name: string) => AnyModelPlugin;
}

/**
 * Holds out the last rows, fits both models to the others with the same seed, and reports each
 * one's mean log p(x) (its scoreSamples) per training and per held-out row.
 */
export async function compareModels(context: ComparisonContext, request: ComparisonRequest, onProgress: (progress: ComparisonProgress) => unknown): Promise<ComparisonResult> {
  const { data, signal } = context;
  if (!isBinary(data.values)) throw new Error('the comparison needs 0/1 data: the Bernoulli mixture and the Bernoulli decoder model binary columns');
  const heldOutRows = Math.round(data.rows * request.heldOutFraction);
  const trainRows = data.rows - heldOutRows;
  if (heldOutRows < 1 || trainRows < 1) throw new Error(`${data.rows} rows cannot be split into training rows and ${Math.round(100 * request.heldOutFraction)} % held out`);
  // Views of the loaded rows (no copy; in shared memory when the data are).
  const train = sliceRows(data, { start: 0, end: trainRows });
  const heldOut = sliceRows(data, { start: trainRows, end: data.rows });
  const mixturePlugin = context.pluginNamed(request.mixture.plugin);
  const trainedPlugin = context.pluginNamed(request.trained.plugin);

  await onProgress({ stage: 'mixture', text: `fitting ${mixturePlugin.description} on ${trainRows} rows…` });
  let started = performance.now();
  const shared = sharedMemoryAvailable() ? shareDataset(train).data : train;
  const mixture = await fitModel(
    { plugin: mixturePlugin, data: shared, pool: context.pool, pluginUrl: context.pluginUrl, signal },
    { plugin: mixturePlugin.name, options: request.mixture.options, seed: request.seed, restarts: request.mixture.restarts },
  );
  const mixtureResult = describe(mixturePlugin, mixture, train, heldOut, [], context.pool.size, performance.now() - started);

  started = performance.now();
  const trained = await fitModel(
    { plugin: trainedPlugin, data: train, pool: null, pluginUrl: context.pluginUrl, signal },
    { plugin: trainedPlugin.name, options: request.trained.options, seed: request.seed, restarts: 1 },
    undefined,
    (p) => onProgress({ stage: 'trained', text: `training ${trainedPlugin.name} on ${trainRows} rows: ${p.values.length} of ${p.planned}…`, values: p.values }),
  );
  const curve = trainedPlugin.describeView?.(trained.params).training?.values ?? [];
  await onProgress({ stage: 'scoring', text: 'scoring the held-out rows…', values: curve });
  const trainedResult = describe(trainedPlugin, trained, train, heldOut, curve, 0, performance.now() - started);
  return { rows: data.rows, trainRows, heldOutRows, heldOutFraction: request.heldOutFraction, seed: request.seed, mixture: mixtureResult, trained: trainedResult };
}

function describe(
  plugin: AnyModelPlugin,
  result: Awaited<ReturnType<typeof fitModel>>,
  train: Dataset,
  heldOut: Dataset,
  curve: readonly number[],
  workers: number,
  milliseconds: number,
): ComparedModel {
  return {
    plugin: plugin.name,
    restarts: result.restarts.length,
    restart: result.restart,
    iterations: result.iterations,
    converged: result.converged,
    parameterCount: result.parameterCount,
    objective: result.meanLogLikelihood,
    train: weightedMean(plugin.scoreSamples(result.params, train), train),
    heldOut: weightedMean(plugin.scoreSamples(result.params, heldOut), heldOut),
    curve: [...curve],
    workers,
    milliseconds,
  };
}
