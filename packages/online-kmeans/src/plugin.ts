import {
  type ConvergenceContext,
  type Dataset,
  type DataSummary,
  FitError,
  type InitContext,
  type ModelPlugin,
  ModelFileError,
  type PluginOptions,
  PLUGIN_API_VERSION,
  type RowRange,
  readFiniteNumber,
  readVector,
  toNested,
} from '@emkit/core';
import { type KMeansOptions, MINUS_INERTIA, describeCentresView, kmeansPlugin } from '@emkit/kmeans';
import type { Random } from '@emkit/linalg';
import {
  type MiniBatchKMeansOptions,
  type MiniBatchKMeansOptionsInput,
  type OnlineKMeansOptions,
  type OnlineKMeansOptionsInput,
  miniBatchKMeansOptions,
  onlineKMeansOptions,
} from './options.js';
import { type StochasticKMeansParams, type Update, checkWholeData, nearestCenter, runPass, statsLength } from './pass.js';

interface Variant<Options extends KMeansOptions, Input> {
  readonly name: string;
  readonly description: string;
  /** The variant's options (k-means' start options and its own); model files keep k, initMethod and its own. */
  readonly options: PluginOptions<Input, Options>;
  update(options: Options): Update;
  /** The variant's own model-file fields. */
  updateJSON(update: Update): Record<string, unknown>;
}

/**
 * One plugin shape for both stochastic variants. A driver iteration is one pass over the data:
 *
 * - E-step: every shard adds the inertia of its rows at the current centres (returned as minus
 *   the log-likelihood, as for k-means); the shard that holds row 0 also runs the pass —
 *   row by row or batch by batch, inherently sequential — and writes the new centres and counts
 *   into the statistics.
 * - M-step: takes the centres and counts from the statistics.
 * - Convergence: @emkit/kmeans' test on the centre shift over the pass,
 *   Σⱼ‖cⱼ_new − cⱼ_old‖² ≤ tol × (mean column variance); `maxIter` caps the passes.
 *
 * So `history` is the inertia at the start of each pass, the final E-step gives the inertia of
 * the returned centres, and restarts pick the least inertia. The inertia need not fall at every
 * pass (the updates are stochastic): a rise is recorded in `monotonicityViolations`, not an error.
 */
