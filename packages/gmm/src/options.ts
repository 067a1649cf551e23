import { z } from 'zod';
import { OptionError, defineOptions, freezeOption, kernelsOption, type OptionsInput } from '@emkit/core';
import type { KernelChoice } from '@emkit/linalg';
import { ASSIGNMENTS, type Assignment } from './assignment.js';
import type { CovarianceType, FrozenParameter, SingularPolicy } from './params.js';
import { COVARIANCE_ALIASES, COVARIANCE_NAMES, MCLUST_ORDER, covarianceModel, mclustName, resolveCovarianceName, type CovarianceName } from './covariance/index.js';

export const INIT_METHODS = ['kmeans', 'kmeans++', 'random', 'hc', 'emEM'] as const;
export type InitMethod = (typeof INIT_METHODS)[number];

/** The merge criterion of the hierarchical agglomeration (hc.ts): mclust's hcVVV or hcEII. */
export const HC_MODELS = ['VVV', 'EII'] as const;
export type HcModel = (typeof HC_MODELS)[number];
/** What regCovar multiplies: each column's variance (scale-free fits), or 1 (scikit-learn's absolute reg_covar). */
export const REG_COVAR_SCALES = ['variance', 'none'] as const;
export type RegCovarScale = (typeof REG_COVAR_SCALES)[number];
export const FROZEN_PARAMETERS = ['weights', 'means', 'covariances'] as const satisfies readonly FrozenParameter[];
export const SINGULAR_POLICIES = ['fail', 'reseed'] as const satisfies readonly SingularPolicy[];

/**
 * Starting parameters in scikit-learn's shapes — exactly a fixture's `init` object. Any subset
 * may be given; the rest comes from `initMethod` (as scikit-learn's weights_init / means_init /
 * precisions_init). Extra fields (such as `meanIndices`) are ignored.
 */
export interface GmmInit {
  weights?: number[];
  means?: number[][];
  covariances?: unknown;
}

/**
 * Conjugate priors for MAP-EM, as mclust's priorControl; each field left out takes mclust's
 * defaultPrior value (resolved from the data at init).
 */
export interface GmmPriorOptions {
  /** κ > 0, the mean prior's precision relative to the covariance (default 0.01). */
  shrinkage: number;
  /** The mean prior's centre (default: the data mean). */
  mean: number[] | null;
  /** ν: inverse-Wishart degrees of freedom (> D − 1) or twice the inverse-gamma shape (> 0); default D + 2. */
  dof: number | null;
  /**
   * Λ: D×D (full, tied), D numbers (diag) or one number (spherical). Default: the data
   * covariance / K^(2/D) (full, tied), the mean of its diagonal / K^(2/D) in every coordinate (diag), the mean of its diagonal
   * / K^(2/D) (spherical).
   */
  scale: unknown;
  /** α ≥ 1 of the symmetric Dirichlet prior on the weights (default 1: flat, as mclust). */
  weightConcentration: number;
}

export const DEFAULT_PRIOR: Readonly<GmmPriorOptions> = { shrinkage: 0.01, mean: null, dof: null, scale: null, weightConcentration: 1 };

export interface GmmOptions {
  /** Number of components K. */
  k: number;
  covariance: CovarianceType;
  /**
   * Added to the covariance diagonal at every M-step (default DEFAULT_REG_COVAR): times the data's variance of
   * each column (regCovarScale 'variance', the default), or as it is ('none', scikit-learn's reg_covar).
   */
  regCovar: number;
  /** What regCovar is a multiple of: each column's variance (the default: the fit does not depend on the columns' units) or 1. */
  regCovarScale: RegCovarScale;
  /** How to start when `init` does not give every parameter. */
  initMethod: InitMethod;
  /** hc's merge criterion: the classification likelihood of a VVV (mclust's default, when absent) or EII model. */
  hcModel?: HcModel;
  /**
   * emEM: how many short EM runs, EM iterations in each, how many of the best are continued, and
   * the most rows they fit (short-runs.ts); absent: DEFAULT_SHORT_RUNS. parseGmmOptions fills these in.
   */
  shortRuns?: number;
  shortRunIterations?: number;
  shortRunsKept?: number;
  shortRunRows?: number;
  init: GmmInit | null;
  /**
   * Parameters the M-step keeps at their starting values. Frozen weights are `init.weights` when
   * given, else uniform 1/K. Frozen parameters are not free, so BIC/AIC do not count them.
   */
  freeze: FrozenParameter[];
  /**
   * `soft` (default): EM with posterior responsibilities. `hard`: classification EM — the
   * E-step assigns each row wholly to its most probable component (the lowest index on ties)
   * and the M-step estimates weights, means and covariances from those assignments. The
   * tracked objective (log-likelihood, BIC, AIC, scoreSamples) is then the classification
   * log-likelihood Σ w·log(π_z N(x | z)).
   */
  assignment: Assignment;
  /**
   * MAP-EM with conjugate priors (null or absent: maximum likelihood). The last four options
   * may be left out of an options object built in code; parseGmmOptions fills them in. The objective the driver tracks
   * is then the log posterior log p(X | θ) + log p(θ) (up to the constant log p(X)).
   */
  prior?: GmmPriorOptions | null;
  /**
   * What to do when a component collapses (see `varianceFloor`, `minRows`): `fail` (default)
   * stops with a FitError naming the component and the iteration; `reseed` moves it to a row
   * far from every component and records a warning in the parameters and the model file.
   */
  onSingular?: SingularPolicy;
  /** A component whose smallest variance is at or below this collapses (default 0: only a singular covariance). */
  varianceFloor?: number;
  /** A component with less responsibility than this many rows collapses (default 0: off; 1: weight under 1/N). */
  minRows?: number;
  /**
   * The E-step's kernels: 'wasm' (default; WebAssembly SIMD where the engine has it, else the
   * scalar ones) or 'js' (the scalar TypeScript row kernels, the reference). The two agree to
   * round-off (1e-12 relative); each is bit-identical for any number of workers.
   */
  kernels?: KernelChoice;
}

