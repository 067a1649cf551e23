import type { Dataset } from '../dataset.js';
import type { ModelPlugin } from '../plugin.js';
import type { ModelView } from '../view.js';

function fail(message: string): never {
  throw new Error(message);
}

function finite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) fail(`${what}[${i}] is ${values[i]}`);
}

/**
 * Checks a plugin's describeView(params) against the plugin and the data it was fitted on:
 * shapes agree with K, D and predictTable, numbers are finite, covariances symmetric with a
 * non-negative diagonal, and the whole description survives structuredClone (a worker posts it).
 * Returns the description; throws an Error naming the first inconsistency.
 */
export function checkViewDescription<P>(plugin: ModelPlugin<P, unknown>, params: P, data: Dataset): ModelView {
  if (!plugin.describeView) fail(`plugin "${plugin.name}" has no describeView`);
  const view = plugin.describeView(params);
  const c = view.components;
  if (c !== null) {
    if (c.count !== plugin.components(params)) fail(`components.count is ${c.count}, plugin.components says ${plugin.components(params)}`);
    if (c.dims !== data.cols) fail(`components.dims is ${c.dims}, the data have ${data.cols} columns`);
    if (c.locations.length !== c.count * c.dims) fail(`components.locations has ${c.locations.length} numbers, not K·D = ${c.count * c.dims}`);
    finite(c.locations, 'components.locations');
    if (c.weights !== null) {
      if (c.weights.length !== c.count) fail(`components.weights has ${c.weights.length} numbers, not K = ${c.count}`);
      finite(c.weights, 'components.weights');
    }
    if (c.covariances !== null) {
      const d = c.dims;
      if (c.covariances.length !== c.count * d * d) fail(`components.covariances has ${c.covariances.length} numbers, not K·D·D = ${c.count * d * d}`);
      finite(c.covariances, 'components.covariances');
      for (let j = 0; j < c.count; j++)
        for (let a = 0; a < d; a++) {
          const base = j * d * d;
          if (c.covariances[base + a * d + a] < 0) fail(`components.covariances of component ${j} has a negative variance in column ${a}`);
          for (let b = 0; b < a; b++) {
            const x = c.covariances[base + a * d + b];
            const y = c.covariances[base + b * d + a];
            if (Math.abs(x - y) > 1e-8 * Math.max(1, Math.abs(x), Math.abs(y))) fail(`components.covariances of component ${j} is not symmetric at (${a}, ${b}): ${x} vs ${y}`);
          }
        }
    }
  }
  if (view.images !== null) {
    if (c === null) fail('images need components (each image is a component’s locations)');
    if (view.images.width * view.images.height !== c.dims) fail(`images are ${view.images.width}×${view.images.height}, not D = ${c.dims} pixels`);
    if (!(view.images.min < view.images.max)) fail(`images range [${view.images.min}, ${view.images.max}] is empty`);
  }
  const table = view.latent !== null || view.rowOutput.kind === 'table' ? (plugin.predictTable?.(params, data) ?? fail('latent or table output without predictTable')) : null;
  if (view.latent !== null) {
    if (view.latent.columns.length !== view.latent.dims) fail(`latent has ${view.latent.columns.length} columns for ${view.latent.dims} dimensions`);
    for (const name of view.latent.columns) if (!table!.columns.includes(name)) fail(`latent column "${name}" is not a predictTable column (${table!.columns.join(', ')})`);
  }
  if (view.rowOutput.kind === 'table' && view.rowOutput.columns.join(',') !== table!.columns.join(',')) fail(`rowOutput columns ${view.rowOutput.columns.join(', ')} are not predictTable's ${table!.columns.join(', ')}`);
  if (view.training !== null) {
    finite(view.training.values, 'training.values');
    if (view.training.values.length > view.training.planned) fail(`training has ${view.training.values.length} values of ${view.training.planned} planned`);
  }
  structuredClone(view);
  return view;
}
