import { z } from 'zod';
import { OptionError, parseOptionsWith, type OptionSpec } from '@emkit/core';
import { ASSIGNMENTS, type Assignment } from './assignment.js';
import { KERNEL_CHOICES, KERNELS_OPTION_SPEC, type KernelChoice } from '@emkit/linalg';
import type { CovarianceType, FrozenParameter, SingularPolicy } from './params.js';
import { COVARIANCE_NAMES, MCLUST_ORDER, covarianceModel, mclustName, resolveCovarianceName } from './covariance/index.js';

export type InitMethod = 'kmeans' | 'kmeans++' | 'random' | 'hc' | 'emEM';
export const INIT_METHODS: readonly InitMethod[] = ['kmeans', 'kmeans++', 'random', 'hc', 'emEM'];

/** The merge criterion of the hierarchical agglomeration (hc.ts): mclust's hcVVV or hcEII. */
export type HcModel = 'VVV' | 'EII';
export const HC_MODELS: readonly HcModel[] = ['VVV', 'EII'];

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
  /** Added to the covariance diagonal at every M-step (default 1e-6, as scikit-learn). */
  regCovar: number;
  /** How to start when `init` does not give every parameter. */
  initMethod: InitMethod;
  /** hc's merge criterion: the classification likelihood of a VVV (mclust's default, when absent) or EII model. */
  hcModel?: HcModel;
  /**
   * emEM: how many short EM runs, EM iterations in each, and how many of the best are continued
   * (short-runs.ts); absent: DEFAULT_SHORT_RUNS. parseGmmOptions fills these in.
   */
  shortRuns?: number;
  shortRunIterations?: number;
  shortRunsKept?: number;
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
export const DEFAULT_SHORT_RUNS = { runs: 20, iterations: 10, kept: 3 } as const;

const frozenParameter = z.enum(['weights', 'means', 'covariances']);
const finite = z.number().refine(Number.isFinite, 'must be finite');
const positive = z.number().refine((x) => Number.isFinite(x) && x > 0, 'must be a finite number > 0');
const shrinkage = z.number().refine((x) => Number.isFinite(x) && x > 0, 'must be a finite number > 0 (the mean prior\'s precision)');
const concentration = z.number().refine((x) => Number.isFinite(x) && x >= 1, 'must be ≥ 1 (a Dirichlet below 1 has no interior mode)');
const priorObject = z
  .object({
    shrinkage: shrinkage.optional(),
    mean: z.array(finite).min(1).nullable().optional(),
    dof: positive.nullable().optional(),
    scale: z.unknown().optional(),
    weightConcentration: concentration.optional(),
  })
  .strict();

const schema = z
  .object({
    k: z.number({ error: 'required: the number of components, an integer ≥ 1' }).int('must be an integer').min(1, 'must be ≥ 1'),
    covariance: z
      .string()
      .default('full')
      .transform((name, ctx) => {
        const type = resolveCovarianceName(name);
        if (type === undefined) ctx.addIssue({ code: 'custom', message: `expected one of ${COVARIANCE_NAMES.join(', ')}; got ${JSON.stringify(name)}` });
        return type ?? 'full';
      }),
    regCovar: z.number().min(0, 'must be ≥ 0').refine(Number.isFinite, 'must be finite').default(1e-6),
    initMethod: z.enum(INIT_METHODS as [InitMethod, ...InitMethod[]]).default('kmeans'),
    hcModel: z.enum(HC_MODELS as [HcModel, ...HcModel[]]).default('VVV'),
    shortRuns: z.number().int('must be an integer').min(1, 'must be ≥ 1').default(DEFAULT_SHORT_RUNS.runs),
    shortRunIterations: z.number().int('must be an integer').min(0, 'must be ≥ 0').default(DEFAULT_SHORT_RUNS.iterations),
    shortRunsKept: z.number().int('must be an integer').min(1, 'must be ≥ 1').default(DEFAULT_SHORT_RUNS.kept),
    init: z
      .object({
        weights: z.array(z.number()).optional(),
        means: z.array(z.array(z.number())).optional(),
        covariances: z.unknown().optional(),
      })
      .loose()
      .nullable()
      .default(null),
    freeze: z
      .union([z.array(frozenParameter), frozenParameter.transform((v) => [v])])
      .default([])
      .transform((v) => [...new Set(v)]),
    assignment: z.enum(ASSIGNMENTS as [Assignment, ...Assignment[]]).default('soft'),
    prior: z.union([z.enum(['none', 'default']), priorObject]).nullable().default(null),
    priorShrinkage: shrinkage.optional(),
    priorMean: z.array(finite).min(1).optional(),
    priorDof: positive.optional(),
    priorScale: z.unknown().optional(),
    priorWeightConcentration: concentration.optional(),
    onSingular: z.enum(['fail', 'reseed']).default('fail'),
    varianceFloor: z.number().min(0, 'must be ≥ 0').refine(Number.isFinite, 'must be finite').default(0),
    minRows: z.number().min(0, 'must be ≥ 0').refine(Number.isFinite, 'must be finite').default(0),
    kernels: z.enum(KERNEL_CHOICES as [KernelChoice, ...KernelChoice[]]).default('wasm'),
  })
  .strict();