/** emEM's defaults (chosen on the peer benchmark; see the README). */
/**
 * regCovar's default: 1e-8 of each column's variance (chosen on the peer bench, see the README:
 * 1e-6, scikit-learn's value, moved breast_cancer's fits by 0.01–0.1 in log-likelihood).
 */
export const DEFAULT_REG_COVAR = 1e-8;
export const DEFAULT_SHORT_RUNS = { runs: 20, iterations: 10, kept: 10, rows: 5000 } as const;

const shrinkage = z.number().positive().meta({ expected: "a number > 0 (the mean prior's precision)" });
const concentration = z.number().min(1).meta({ expected: 'a number ≥ 1 (a Dirichlet below 1 has no interior mode)' });
const priorObject = z.strictObject({
  shrinkage: shrinkage.optional(),
  mean: z.array(z.number()).min(1).nullable().optional(),
  dof: z.number().positive().nullable().optional(),
  scale: z.unknown().optional(),
  weightConcentration: concentration.optional(),
});

/** The structures with a conjugate prior, by mclust's names in its order. */
const withPrior = MCLUST_ORDER.filter((type) => covarianceModel(type).supportsPrior !== false).map(mclustName);
/** The structures mclust has a conjugate prior for (its ms…p routines: mseevp, msvevp) that emkit does not have yet. */
const MCLUST_PRIOR_NOT_BUILT: readonly string[] = ['EEV', 'VEV'];

/**
 * gmm's options, each declared once: the CLI's flags and help, the web form, `emkit models` and
 * model-file defaults come from here.
 */
