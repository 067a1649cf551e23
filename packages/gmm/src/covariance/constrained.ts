import { cholesky, logDetFromCholesky, svd, portableExp, portableLog } from '@emkit/linalg';
import { ModelFileError, OptionError } from '@emkit/core';
import type { CovarianceModel, CovarianceStats } from './model.js';
import type { CovarianceType, GmmParams, GmmPrior } from '../params.js';

/**
 * The Celeux–Govaert (1995) parameterisations beyond the four classic ones: Σ_j = λ_j·D_j·A_j·D_jᵀ
 * with volume λ_j = |Σ_j|^(1/D), shape A_j (diagonal, |A_j| = 1) and orientation D_j (orthogonal),
 * each equal (E) or variable (V) across components, or the identity (I), named as mclust names
 * them (volume, shape, orientation). A constrained model is an existing structure (its storage,
 * statistics, row kernels, Cholesky factors, sampling, JSON shape) with its own M-step: the
 * structure's statistics give the per-component scatter W_j around the new means, and `estimate`
 * turns W_j and n_j into covariances that satisfy the constraint. Nothing else differs, so the
 * E-step (and its WebAssembly kernels), sharding and workers are the base structure's.
 *
 * Scatter layouts, by base: spherical — tr(W_j)/D per component (K); diag — the diagonal of W_j
 * (K×D); full — W_j (K×D×D, row-major).
 */
export interface ConstrainedSpec {
  readonly type: CovarianceType;
  /** Free covariance parameters, as mclust's nMclustParams counts them. */
  parameterCount(k: number, d: number): number;
  /**
   * The constrained maximiser of the expected complete-data log-likelihood for fixed means,
   * −½·Σ_j [n_j·log|Σ_j| + tr(Σ_j⁻¹·W_j)], in the base's covariance layout. `previous` (the
   * parameters' covariances; zeros at init) warm-starts the iterative models, which makes each
   * M-step an ascent from the current parameters (a generalised EM). `loop` overrides an
   * iterative model's own inner-loop controls.
   */
  estimate(scatter: Float64Array, nk: Float64Array, previous: Float64Array, k: number, d: number, loop?: InnerLoop): Float64Array;
  /** MAP-EM with mclust's conjugate prior for this model; absent where mclust has none. */
  readonly prior?: ConstrainedPrior;
}

/**
 * mclust's MAP M-step of a constrained model (its ms…p Fortran routines) is the model's ML
 * M-step on augmented statistics: each component's scatter W_j (around the MAP means) gains
 * κ·(μ_j − m)(μ_j − m)ᵀ and a share of the prior scale Λ, and its count n_j gains some rows.
 * So `estimate` serves both, and the M-step is the exact maximiser of the log posterior whose
 * prior (up to a constant) is, over components,
 *   −½·Σ_j [a·log|Σ_j| + tr(Σ_j⁻¹·(κ(μ_j − m)(μ_j − m)ᵀ + s·Λ))],
 * a = extraCount, s = scaleShare (in the spherical layout Λ is one number and tr counts D).
 */
export interface ConstrainedPrior {
  /** The share s of Λ added to each component's scatter: 1 for a prior per component, 1/K for one on a shared parameter. */
  scaleShare(k: number, d: number): number;
  /** The rows a added to each component's count (the mean prior's and the scale prior's powers of |Σ_j|). */
  extraCount(dof: number, k: number, d: number): number;
}

