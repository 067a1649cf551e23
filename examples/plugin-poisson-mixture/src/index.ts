export { poissonMixturePlugin, type PoissonMixtureParams } from './plugin.js';
export { poissonMixtureOptions, type PoissonMixtureOptions, type PoissonMixtureOptionsInput } from './options.js';
export { logFactorial, poissonLogPmf, samplePoisson } from './poisson.js';
export { poissonMixtureParameters, type PoissonMixtureParameters } from './parameters.js';