export const gmmOptions = defineOptions(
  {
    k: z.number().int().min(1).meta({ description: 'number of components', modelFile: 'always' }),
    covariance: z
      .enum(COVARIANCE_NAMES as [CovarianceName, ...CovarianceName[]])
      .default('full')
      .transform((name): CovarianceType => resolveCovarianceName(name)!)
      .meta({
        description: `covariance structure: full, diag, spherical, tied, or any of mclust's ${MCLUST_ORDER.length} models by name (${Object.entries(COVARIANCE_ALIASES)
          .map(([alias, type]) => `${alias} = ${type}`)
          .join(', ')})`,
        // `select --covariance all`: the 14 models once each, in mclust's order
        allChoices: MCLUST_ORDER,
        modelFile: 'always',
      }),
    regCovar: z
      .number()
      .min(0)
      .default(DEFAULT_REG_COVAR)
      .meta({ description: "added to the covariance diagonal at every M-step, times each column's variance (see --reg-covar-scale)", modelFile: 'always' }),
    initMethod: z.enum(INIT_METHODS).default('emEM').meta({
      description:
        "start from k-means, k-means++ seeds, random rows, hc: mclust's model-based hierarchical agglomeration (--hc-model, on SVD-transformed data, over at most 1000 rows, the others joining the nearest class), or emEM: many short EM runs from all of these, the best few continued",
      group: 'start',
    }),
    hcModel: z.enum(HC_MODELS).default('VVV').meta({ description: "hc's merge criterion: the classification likelihood of a VVV (mclust's default) or EII (Ward) model", group: 'start' }),
    shortRuns: z.number().int().min(1).default(DEFAULT_SHORT_RUNS.runs).meta({ description: 'emEM: the number of short EM runs', group: 'start' }),
    shortRunIterations: z.number().int().min(0).default(DEFAULT_SHORT_RUNS.iterations).meta({ description: 'emEM: EM iterations in each short run', group: 'start' }),
    shortRunsKept: z.number().int().min(1).default(DEFAULT_SHORT_RUNS.kept).meta({ description: 'emEM: how many of the best short runs are continued to convergence', group: 'start' }),
    shortRunRows: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_SHORT_RUNS.rows)
      .meta({ description: 'emEM: the short runs and the continued ones fit a seeded sample of at most this many rows (all rows when there are fewer, or with a prior); EM then goes on from the best over all rows', group: 'start' }),
    init: z
      .looseObject({ weights: z.array(z.number()).optional(), means: z.array(z.array(z.number())).optional(), covariances: z.unknown().optional() })
      .nullable()
      .default(null)
      .meta({ kind: 'json', description: "JSON file with starting weights, means and/or covariances (scikit-learn shapes; a fixture's init object)", group: 'start' }),
    freeze: freezeOption(z.enum(FROZEN_PARAMETERS)),
    regCovarScale: z.enum(REG_COVAR_SCALES).default('variance').meta({
      description:
        "variance: the ridge on a coordinate is --reg-covar times the data's variance of that column, so the fit does not depend on the columns' units; none: --reg-covar as it is (scikit-learn's reg_covar)",
      modelFile: 'always',
    }),
    assignment: z.enum(ASSIGNMENTS as [Assignment, ...Assignment[]]).default('soft').meta({
      description: 'soft: EM with posterior responsibilities; hard: classification EM, each row wholly assigned to its most probable component (the objective is then the classification log-likelihood)',
      modelFile: 'always',
    }),
    prior: z
      .union([z.enum(['none', 'default']), priorObject])
      .nullable()
      .default(null)
      .meta({
        kind: 'string',
        choices: ['none', 'default'],
        // Absent is not "none": --prior-* flags alone imply the default prior.
        defaultText: 'none',
        expected: 'none, default or an object {shrinkage, mean, dof, scale, weightConcentration}',
        description: "MAP-EM with conjugate priors (Normal–inverse-Wishart per component, Dirichlet on the weights); 'default' takes mclust's defaultPrior, refined by the --prior-* flags",
        group: 'prior',
      }),
    priorShrinkage: shrinkage.optional().meta({ description: "the mean prior's shrinkage κ (implies --prior default)", defaultText: '0.01', group: 'prior' }),
    priorMean: z.array(z.number()).min(1).optional().meta({ kind: 'json', description: 'JSON file with the mean prior (D numbers; default: the data mean)', group: 'prior' }),
    priorDof: z.number().positive().optional().meta({ description: 'the prior degrees of freedom ν', defaultText: 'D + 2', group: 'prior' }),
    priorScale: z.unknown().optional().meta({
      kind: 'json',
      description: 'JSON file with the prior scale Λ (D×D, D numbers or one number by covariance type; default: the data covariance / K^(2/D))',
      group: 'prior',
    }),
    priorWeightConcentration: concentration.optional().meta({ description: 'α ≥ 1 of the Dirichlet prior on the weights', defaultText: '1', group: 'prior' }),
    onSingular: z.enum(SINGULAR_POLICIES).default('fail').meta({
      description: 'when a component collapses (variance at most --variance-floor, or responsibility under --min-rows rows): fail with the component and iteration, or re-seed it at a far row (recorded as a warning)',
      group: 'collapsed components',
      modelFile: 'non-default',
    }),
    varianceFloor: z.number().min(0).default(0).meta({ description: 'a component whose smallest variance is at or below this has collapsed', group: 'collapsed components', modelFile: 'non-default' }),
    minRows: z.number().min(0).default(0).meta({
      description: 'a component with less responsibility than this many rows has collapsed (1: weight under 1/N; 0: off)',
      group: 'collapsed components',
      modelFile: 'non-default',
    }),
    kernels: kernelsOption(),
  },
  (o): GmmOptions => {
    const { prior, priorShrinkage, priorMean, priorDof, priorScale, priorWeightConcentration, ...rest } = o;
    // The flat prior* fields (CLI flags) refine `prior` and imply it.
    const flat: Partial<GmmPriorOptions> = {};
    if (priorShrinkage !== undefined) flat.shrinkage = priorShrinkage;
    if (priorMean !== undefined) flat.mean = priorMean;
    if (priorDof !== undefined) flat.dof = priorDof;
    if (priorScale !== undefined) flat.scale = priorScale;
    if (priorWeightConcentration !== undefined) flat.weightConcentration = priorWeightConcentration;
    const given = Object.keys(flat);
    if (prior === 'none' && given.length > 0) throw new OptionError({ field: `prior${given[0][0].toUpperCase()}${given[0].slice(1)}`, detail: 'is given with prior "none"; drop one of them' });
    let resolved: GmmPriorOptions | null = null;
    if (prior === 'default' || (prior === null && given.length > 0)) resolved = { ...DEFAULT_PRIOR, ...flat };
    else if (prior !== null && prior !== 'none') resolved = { ...DEFAULT_PRIOR, ...stripUndefined(prior), ...flat };
    if (resolved && covarianceModel(rest.covariance).supportsPrior === false)
      throw new OptionError({
        field: 'prior',
        detail: `is not available with covariance ${rest.covariance} (${MCLUST_PRIOR_NOT_BUILT.includes(rest.covariance) ? 'mclust has one; emkit does not yet' : 'mclust has no conjugate prior for it either'}); drop the prior or use one of ${withPrior.join(', ')}`,
      });
    return { ...rest, init: o.init as GmmInit | null, freeze: o.freeze, prior: resolved };
  },
);

/** The options object callers write for gmm (what `fit(gmmPlugin, data, …)` checks). */
export type GmmOptionsInput = OptionsInput<typeof gmmOptions>;

export const parseGmmOptions: (raw: unknown) => GmmOptions = gmmOptions.parse;

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