/** The base structure with the constrained M-step, and MAP-EM where mclust has a prior for the model. */
export function constrainedModel(base: CovarianceModel, spec: ConstrainedSpec): CovarianceModel {
  // parseGmmOptions refuses a prior for the structures without one first (supportsPrior: false).
  const noPrior = (): never => {
    throw new OptionError({ field: 'prior', detail: `is not available with covariance ${spec.type}` });
  };
  const mapPrior = spec.prior;
  return {
    ...base,
    type: spec.type,
    supportsPrior: mapPrior !== undefined,
    fromStats(args: CovarianceStats) {
      const { params, nkEffective, ridge, prior } = args;
      const { k, d } = params;
      const scatter = scatterMatrices(base, args);
      // The ridge enters the scatter, W_j + n_j·diag(ridge), so the estimate still satisfies the
      // constraint (for VVV and EEE this is exactly adding the ridge to the covariance diagonal;
      // a one-number-per-component base takes its mean, as the trace does).
      const width = scatter.length / k;
      const full = width === d * d;
      const meanRidge = sum(ridge) / d;
      for (let j = 0; j < k; j++) {
        const n = nkEffective[j];
        if (full) for (let c = 0; c < d; c++) scatter[j * width + c * d + c] += n * ridge[c];
        else if (width === d) for (let c = 0; c < d; c++) scatter[j * width + c] += n * ridge[c];
        else for (let i = 0; i < width; i++) scatter[j * width + i] += n * meanRidge;
      }
      let counts = nkEffective;
      if (prior && mapPrior) {
        addPriorTerms(scatter, args.means, prior, mapPrior.scaleShare(k, d), k, d);
        const extra = mapPrior.extraCount(prior.dof, k, d);
        counts = nkEffective.map((n) => n + extra);
      }
      const out = spec.estimate(scatter, counts, params.covariances, k, d);
      // A component without a finite covariance is reported singular (never a NaN in output).
      for (let j = 0; j < k; j++) {
        let finite = true;
        for (let i = 0; i < width; i++) finite &&= Number.isFinite(out[j * width + i]);
        if (!finite) out.fill(Number.NaN, j * width, (j + 1) * width);
      }
      return out;
    },
    fromNested(value, k, d, field, kind) {
      // Read as the nearest covariances of this structure: its own M-step with the given
      // matrices as scatters and n_j = 1 (a structured input is its own maximiser, so files
      // emkit writes come back unchanged); far from the structure is an error.
      const given = base.fromNested(value, k, d, field, kind);
      const projected = spec.estimate(given, new Float64Array(k).fill(1), given, k, d, PROJECTION_LOOP);
      const width = given.length / k;
      let largest = 0;
      for (let j = 0; j < k; j++) {
        let scale = 0;
        for (let i = 0; i < width; i++) scale = Math.max(scale, Math.abs(given[j * width + i]));
        for (let i = 0; i < width; i++) {
          const off = Math.abs(projected[j * width + i] - given[j * width + i]);
          largest = Math.max(largest, off / scale);
          if (!(off <= STRUCTURE_TOLERANCE * scale)) {
            const message = `does not have the ${spec.type} structure (${STRUCTURE[spec.type[0]]} volume, ${STRUCTURE[spec.type[1]]} shape, ${STRUCTURE[spec.type[2]]} orientation): entry ${i} is ${given[j * width + i]}, the nearest ${spec.type} covariance has ${projected[j * width + i]}; fix the numbers or the covariance name`;
            throw kind === 'model-file' ? new ModelFileError({ field: `${field}[${j}]`, detail: message }) : new OptionError({ field: `${field}[${j}]`, detail: message });
          }
        }
      }
      // Within rounding the numbers are kept as given, so a file reads back and writes out unchanged.
      return largest <= ROUNDING ? given : projected;
    },
    parameterCount: spec.parameterCount,
    ...(mapPrior
      ? { logPriorDensity: (params, prior) => impliedLogPrior(params, prior, mapPrior) }
      : { priorScaleFrom: noPrior, readPriorScale: noPrior, priorScaleToJSON: noPrior, logPriorDensity: noPrior }),
  };
}

/**
 * Adds the prior's part to each component's scatter in the base's layout: κ(μ_j − m)(μ_j − m)ᵀ
 * and share·Λ (spherical layout, tr/D: κ‖μ_j − m‖²/D + share·Λ; diagonal: per coordinate).
 */
function addPriorTerms(scatter: Float64Array, means: Float64Array, prior: GmmPrior, share: number, k: number, d: number): void {
  const width = scatter.length / k;
  const { shrinkage: kappa, mean: m, scale } = prior;
  for (let j = 0; j < k; j++) {
    const off = j * width;
    if (width === 1) {
      let distance = 0;
      for (let c = 0; c < d; c++) distance += (means[j * d + c] - m[c]) ** 2;
      scatter[off] += (kappa * distance) / d + share * scale[0];
    } else if (width === d) {
      for (let c = 0; c < d; c++) scatter[off + c] += kappa * (means[j * d + c] - m[c]) ** 2 + share * scale[c];
    } else {
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) scatter[off + a * d + b] += kappa * (means[j * d + a] - m[a]) * (means[j * d + b] - m[b]) + share * scale[a * d + b];
    }
  }
}

/** The log prior a constrained model's MAP M-step maximises (ConstrainedPrior), up to a constant, at the parameters. */
function impliedLogPrior(params: GmmParams, prior: GmmPrior, mapPrior: ConstrainedPrior): number {
  const { k, d, covariances, means } = params;
  const width = covariances.length / k;
  const a = mapPrior.extraCount(prior.dof, k, d);
  const share = mapPrior.scaleShare(k, d);
  const extra = new Float64Array(width);
  let total = 0;
  for (let j = 0; j < k; j++) {
    const off = j * width;
    extra.fill(0);
    addPriorTerms(extra, means.subarray(j * d, (j + 1) * d), prior, share, 1, d);
    if (width === 1) total += -0.5 * d * (a * portableLog(covariances[off]) + extra[0] / covariances[off]);
    else if (width === d) for (let c = 0; c < d; c++) total += -0.5 * (a * portableLog(covariances[off + c]) + extra[c] / covariances[off + c]);
    else total += covarianceObjective(covariances.subarray(off, off + width), extra, [a], 1, d);
  }
  return total;
}

