// mclust's fitted parameters (tools/fixtures/mclust) as emkit parameters, for the tests that compare with mclust.
import { resolveCovarianceName } from '../covariance/index.js';
import { assembleParams } from '../estimate.js';
import type { CovarianceType, GmmParams } from '../params.js';
import type { MclustFit } from './fixtures.js';

const SPHERICAL_LAYOUT: readonly CovarianceType[] = ['spherical', 'EII'];
const DIAGONAL_LAYOUT: readonly CovarianceType[] = ['diag', 'EEI', 'VEI', 'EVI'];

/** mclust's K×D×D covariances in the layout of the structure (the equal parts are equal, so component 0 stands for a shared one). */
export function mclustCovariances(type: CovarianceType, fitted: MclustFit, k: number, d: number): Float64Array {
  const sigma = fitted.covariances!;
  if (SPHERICAL_LAYOUT.includes(type)) return Float64Array.from({ length: k }, (_, j) => sigma[j * d * d]);
  if (DIAGONAL_LAYOUT.includes(type)) return Float64Array.from({ length: k * d }, (_, i) => sigma[Math.floor(i / d) * d * d + (i % d) * (d + 1)]);
  if (type === 'tied') return Float64Array.from(sigma.slice(0, d * d));
  return Float64Array.from(sigma);
}

export function mclustParams(fitted: MclustFit, d: number): GmmParams {
  const type = resolveCovarianceName(fitted.model)!;
  const k = fitted.k;
  return assembleParams(type, 'soft', k, d, Float64Array.from(fitted.weights!), Float64Array.from(fitted.means!), mclustCovariances(type, fitted, k, d), (j) => {
    throw new Error(`mclust's ${fitted.model} K=${k} component ${j} is not positive definite`);
  });
}