function stochasticPlugin<Options extends KMeansOptions, Input>(variant: Variant<Options, Input>): ModelPlugin<StochasticKMeansParams, Options, Input> {
  const plugin: ModelPlugin<StochasticKMeansParams, Options, Input> = {
    name: variant.name,
    apiVersion: PLUGIN_API_VERSION,
    description: variant.description,
    moduleUrl: import.meta.url,
    optionSpecs: variant.options.specs,
    defaults: { tol: 1e-4, maxIter: 100 },
    parseOptions: (raw) => variant.options.parse(raw),
    objective: () => MINUS_INERTIA,

    init(data: Dataset, options: Options, random: Random, context?: InitContext): StochasticKMeansParams {
      // k-means' init: given centres or k-means++ / random rows, checks, and the tolerance scale.
      const start = kmeansPlugin.init(data, options, random, context);
      return { ...start, counts: new Float64Array(start.k), rows: data.rows, seed: random.nextUint32(), passes: 0, update: variant.update(options) };
    },

    createStats(params: StochasticKMeansParams, cols: number): Float64Array {
      return new Float64Array(statsLength(params.k, cols));
    },

    eStep(params: StochasticKMeansParams, data: Dataset, range: RowRange, stats: Float64Array): number {
      checkWholeData(params, data, variant.name);
      const { k, cols: d, centers } = params;
      // The shard holding row 0 runs the pass (an empty range at 0 holds no row).
      if (range.start === 0 && range.end > 0) {
        const next = runPass(params, data);
        stats.set(next.centers, 0);
        stats.set(next.counts, k * d);
        stats[k * d + k] += 1;
      }
      const { values: X, weights: W } = data;
      const scratch = new Float64Array(k);
      let inertia = 0;
      for (let i = range.start; i < range.end; i++) {
        const w = W === null ? 1 : W[i];
        if (w === 0) continue;
        inertia += w * scratch[nearestCenter(centers, k, d, X, i * d, scratch)];
      }
      return -inertia;
    },

    mStep(params: StochasticKMeansParams, stats: Float64Array, _summary: DataSummary, _options: Options): StochasticKMeansParams {
      const { k, cols: d } = params;
      if (stats.length !== statsLength(k, d)) throw new RangeError(`${variant.name} statistics for K=${k}, D=${d} have length ${statsLength(k, d)}, got ${stats.length}`);
      const ran = stats[k * d + k];
      if (ran !== 1) throw new FitError({ plugin: variant.name, detail: `the pass ran in ${ran} shards instead of 1; the shards must index the whole data set` });
      return { ...params, centers: stats.slice(0, k * d), counts: stats.slice(k * d, k * d + k), passes: params.passes + 1 };
    },

    hasConverged(context: ConvergenceContext<StochasticKMeansParams>): boolean {
      return kmeansPlugin.hasConverged!(context);
    },

    scoreSamples: (params, data) => kmeansPlugin.scoreSamples(params, data),
    describeView: (params) => describeCentresView(params),
    components: (params) => params.k,
    responsibilities: (params, data) => kmeansPlugin.responsibilities(params, data),
    predict: (params, data) => kmeansPlugin.predict(params, data),
    parameterCount: () => null,

    toJSON(params: StochasticKMeansParams, options: Options): Record<string, unknown> {
      return {
        k: params.k,
        centers: toNested(params.centers, params.k, params.cols),
        counts: Array.from(params.counts),
        initMethod: options.initMethod,
        ...variant.updateJSON(params.update),
        passes: params.passes,
        dataVariance: params.dataVariance,
      };
    },

    fromJSON(json: Record<string, unknown>): { params: StochasticKMeansParams; options: Options } {
      // The centres, k, initMethod and dataVariance are read as a k-means model's.
      const { params: base } = kmeansPlugin.fromJSON(json);
      const counts = json.counts === undefined ? new Float64Array(base.k) : readVector(json.counts, 'counts', base.k);
      counts.forEach((x, j) => {
        if (x < 0) throw new ModelFileError({ field: `counts[${j}]`, detail: `expected a weight ≥ 0, got ${x}` });
      });
      let passes = 0;
      if (json.passes !== undefined) {
        passes = readFiniteNumber(json.passes, 'passes');
        if (!Number.isInteger(passes) || passes < 0) throw new ModelFileError({ field: 'passes', detail: `expected an integer ≥ 0, got ${passes}` });
      }
      const options = variant.options.fromModelFile(json, { k: base.k });
      return { params: { ...base, counts, rows: 0, seed: 0, passes, update: variant.update(options) }, options };
    },
  };
  return plugin;
}

/**
 * Online k-means: one row at a time, the nearest centre steps towards the row with a
 * Robbins–Monro step size (1/nⱼ by default: MacQueen's running means). One iteration is one pass
 * over the rows in a seeded random order.
 */
export const onlineKmeansPlugin: ModelPlugin<StochasticKMeansParams, OnlineKMeansOptions, OnlineKMeansOptionsInput> = stochasticPlugin({
  name: 'online-kmeans',
  description: 'online k-means: one row at a time with Robbins–Monro step sizes (1/n per centre, or (t0 + n)^−kappa); one iteration per pass',
  options: onlineKMeansOptions,
  update: (o) => ({ kind: 'online', learningRate: o.learningRate, t0: o.t0, kappa: o.kappa }),
  updateJSON: (u) => (u.kind === 'online' ? (u.learningRate === 'count' ? { learningRate: 'count' } : { learningRate: 'power', t0: u.t0, kappa: u.kappa }) : {}),
});

/**
 * Mini-batch k-means (Sculley 2010): batches of `batchSize` rows, each assigned to the centres as
 * they stand, then per-centre learning rates 1/nⱼ. One iteration is one pass: ⌈N / batchSize⌉
 * batches covering every row once, in a seeded random order.
 */
export const minibatchKmeansPlugin: ModelPlugin<StochasticKMeansParams, MiniBatchKMeansOptions, MiniBatchKMeansOptionsInput> = stochasticPlugin({
  name: 'minibatch-kmeans',
  description: 'mini-batch k-means (Sculley 2010): seeded batches, per-centre learning rates 1/n; one iteration per pass over the data',
  options: miniBatchKMeansOptions,
  update: (o) => ({ kind: 'minibatch', batchSize: o.batchSize }),
  updateJSON: (u) => (u.kind === 'minibatch' ? { batchSize: u.batchSize } : {}),
});
