import type { AnyModelPlugin } from '@emkit/core';
import { bernoulliPlugin } from '@emkit/bernoulli';
import { gmmPlugin } from '@emkit/gmm';
import { kmeansPlugin } from '@emkit/kmeans';
import { softKmeansPlugin } from '@emkit/soft-kmeans';
import { vaePlugin } from '@emkit/vae';
// A third-party plugin, as a user would install it: the page knows nothing about it but its
// contract (option specs for the form, describeView for the plots).
import { poissonMixturePlugin } from 'emkit-plugin-poisson-mixture';

/** The models the page offers, in menu order. Both the page and the session worker read this. */
export const PLUGINS: readonly AnyModelPlugin[] = [gmmPlugin, softKmeansPlugin, kmeansPlugin, bernoulliPlugin, vaePlugin, poissonMixturePlugin];

export function pluginNamed(name: string): AnyModelPlugin {
  const plugin = PLUGINS.find((p) => p.name === name);
  if (!plugin) throw new Error(`unknown model "${name}"; known: ${PLUGINS.map((p) => p.name).join(', ')}`);
  return plugin;
}
