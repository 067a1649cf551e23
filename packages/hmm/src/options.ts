import { z } from 'zod';
import { OptionError, defineOptions, freezeOption, type OptionsInput } from '@emkit/core';
import type { EmissionKind, HmmCovarianceType, HmmFrozenParameter } from './params.js';

export const EMISSIONS = ['gaussian', 'categorical'] as const;
export const TOPOLOGIES = ['ergodic', 'left-to-right'] as const;
export type Topology = (typeof TOPOLOGIES)[number];
export const HMM_COVARIANCE_TYPES = ['full', 'diag', 'spherical', 'tied'] as const;
export const HMM_INIT_METHODS = ['kmeans', 'random'] as const;
export type HmmInitMethod = (typeof HMM_INIT_METHODS)[number];
export const FROZEN_PARAMETERS = ['start', 'transitions', 'emissions', 'means', 'covariances'] as const;

/**
 * Starting parameters; any subset may be given (the rest comes from `initMethod`). Shapes:
 * startProbabilities K, transitions K×K, means K×D, covariances in gmm's (scikit-learn's)
 * shapes, emissionProbabilities K×M. Extra fields are ignored.
 */
export interface HmmInit {
  startProbabilities?: number[];
  transitions?: number[][];
  means?: number[][];
  covariances?: unknown;
  emissionProbabilities?: number[][];
}

export interface HmmOptions {
  /** Number of hidden states K. */
  k: number;
  emission: EmissionKind;
  /** Gaussian emissions: the covariance structure (one of gmm's modules). */
  covariance: HmmCovarianceType;
  /** Gaussian emissions: added to the covariance diagonal at every M-step. */
  regCovar: number;
  /** Categorical emissions: the number of symbols M (default: the largest symbol in the data + 1). */
  symbols: number | null;
  /** ergodic: every transition allowed; left-to-right: from state i only to i … i + maxJump, starting in state 0. */
  topology: Topology;
  /** left-to-right: the largest forward jump. */
  maxJump: number;
  /** Gaussian: means from k-means or from random rows; categorical: both draw random emission probabilities. */
  initMethod: HmmInitMethod;
  init: HmmInit | null;
  freeze: HmmFrozenParameter[];
  /** α ≥ 1 of the symmetric Dirichlet prior on the start distribution (1: none). */
  startPrior: number;
  /** α ≥ 1 of the symmetric Dirichlet prior on each row of the transition matrix (1: none). */
  transitionPrior: number;
}

const concentration = z.number().min(1).meta({ expected: 'a number ≥ 1 (a Dirichlet below 1 has no interior mode)' });

/**
 * The HMM's options. Model files keep k, emission, topology, maxJump, freeze and the priors here;
 * the emission's own fields (covariance and regCovar, or symbols) are written and read back by
 * its model (gaussian-emission.ts, categorical-emission.ts).
 */
export const hmmOptions = defineOptions(
  {
    k: z.number().int().min(1).meta({ description: 'number of hidden states', modelFile: 'always' }),
    emission: z.enum(EMISSIONS).default('gaussian').meta({ description: 'what each state emits: a Gaussian vector or an integer symbol 0…M−1 (one column)', modelFile: 'always' }),
    covariance: z.enum(HMM_COVARIANCE_TYPES).default('full').meta({ description: 'Gaussian emissions: covariance structure' }),
    regCovar: z.number().min(0).default(1e-6).meta({ description: 'Gaussian emissions: added to the covariance diagonal at every M-step' }),
    symbols: z.number().int().min(1).nullable().default(null).meta({ description: 'categorical emissions: number of symbols M', defaultText: 'largest symbol in the data + 1' }),
    topology: z.enum(TOPOLOGIES).default('ergodic').meta({
      description: 'ergodic: any state to any state; left-to-right: state i only to i…i+max-jump, starting in state 0',
      modelFile: 'always',
    }),
    maxJump: z.number().int().min(1).default(1).meta({ description: 'left-to-right: the largest forward jump', modelFile: 'non-default' }),
    initMethod: z.enum(HMM_INIT_METHODS).default('kmeans').meta({ description: 'Gaussian: means from k-means or random rows; categorical: random emission probabilities either way', group: 'start' }),
    init: z
      .looseObject({
        startProbabilities: z.array(z.number()).optional(),
        transitions: z.array(z.array(z.number())).optional(),
        means: z.array(z.array(z.number())).optional(),
        covariances: z.unknown().optional(),
        emissionProbabilities: z.array(z.array(z.number())).optional(),
      })
      .nullable()
      .default(null)
      .meta({ kind: 'json', description: 'JSON file with starting startProbabilities, transitions, means, covariances and/or emissionProbabilities', group: 'start' }),
    freeze: freezeOption(z.enum(FROZEN_PARAMETERS)),
    startPrior: concentration.default(1).meta({ description: 'α ≥ 1 of a Dirichlet prior on the start distribution (MAP-EM; 1: none)', group: 'prior', modelFile: 'non-default' }),
    transitionPrior: concentration.default(1).meta({ description: 'α ≥ 1 of a Dirichlet prior on each transition row (MAP-EM; 1: none)', group: 'prior', modelFile: 'non-default' }),
  },
  (o): HmmOptions => {
    if (o.emission === 'categorical') {
      const gaussianOnly = (['means', 'covariances'] as const).find((p) => o.freeze.includes(p));
      if (gaussianOnly) throw new OptionError({ field: 'freeze', detail: `"${gaussianOnly}" is a Gaussian emission parameter; freeze "emissions" for categorical emissions` });
      if (o.init?.means !== undefined || o.init?.covariances !== undefined) throw new OptionError({ field: 'init', detail: 'means and covariances are for Gaussian emissions; give emissionProbabilities for categorical ones' });
    } else {
      if (o.symbols !== null) throw new OptionError({ field: 'symbols', detail: 'is for categorical emissions (--emission categorical)' });
      if (o.init?.emissionProbabilities !== undefined) throw new OptionError({ field: 'init.emissionProbabilities', detail: 'is for categorical emissions; give means and covariances for Gaussian ones' });
    }
    if (o.topology === 'ergodic' && o.maxJump !== 1) throw new OptionError({ field: 'maxJump', detail: 'applies to the left-to-right topology only' });
    return { ...o, init: o.init as HmmInit | null, freeze: o.freeze as HmmFrozenParameter[] };
  },
);

export type HmmOptionsInput = OptionsInput<typeof hmmOptions>;

export const parseHmmOptions: (raw: unknown) => HmmOptions = hmmOptions.parse;

/** Whether the topology allows the jump i → j. */
export function transitionAllowed(topology: Topology, maxJump: number, i: number, j: number): boolean {
  return topology === 'ergodic' || (j >= i && j - i <= maxJump);
}

/** Whether the state is free under `freeze` (`emissions` covers means and covariances). */
export function isFrozen(freeze: readonly HmmFrozenParameter[], parameter: HmmFrozenParameter): boolean {
  return freeze.includes(parameter) || ((parameter === 'means' || parameter === 'covariances') && freeze.includes('emissions'));
}