/** Relative distance (to a component's largest entry) from the structure above which given covariances are refused. */
const STRUCTURE_TOLERANCE = 1e-3;
/** Relative distance from the structure that is rounding (of the M-step's arithmetic or of a file's digits). */
const ROUNDING = 1e-8;
/** Inner loop of a projection: near its fixed point already; a fixed number of rounds (or until the target stops changing at all) makes it exact to round-off. */
const PROJECTION_LOOP: InnerLoop = { tol: 0, maxIter: 100 };
const STRUCTURE: Record<string, string> = { E: 'equal', V: 'variable', I: 'identity' };

/**
 * W_j in the base's layout: the base's own maximum-likelihood covariances (W_j/n_j, no
 * regularisation, no prior) times n_j, so the centring and cross terms are the base's.
 */
export function scatterMatrices(base: CovarianceModel, args: CovarianceStats): Float64Array {
  const { params, nkEffective } = args;
  const s = base.fromStats({ ...args, ridge: new Float64Array(params.d), prior: null });
  const width = s.length / params.k;
  for (let j = 0; j < params.k; j++) for (let i = 0; i < width; i++) s[j * width + i] *= nkEffective[j];
  return s;
}

/** Inner-loop controls of an iterative M-step: stop when the relative change of its target is at most `tol`, or after `maxIter` rounds. */
export interface InnerLoop {
  readonly tol: number;
  readonly maxIter: number;
  /** Called with the covariances after each round (tests check that each round is an ascent). */
  readonly onRound?: (covariances: Float64Array) => void;
}

/** True when the relative change of the target is at most tol (mclust's |Δ|/(1 + |t|)). */
export function converged(target: number, previous: number, tol: number): boolean {
  return Math.abs(target - previous) / (1 + Math.abs(target)) <= tol;
}

/**
 * The rounds of an inner loop: `round` does one round, writes the covariances into `out` and
 * returns the round's target; stops when the target changes by at most loop.tol relative, is not
 * finite, or after loop.maxIter rounds. Returns `out`.
 */
export function iterate(loop: InnerLoop, out: Float64Array, round: () => number): Float64Array {
  let target = Infinity;
  for (let r = 0; r < loop.maxIter; r++) {
    const next = round();
    loop.onRound?.(out);
    const done = converged(next, target, loop.tol) || !Number.isFinite(next);
    target = next;
    if (done) break;
  }
  return out;
}

/**
 * Celeux & Govaert's fixed point for variable volumes and one shared shape (and orientation),
 * over a base layout of `size` entries per component (diag: D, full: D×D), alternating the two
 * exact block maximisers
 *   S = Σ_j W_j/λ_j / |·|^(1/D),   λ_j = tr(W_j S⁻¹) / (D·n_j),
 * from the volumes `lambda` (updated in place); each round raises the expected complete-data
 * log-likelihood. `volumeOf` gives |S|^(1/D) (not > 0: the round gives NaN), `tracesOf` adds
 * tr(W_j S⁻¹) per component, for the normalised S, into the zeroed `traces`.
 */
export function variableVolumeSharedShape(
  scatter: Float64Array,
  nk: Float64Array,
  lambda: Float64Array,
  k: number,
  d: number,
  loop: InnerLoop,
  size: number,
  volumeOf: (shared: Float64Array) => number,
  tracesOf: (shape: Float64Array, traces: Float64Array) => void,
): Float64Array {
  const shared = new Float64Array(size);
  const traces = new Float64Array(k);
  const out = new Float64Array(k * size);
  return iterate(loop, out, () => {
    shared.fill(0);
    for (let j = 0; j < k; j++) for (let i = 0; i < size; i++) shared[i] += scatter[j * size + i] / lambda[j];
    const g = volumeOf(shared);
    if (!(g > 0)) {
      out.fill(Number.NaN);
      return Number.NaN;
    }
    for (let i = 0; i < size; i++) shared[i] /= g;
    traces.fill(0);
    tracesOf(shared, traces);
    const target = updateVolumes(lambda, traces, nk, d);
    for (let j = 0; j < k; j++) for (let i = 0; i < size; i++) out[j * size + i] = lambda[j] * shared[i];
    return target;
  });
}

/** The exact volumes given shape and orientation, λ_j = t_j/(D·n_j) from t_j = tr(W_j (D A Dᵀ)⁻¹); returns mclust's target D·Σ_j n_j·log λ_j. */
export function updateVolumes(lambda: Float64Array, traces: Float64Array, nk: Float64Array, d: number): number {
  let target = 0;
  for (let j = 0; j < lambda.length; j++) {
    lambda[j] = traces[j] / (d * nk[j]);
    target += d * nk[j] * portableLog(lambda[j]);
  }
  return target;
}

