export { onlineKmeansPlugin, minibatchKmeansPlugin } from './plugin.js';
export { type StochasticKMeansParams, type Update, runPass, passOrder, statsLength } from './pass.js';
export {
  type OnlineKMeansOptions,
  type MiniBatchKMeansOptions,
  type LearningRate,
  LEARNING_RATES,
  DEFAULT_T0,
  DEFAULT_KAPPA,
  type OnlineKMeansOptionsInput,
  type MiniBatchKMeansOptionsInput,
  parseOnlineKMeansOptions,
  parseMiniBatchKMeansOptions,
  onlineKMeansOptions,
  miniBatchKMeansOptions,
} from './options.js';
export {
  onlineKmeans,
  minibatchKmeans,
  type StochasticKMeansFitOptions,
  type OnlineKMeansFitOptions,
  type MiniBatchKMeansFitOptions,
  type StochasticKMeansResult,
} from './fit.js';
export { stochasticKMeansParameters, type StochasticKMeansParameters } from './parameters.js';