export function parseGmmOptions(raw: unknown): GmmOptions {
  const o = parseOptionsWith(schema, raw);
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
      detail: `is not available with covariance ${rest.covariance} (mclust has no conjugate prior for it either); drop the prior or use one of ${MCLUST_ORDER.filter((t) => covarianceModel(t).supportsPrior !== false)
        .map(mclustName)
        .join(', ')}`,
    });
  return { ...rest, init: o.init as GmmInit | null, freeze: o.freeze as FrozenParameter[], prior: resolved };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const gmmOptionSpecs: readonly OptionSpec[] = [
  { name: 'k', type: 'integer', description: 'number of components', required: true },
  {
    name: 'covariance',
    type: 'string',
    description: "covariance structure: full, diag, spherical, tied, or any of mclust's 14 (EII VII EEI VEI EVI VVI EEE VEE EVE VVE EEV VEV EVV VVV; VVV = full, VVI = diag, VII = spherical, EEE = tied)",
    choices: COVARIANCE_NAMES,
    // `select --covariance all`: the 14 models once each, in mclust's order
    allChoices: MCLUST_ORDER,
    defaultValue: 'full',
  },
  { name: 'regCovar', type: 'number', description: 'added to the covariance diagonal at every M-step', defaultValue: 1e-6 },
  {
    name: 'initMethod',
    type: 'string',
    description:
      "start from k-means, k-means++ seeds, random rows, hc: mclust's model-based hierarchical agglomeration (--hc-model, on SVD-transformed data, over at most 1000 rows, the others joining the nearest class), or emEM: many short EM runs from all of these, the best few continued",
    choices: INIT_METHODS,
    defaultValue: 'kmeans',
  },
  { name: 'hcModel', type: 'string', description: "hc's merge criterion: the classification likelihood of a VVV (mclust's default) or EII (Ward) model", choices: HC_MODELS, defaultValue: 'VVV' },
  { name: 'shortRuns', type: 'integer', description: 'emEM: the number of short EM runs', defaultValue: DEFAULT_SHORT_RUNS.runs },
  { name: 'shortRunIterations', type: 'integer', description: 'emEM: EM iterations in each short run', defaultValue: DEFAULT_SHORT_RUNS.iterations },
  { name: 'shortRunsKept', type: 'integer', description: 'emEM: how many of the best short runs are continued to convergence', defaultValue: DEFAULT_SHORT_RUNS.kept },
  { name: 'init', type: 'json', description: 'JSON file with starting weights, means and/or covariances (scikit-learn shapes; a fixture\'s init object)' },
  { name: 'freeze', type: 'list', description: 'parameters kept at their starting values', choices: ['weights', 'means', 'covariances'] },
  {
    name: 'assignment',
    type: 'string',
    description: 'soft: EM with posterior responsibilities; hard: classification EM, each row wholly assigned to its most probable component (the objective is then the classification log-likelihood)',
    choices: ASSIGNMENTS,
    defaultValue: 'soft',
  },
  {
    name: 'prior',
    type: 'string',
    description: "MAP-EM with conjugate priors (Normal–inverse-Wishart per component, Dirichlet on the weights); 'default' takes mclust's defaultPrior, refined by the --prior-* flags",
    choices: ['none', 'default'],
    defaultValue: 'none',
  },
  { name: 'priorShrinkage', type: 'number', description: "the mean prior's shrinkage κ (implies --prior default)", defaultValue: 0.01 },
  { name: 'priorMean', type: 'json', description: 'JSON file with the mean prior (D numbers; default: the data mean)' },
  { name: 'priorDof', type: 'number', description: 'the prior degrees of freedom ν (default: D + 2)' },
  { name: 'priorScale', type: 'json', description: 'JSON file with the prior scale Λ (D×D, D numbers or one number by covariance type; default: the data covariance / K^(2/D))' },
  { name: 'priorWeightConcentration', type: 'number', description: 'α ≥ 1 of the Dirichlet prior on the weights', defaultValue: 1 },
  {
    name: 'onSingular',
    type: 'string',
    description: 'when a component collapses (variance at most --variance-floor, or responsibility under --min-rows rows): fail with the component and iteration, or re-seed it at a far row (recorded as a warning)',
    choices: ['fail', 'reseed'],
    defaultValue: 'fail',
  },
  { name: 'varianceFloor', type: 'number', description: 'a component whose smallest variance is at or below this has collapsed', defaultValue: 0 },
  { name: 'minRows', type: 'number', description: 'a component with less responsibility than this many rows has collapsed (1: weight under 1/N; 0: off)', defaultValue: 0 },
  KERNELS_OPTION_SPEC,
];
