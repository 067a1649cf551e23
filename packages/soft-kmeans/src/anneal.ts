import { fit as fitInProcess, OptionError, toNested, type Dataset, type DriverOptions, type FitResult, type ModelPlugin } from '@emkit/core';
import type { GmmParams, InitMethod } from '@emkit/gmm';
import type { SoftKMeansInit, SoftKMeansOptions } from './options.js';
import { softKmeansPlugin } from './plugin.js';

/** One stage of the annealing path: soft k-means fitted at a fixed c. */
export interface AnnealStage {
  readonly c: number;
  /** K×D row-major means at the end of the stage (the next stage starts from them). */
  readonly means: Float64Array;
  /** Mean log-likelihood per row at those means and this c. */
  readonly meanLogLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface AnnealResult {
  /** Every stage in order, c decreasing from cStart to cEnd. */
  readonly stages: readonly AnnealStage[];
  /** The last stage's parameters (c = cEnd). */
  readonly params: GmmParams;
  /** Hard labels: the nearest final mean of each row (the lowest index on ties). */
  readonly labels: Int32Array;
}

/** Fits one stage; core's `fit` by default. */
export type StageFit = (
  plugin: ModelPlugin<GmmParams, SoftKMeansOptions>,
  data: Dataset,
  options: unknown,
  driver: DriverOptions,
) => Promise<FitResult<GmmParams, SoftKMeansOptions>>;

export interface AnnealOptions {
  /** Number of components K. */
  k: number;
  /** c of the first stage, the largest. */
  cStart: number;
  /** c of the last stage, the smallest; the schedule always ends exactly here. */
  cEnd: number;
  /** Each stage's c is `factor` × the previous one's (0 < factor < 1); default 0.5. */
  factor?: number;
  /** Starting means of the first stage ({ means } or { centers }); else `initMethod`. */
  init?: SoftKMeansInit | null;
  /** How the first stage starts without `init` (default 'kmeans++'). */
  initMethod?: InitMethod;
  /** Seed of the first stage (later stages start from the previous means and draw nothing). Default 0. */
  seed?: number;
  /** Restarts of the first stage; its best restart starts the second. Default 1. */
  restarts?: number;
  /** Driver options for every stage: tol, maxIter, shardRows, executor, signal, onProgress. */
  driver?: Omit<DriverOptions, 'seed' | 'restarts'>;
  /**
   * Fits one stage (default: core's `fit`, in this thread). To use worker threads, wrap
   * @emkit/runner's: `fit: (p, d, o, drv) => runnerFit(p, d, o, { ...drv, pool })`.
   */
  fit?: StageFit;
  /** Called after each stage. */
  onStage?: (stage: AnnealStage, index: number) => void;
}

const MAX_STAGES = 10_000;

/**
 * The c of each stage: cStart, cStart·factor, cStart·factor², … while above cEnd, then cEnd.
 * Throws OptionError naming the field for a c ≤ 0, cEnd > cStart or a factor outside (0, 1).
 */
export function annealSchedule(cStart: number, cEnd: number, factor = 0.5): number[] {
  if (!(cStart > 0) || !Number.isFinite(cStart)) throw new OptionError({ field: 'cStart', detail: `must be a finite number > 0, got ${cStart}` });
  if (!(cEnd > 0) || !Number.isFinite(cEnd)) throw new OptionError({ field: 'cEnd', detail: `must be a finite number > 0, got ${cEnd}` });
  if (cEnd > cStart) throw new OptionError({ field: 'cEnd', detail: `must be ≤ cStart (${cStart}), got ${cEnd}: the schedule goes from cStart down to cEnd` });
  if (!(factor > 0 && factor < 1)) throw new OptionError({ field: 'factor', detail: `must be in (0, 1), got ${factor}` });
  const schedule: number[] = [];
  // The relative margin keeps a stage a rounding error above cEnd from duplicating the last one.
  for (let c = cStart; c > cEnd * (1 + 1e-12); c *= factor) {
    schedule.push(c);
    if (schedule.length >= MAX_STAGES) throw new OptionError({ field: 'factor', detail: `${factor} takes more than ${MAX_STAGES} stages from ${cStart} to ${cEnd}; use a smaller factor` });
  }
  schedule.push(cEnd);
  return schedule;
}

/**
 * Deterministic annealing of soft k-means: fits soft k-means at each c of
 * `annealSchedule(cStart, cEnd, factor)`, each stage starting from the previous stage's means.
 * At large c the responsibilities are nearly uniform and the objective is smooth, so the early
 * stages find the coarse structure; as c → 0 they harden into k-means' assignments and the last
 * stage is (for small cEnd) a Lloyd fixed point.
 *
 * Above the largest variance of the data along any direction, soft k-means pulls every mean to
 * the data mean; exactly equal means stay equal at every later stage. Start below that (or
 * expect the components to separate only from what is left of their differences).
 */
export async function anneal(data: Dataset, options: AnnealOptions): Promise<AnnealResult> {
  const { k, factor = 0.5, initMethod = 'kmeans++', seed = 0, restarts = 1, driver = {}, onStage } = options;
  const schedule = annealSchedule(options.cStart, options.cEnd, factor);
  const fitStage: StageFit = options.fit ?? ((plugin, d, o, drv) => fitInProcess(plugin, d, o, drv));
  const stages: AnnealStage[] = [];
  let init: SoftKMeansInit | null = options.init ?? null;
  let last: FitResult<GmmParams, SoftKMeansOptions> | undefined;
  for (const [index, c] of schedule.entries()) {
    const stageDriver: DriverOptions = index === 0 ? { ...driver, seed, restarts } : { ...driver };
    last = await fitStage(softKmeansPlugin, data, { k, c, init, initMethod }, stageDriver);
    const { params } = last;
    const stage: AnnealStage = { c, means: Float64Array.from(params.means), meanLogLikelihood: last.meanLogLikelihood, iterations: last.iterations, converged: last.converged };
    stages.push(stage);
    onStage?.(stage, index);
    init = { means: toNested(params.means, params.k, params.d) };
  }
  const params = last!.params;
  return { stages, params, labels: softKmeansPlugin.predict(params, data) };
}
