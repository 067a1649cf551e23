// The module the pool workers import by URL (the runner's `pluginUrl`): a build entry of its own
// (vite.config.ts) so that its exports survive bundling. The runner takes the export whose
// `name` matches the plugin being fitted.
export { gmmPlugin } from '@emkit/gmm';
export { softKmeansPlugin } from '@emkit/soft-kmeans';
export { kmeansPlugin } from '@emkit/kmeans';
export { bernoulliPlugin } from '@emkit/bernoulli';
export { vaePlugin } from '@emkit/vae';
export { poissonMixturePlugin } from 'emkit-plugin-poisson-mixture';
