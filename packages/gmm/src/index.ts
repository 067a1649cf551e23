export { gmmPlugin } from './plugin.js';
export type { GmmParams, CovarianceType, FrozenParameter } from './params.js';
export type { GmmOptions, GmmOptionsInput, GmmInit, GmmPriorOptions, InitMethod, RegCovarScale } from './options.js';
export { gmmOptions, parseGmmOptions, INIT_METHODS, FROZEN_PARAMETERS, SINGULAR_POLICIES, REG_COVAR_SCALES, DEFAULT_REG_COVAR } from './options.js';
export {
  covarianceModels,
  covarianceModel,
  COVARIANCE_TYPES,
  COVARIANCE_ALIASES,
  COVARIANCE_NAMES,
  type CovarianceName,
  MCLUST_ORDER,
  mclustName,
  resolveCovarianceName,
  type CovarianceModel,
  type CovarianceStats,
} from './covariance/index.js';
export { ASSIGNMENTS, responsibilityRule, type Assignment, type ResponsibilityRule } from './assignment.js';
export { describeGmmView } from './view.js';
// Gaussian building blocks for models with Gaussian emissions or components (@emkit/hmm):
// statistics in the layout the row kernels accumulate, the closed-form M-step, and the start.
export type { RowKernel } from './covariance/index.js';
export { BLOCK_ROWS } from './covariance/index.js';
export type { EstimateOptions } from './estimate.js';
export { assembleParams, estimateParameters, statsLength } from './estimate.js';
export { initialParams } from './init.js';
export { MissingRowModel, eStepRowsWithMissing, meanImputed } from './missing.js';
export { gmmParameters, type GmmParameters } from './parameters.js';
