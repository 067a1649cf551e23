/**
 * Collapsing components under maximum likelihood, and what to do about them.
 *
 * The likelihood of a Gaussian mixture is unbounded: a component that sits on one row (or on a
 * line) has a variance going to 0 and a density going to infinity. EM walks into such points.
 * A component has collapsed after an M-step when
 *
 * - its smallest variance (the variances for diag/spherical, the squared Cholesky pivots for
 *   full/tied) is at or below `varianceFloor` — with the default 0, when its covariance is
 *   singular; or
 * - it holds less responsibility than `minRows` rows (off by default; 1 means a weight under 1/N).
 *
 * Policy `onSingular`:
 * - `fail` (default): a FitError naming the component and the iteration, with remedies;
 * - `reseed`: the component restarts at the row with the lowest log-density under the model the
 *   E-step used — the row worst explained, far from every component — with the average
 *   covariance of the other components and (when weights are free) weight 1/K. Each re-seed is
 *   recorded in params.warnings (and the model file). The log-likelihood may drop at that
 *   iteration, which the driver records as a monotonicity violation. At most MAX_RESEEDS
 *   re-seeds per fit; a collapse after that fails.
 *
 * To find far rows without the data, the M-step reads candidate rows from the statistics: the
 * E-step keeps the `reseedSlots` rows of lowest log-density (value, row index, the row), merged
 * across shards by keeping the lowest (ties: the lower row index), so the choice does not
 * depend on the shard plan.
 */
import { FitError } from '@emkit/core';
import type { CovarianceModel } from './covariance/index.js';
import type { SingularPolicy, SingularityWarning } from './params.js';

export const MAX_RESEEDS = 10;

/** Width of one candidate slot: [log-density, row index, x (D)]. */
export function slotWidth(d: number): number {
  return d + 2;
}

/** Empty slots: log-density +∞, row index +∞ (the identity of the merge). */
export function clearFarRows(stats: Float64Array, base: number, slots: number, d: number): void {
  const w = slotWidth(d);
  for (let s = 0; s < slots; s++) {
    stats[base + s * w] = Infinity;
    stats[base + s * w + 1] = Infinity;
  }
}

function before(score: number, index: number, otherScore: number, otherIndex: number): boolean {
  return score < otherScore || (score === otherScore && index < otherIndex);
}

/** Offers row `index` (values at x[xOff..]) with log-density `score`; slots stay sorted, lowest first. */
export function offerFarRow(stats: Float64Array, base: number, slots: number, d: number, score: number, index: number, x: Float64Array, xOff: number): void {
  const w = slotWidth(d);
  const last = base + (slots - 1) * w;
  if (!before(score, index, stats[last], stats[last + 1])) return;
  let s = slots - 1;
  while (s > 0 && before(score, index, stats[base + (s - 1) * w], stats[base + (s - 1) * w + 1])) {
    stats.copyWithin(base + s * w, base + (s - 1) * w, base + s * w);
    s--;
  }
  const off = base + s * w;
  stats[off] = score;
  stats[off + 1] = index;
  for (let c = 0; c < d; c++) stats[off + 2 + c] = x[xOff + c];
}

/** Merges the slots of `source` into `target`: the lowest of both, in order. */
export function mergeFarRows(target: Float64Array, source: Float64Array, base: number, slots: number, d: number): void {
  const w = slotWidth(d);
  for (let s = 0; s < slots; s++) {
    const off = base + s * w;
    if (source[off + 1] === Infinity) break;
    offerFarRow(target, base, slots, d, source[off], source[off + 1], source, off + 2);
  }
}

export interface Collapse {
  /** 0-based. */
  readonly component: number;
  readonly reason: string;
  /** True when the variance rule fired (not only the weight rule). */
  readonly byVariance: boolean;
  /** True when the covariance is not positive definite (variance 0). */
  readonly singular: boolean;
}

export interface CollapseRules {
  readonly varianceFloor: number;
  readonly minRows: number;
}

/** The components that collapsed in an M-step's result, by the rules above. */
export function findCollapses(model: CovarianceModel, covariances: Float64Array, nk: Float64Array, k: number, d: number, covariancesFree: boolean, rules: CollapseRules): Collapse[] {
  const out: Collapse[] = [];
  for (let j = 0; j < k; j++) {
    const reasons: string[] = [];
    const variance = covariancesFree ? model.smallestVariance(covariances, j, d) : Infinity;
    const byVariance = !(variance > rules.varianceFloor);
    const singular = !(variance > 0);
    if (singular) reasons.push('variance 0: it sits on a single point or on collapsed rows');
    else if (byVariance) reasons.push(`its smallest variance ${Number(variance.toPrecision(3))} is at or below the floor ${rules.varianceFloor}`);
    if (rules.minRows > 0 && nk[j] < rules.minRows) reasons.push(`it holds ${nk[j].toPrecision(4)} rows' worth of responsibility, under ${rules.minRows} (a weight under ${rules.minRows}/N)`);
    if (reasons.length > 0) out.push({ component: j, reason: reasons.join('; '), byVariance, singular });
  }
  return out;
}

