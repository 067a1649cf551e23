export type { Dataset, RowRange, DatasetOptions } from './dataset.js';
export { MAX_MAGNITUDE, createDataset, datasetFromRows, datasetFromColumns, totalWeight, rowWeight, dataMoments, sliceRows, rowAt, checkGroups, groupBoundaries, groupsFromIds, groupsWithin, missingCount, rowHasMissing, withMissingFilled } from './dataset.js';
export type { ModelPlugin, AnyModelPlugin, DriverDefaults, DataSummary, ConvergenceContext, OptionSpec, OptionKind, ShardEStepResult, InitProgress, InitContext, Objective } from './plugin.js';
export { PLUGIN_API_VERSION, LOG_LIKELIHOOD, addStats, mergeStatsOf, isModelPlugin, checkMissingSupport, objectiveOf } from './plugin.js';
export type { EStepExecutor, EStepOutcome, InitRunContext } from './executor.js';
export { inProcessExecutor, createInProcessExecutor, runShardsInProcess, runShard, ShardStates, yieldToEventLoop } from './executor.js';
export { type ShardSource, type ReadShard, readExternalShard, externalDataset, isExternal, ReservoirSampler, reservoirSample, initSampleSeed } from './external.js';
export { eStepExternalShard } from './executor.js';
export { DEFAULT_SHARD_ROWS, planShards, planShardsFor } from './shard-plan.js';
export { isFailedRestart, restartFailure, allRestartsFailed, autoRestarts, checkRestartCount, restartsToRun, AUTO_RESTARTS, type FailedRestart, type RestartCount, type RestartOutcome } from './restarts.js';
export type { DriverOptions, ResolvedDriverOptions, FitProgress, RestartInitProgress, FitResult, RestartResult, MonotonicityViolation, EmRun, RunState, RunPhase, RunOptions, RunResumePoint } from './driver.js';
export { fit, createRun, runRestart, runRestartOrFailure, drawInitialParams, selectBestRestart, resolveDriverOptions, firstNonFinite, DEFAULT_MONOTONE_TOLERANCE } from './driver.js';
export { bic, aic } from './criteria.js';
export type { ModelFile, FitSummaryFields } from './model-file.js';
export {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  MODEL_FORMAT_VERSION_STANDARDIZED,
  MODEL_FORMAT_VERSIONS,
  modelFileFromFit,
  modelFileFromParams,
  checkModelFileHeader,
  readModelFile,
  pluginForModelFile,
} from './model-file.js';
export { readFiniteNumber, readCount, readMixtureWeights, readVector, readMatrix, readMatrixStack, readGivenFields, toNested, toNestedStack, type FieldErrorKind } from './json-fields.js';
export {
  defineOptions,
  parseOptionsWith,
  optionSpecOf,
  kernelsOption,
  freezeOption,
  describeValue,
  closestMatches,
  invalidValueDetail,
  type OptionMeta,
  type OptionShape,
  type OptionShapeInput,
  type ReadonlyDeep,
  type OptionShapeOutput,
  type PluginOptions,
  type OptionsInput,
} from './options.js';
export {
  EmkitError,
  OptionError,
  InputError,
  ModelFileError,
  FitError,
  FitAbortedError,
  EMKIT_ERROR_CODES,
  formatErrorMessage,
  throwIfAborted,
  isEmkitError,
  hasErrorCode,
  errorDetails,
  createEmkitError,
  restateError,
  readingModelFile,
  type EmkitErrorCode,
  type ErrorDetails,
} from './errors.js';
export type { SelectionCriterion, SelectionOptions, SelectionResult, CandidateRow, CandidateContext, FitCandidate } from './selection.js';
export { selectModel, candidateGrid, responsibilityEntropy, icl, describeCandidate, SELECTION_CRITERIA } from './selection.js';
export { type LabelAgreement, labelAgreement, formatConfusion } from './agreement.js';
export {
  type StandardizeMethod,
  type Standardization,
  type StandardizedFitResult,
  STANDARDIZE_METHODS,
  columnMoments,
  fitStandardization,
  applyStandardization,
  invertStandardization,
  logJacobian,
  perRowShift,
  inOriginalUnits,
  fitStandardized,
  readStandardization,
} from './standardize.js';
export type { StepwiseSettings, OnlineFitSettings, OnlineProgress, StepwiseState, StepwiseLearner, OnlineFitResult } from './online.js';
export { stepwiseLearner, fitOnline, supportsStepwise, stepSize, gatherRows, meanLogLikelihoodOf } from './online.js';
export type { ModelView, ComponentsView, ImagesView, LatentView, TrainingView, RowOutputView } from './view.js';
export { EMPTY_VIEW, imageShape, marginalCovariance, covariancesFromQuadraticForm } from './view.js';
export type { RowAssignment, MixtureDensity, MixtureMethods, SingleComponentMethods, GaussianMixtureParameters } from './mixture.js';
export { MIXTURE_BLOCK_ROWS, SOFT_ASSIGNMENT, MixtureBlock, forEachMixtureBlock, mixtureEStep, mixtureScoreSamples, mixtureResponsibilities, mixturePredict, mixtureMethods, mixtureImpute, singleComponentMethods, gaussianMixtureParameters } from './mixture.js';
