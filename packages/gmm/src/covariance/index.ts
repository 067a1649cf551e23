import type { CovarianceType } from '../params.js';
import type { CovarianceModel } from './model.js';
import { fullCovariance } from './full.js';
import { diagCovariance } from './diag.js';
import { sphericalCovariance } from './spherical.js';
import { tiedCovariance } from './tied.js';
import { eiiCovariance } from './eii.js';
import { eeiCovariance } from './eei.js';
import { veiCovariance } from './vei.js';
import { eviCovariance } from './evi.js';
import { veeCovariance } from './vee.js';
import { eveCovariance } from './eve.js';
import { vveCovariance } from './vve.js';
import { eevCovariance } from './eev.js';
import { vevCovariance } from './vev.js';
import { evvCovariance } from './evv.js';

export type { CovarianceModel, CovarianceStats, RowKernel } from './model.js';
export { BLOCK_ROWS } from './shared.js';

/** The option string → module map, consulted once per call site that receives parameters. */
export const covarianceModels: Readonly<Record<CovarianceType, CovarianceModel>> = {
  full: fullCovariance,
  diag: diagCovariance,
  spherical: sphericalCovariance,
  tied: tiedCovariance,
  EII: eiiCovariance,
  EEI: eeiCovariance,
  VEI: veiCovariance,
  EVI: eviCovariance,
  VEE: veeCovariance,
  EVE: eveCovariance,
  VVE: vveCovariance,
  EEV: eevCovariance,
  VEV: vevCovariance,
  EVV: evvCovariance,
};

export const COVARIANCE_TYPES = Object.keys(covarianceModels) as CovarianceType[];

/** mclust's names of the four scikit-learn structures, accepted wherever a covariance is named. */
export const COVARIANCE_ALIASES = { VVV: 'full', VVI: 'diag', VII: 'spherical', EEE: 'tied' } as const satisfies Readonly<Record<string, CovarianceType>>;

/** A name a user may give for a covariance structure: a stored name or an mclust alias. */
export type CovarianceName = CovarianceType | keyof typeof COVARIANCE_ALIASES;

/** The 14 models in mclust's order (as mclustBIC lists them), by their stored names. */
export const MCLUST_ORDER: readonly CovarianceType[] = ['EII', 'spherical', 'EEI', 'VEI', 'EVI', 'diag', 'tied', 'VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV', 'full'];

/** Every accepted covariance name: the stored names, then mclust's names of the four classic ones. */
export const COVARIANCE_NAMES: readonly CovarianceName[] = [...COVARIANCE_TYPES, ...(Object.keys(COVARIANCE_ALIASES) as (keyof typeof COVARIANCE_ALIASES)[])];

/** The stored name for a stored name or an mclust alias; undefined for anything else. */
export function resolveCovarianceName(name: unknown): CovarianceType | undefined {
  if (typeof name !== 'string') return undefined;
  if (Object.hasOwn(covarianceModels, name)) return name as CovarianceType;
  return Object.hasOwn(COVARIANCE_ALIASES, name) ? COVARIANCE_ALIASES[name as keyof typeof COVARIANCE_ALIASES] : undefined;
}

/** mclust's three-letter name of a structure (full → VVV, diag → VVI, spherical → VII, tied → EEE). */
export function mclustName(type: CovarianceType): string {
  return (Object.keys(COVARIANCE_ALIASES) as (keyof typeof COVARIANCE_ALIASES)[]).find((alias) => COVARIANCE_ALIASES[alias] === type) ?? type;
}

export function covarianceModel(type: CovarianceType): CovarianceModel {
  return covarianceModels[type];
}
