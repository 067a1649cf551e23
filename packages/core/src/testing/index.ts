export { checkConformance, assertConformance, type ConformanceOptions, type ConformanceReport, type ConformanceCheck, type ConformanceCheckName } from './conformance.js';
export { univariateGaussianMixture, type UnivariateGaussianMixtureParams, type UnivariateGaussianMixtureOptions } from './univariate-gaussian-mixture.js';
export { checkViewDescription } from './view-check.js';