export function sum(v: ArrayLike<number>, off = 0, n = v.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[off + i];
  return s;
}

/** (Π v_i)^(1/n) through logs (0 when an entry is 0; NaN when one is negative). */
export function geometricMean(v: ArrayLike<number>, off: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += portableLog(v[off + i]);
  return portableExp(s / n);
}

/** |A|^(1/d) of a symmetric d×d matrix at off, or 0 when it is not positive definite. */
export function volume(a: Float64Array, off: number, d: number, scratch = new Float64Array(d * d)): number {
  if (!cholesky(a, off, d, scratch, 0)) return 0;
  return portableExp(logDetFromCholesky(scratch, 0, d) / d);
}

/**
 * The volumes λ_j a variable-volume fixed point starts from: `volumeOf(j)`, the previous
 * covariances' |Σ_j|^(1/D), when they are `usable` (warm starts), else 1 (at init, as mclust).
 */
export function startingVolumes(k: number, usable: boolean, volumeOf: (j: number) => number): Float64Array {
  const lambda = new Float64Array(k).fill(1);
  if (usable) for (let j = 0; j < k; j++) lambda[j] = volumeOf(j);
  return lambda;
}

/** True when `previous` holds k positive definite d×d matrices (warm starts need valid parameters, not init's zeros). */
export function allPositiveDefinite(previous: Float64Array, k: number, d: number): boolean {
  if (previous.length !== k * d * d) return false;
  const l = new Float64Array(d * d);
  for (let j = 0; j < k; j++) if (!cholesky(previous, j * d * d, d, l, 0)) return false;
  return true;
}

/** out[off..] = V·diag(a)·Vᵀ for a d×d V (row-major, eigenvectors as columns). */
export function compose(v: Float64Array, vOff: number, a: ArrayLike<number>, aOff: number, scale: number, d: number, out: Float64Array, off: number): void {
  for (let r = 0; r < d; r++)
    for (let c = 0; c <= r; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += v[vOff + r * d + i] * a[aOff + i] * v[vOff + c * d + i];
      out[off + r * d + c] = scale * s;
      out[off + c * d + r] = scale * s;
    }
}

/** diag(Dᵀ·W·D) for the d×d W at wOff into out[outOff..]. */
export function rotatedDiagonal(w: Float64Array, wOff: number, dm: Float64Array, d: number, out: Float64Array, outOff: number): void {
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let r = 0; r < d; r++) {
      const dri = dm[r * d + i];
      if (dri === 0) continue;
      let t = 0;
      for (let c = 0; c < d; c++) t += w[wOff + r * d + c] * dm[c * d + i];
      s += dri * t;
    }
    out[outOff + i] = s;
  }
}

/** The orthogonal Q maximising tr(Qᵀ·G) (orthogonal Procrustes): U·Vᵀ from G = U·S·Vᵀ. */
export function procrustes(g: Float64Array, d: number): Float64Array {
  const { u, v } = svd(g, 0, d, d);
  const q = new Float64Array(d * d);
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += u[r * d + i] * v[c * d + i];
      q[r * d + c] = s;
    }
  return q;
}

/**
 * −½·Σ_j [n_j·log|Σ_j| + tr(Σ_j⁻¹·W_j)] for full covariances (K×D×D) and scatters: the
 * covariance part of the expected complete-data log-likelihood at fixed means. −∞ when a
 * covariance is not positive definite.
 */
export function covarianceObjective(covariances: Float64Array, scatter: Float64Array, nk: ArrayLike<number>, k: number, d: number): number {
  const l = new Float64Array(d * d);
  const col = new Float64Array(d);
  let total = 0;
  for (let j = 0; j < k; j++) {
    const off = j * d * d;
    if (!cholesky(covariances, off, d, l, 0)) return -Infinity;
    // tr(Σ⁻¹W) = Σ_c e_cᵀ L⁻ᵀ L⁻¹ W e_c: solve L·Lᵀ·y = W e_c column by column.
    let trace = 0;
    for (let c = 0; c < d; c++) {
      for (let r = 0; r < d; r++) col[r] = scatter[off + r * d + c];
      for (let r = 0; r < d; r++) {
        let s = col[r];
        for (let i = 0; i < r; i++) s -= l[r * d + i] * col[i];
        col[r] = s / l[r * d + r];
      }
      for (let r = d - 1; r >= 0; r--) {
        let s = col[r];
        for (let i = r + 1; i < d; i++) s -= l[i * d + r] * col[i];
        col[r] = s / l[r * d + r];
      }
      trace += col[c];
    }
    total += -0.5 * (nk[j] * logDetFromCholesky(l, 0, d) + trace);
  }
  return total;
}
