export { gmmPlugin } from './plugin.js';
export type { GmmParams, CovarianceType, FrozenParameter } from './params.js';
export type { GmmOptions, GmmInit, InitMethod } from './options.js';
export { parseGmmOptions } from './options.js';
export {
  covarianceModels,
  covarianceModel,
  COVARIANCE_TYPES,
  COVARIANCE_ALIASES,
  COVARIANCE_NAMES,
  MCLUST_ORDER,
  mclustName,
  resolveCovarianceName,
  type CovarianceModel,
  type CovarianceStats,
} from './covariance/index.js';
export { ASSIGNMENTS, responsibilityRule, type Assignment, type ResponsibilityRule } from './assignment.js';