/** The FitError of the `fail` policy (and of a collapse `reseed` cannot repair). */
export function collapseError(collapse: Collapse, iteration: number | undefined, extra = ''): FitError & { readonly collapse: Collapse } {
  // FitError's message starts "gmm (iteration N):"; at init there is no iteration to name.
  const when = iteration === undefined || iteration === 0 ? ' at the start' : '';
  // `collapse` carries the component and reason, for models built on gmm's M-step (hmm's states).
  const error = new FitError({
    plugin: 'gmm',
    iteration: iteration === 0 ? undefined : iteration,
    detail: `component ${collapse.component + 1} ${collapse.singular ? 'is singular' : 'collapsed'}${when} (${collapse.reason})${extra}. Remedies: MAP-EM with a prior (prior: 'default', --prior default), a larger regCovar (--reg-covar), ${extra === '' ? "onSingular: 'reseed' (--on-singular reseed), " : ''}fewer components, or another start`,
  });
  return Object.assign(error, { collapse });
}

export interface ReseedInput {
  readonly model: CovarianceModel;
  readonly k: number;
  readonly d: number;
  readonly collapses: readonly Collapse[];
  readonly stats: Float64Array;
  readonly farBase: number;
  readonly slots: number;
  readonly iteration: number;
  readonly previous: readonly SingularityWarning[];
  readonly weightsFree: boolean;
  readonly covariancesFree: boolean;
}

/**
 * Re-seeds each collapsed component in place (weights, means, covariances are the M-step's new
 * arrays) and returns the warnings so far. Throws the `fail` error when it cannot: no far row
 * left, every component collapsed, a shared (tied) covariance, or MAX_RESEEDS reached.
 */
export function reseedCollapsed(input: ReseedInput, weights: Float64Array, means: Float64Array, covariances: Float64Array): SingularityWarning[] {
  const { model, k, d, collapses, stats, farBase, slots, iteration } = input;
  const warnings = [...input.previous];
  const collapsed = new Set(collapses.map((c) => c.component));
  const perComponent = model.covarianceLength(k, d) === k * model.covarianceLength(1, d);
  const block = perComponent ? model.covarianceLength(1, d) : 0;
  const healthy = [...Array(k).keys()].filter((j) => !collapsed.has(j));
  const w = slotWidth(d);
  let slot = 0;
  for (const collapse of collapses) {
    const j = collapse.component;
    if (warnings.length >= MAX_RESEEDS) throw collapseError(collapse, iteration, ` (after ${MAX_RESEEDS} re-seeds in this fit)`);
    if (collapse.byVariance && !perComponent)
      throw collapseError(collapse, iteration, ' (the tied covariance is shared by every component: re-seeding one cannot repair it)');
    if (healthy.length === 0) throw collapseError(collapse, iteration, ' (every component collapsed: nothing to re-seed from)');
    if (slot >= slots || stats[farBase + slot * w + 1] === Infinity) throw collapseError(collapse, iteration, ' (no row is left to re-seed it at)');
    const off = farBase + slot * w;
    const row = stats[off + 1];
    slot++;
    for (let c = 0; c < d; c++) means[j * d + c] = stats[off + 2 + c];
    if (input.covariancesFree && perComponent) {
      // the average covariance of the components that did not collapse
      for (let i = 0; i < block; i++) {
        let s = 0;
        for (const h of healthy) s += covariances[h * block + i];
        covariances[j * block + i] = s / healthy.length;
      }
    }
    if (input.weightsFree) weights[j] = 1 / k;
    warnings.push({ iteration, component: j + 1, reason: collapse.reason, action: `re-seeded at row ${row + 1} (the row of lowest log-density)${input.covariancesFree && perComponent ? ' with the mean covariance of the other components' : ''}` });
  }
  if (input.weightsFree) {
    let total = 0;
    for (let j = 0; j < k; j++) total += weights[j];
    for (let j = 0; j < k; j++) weights[j] /= total;
  }
  return warnings;
}

export type { SingularPolicy };
