import { symmetricEigen } from '@emkit/linalg';
import { allPositiveDefinite, compose, geometricMean, iterate, procrustes, rotatedDiagonal, updateVolumes, volume, type InnerLoop } from './constrained.js';

/**
 * The most MM rounds an EVE or VVE M-step takes. Each round raises the expected complete-data
 * log-likelihood and the next M-step starts from where this one stopped, so a capped M-step is a
 * generalised EM step: EM still climbs, to the same stationary points. Where the loop converges
 * it takes 12–17 rounds on the peer bench's data (so the cap seldom binds); where it crawls —
 * wine, EVE, K = 6, nearly degenerate components — it ran to its old cap of 500 in up to 995
 * M-steps of a restart, and one restart took 176 s; capped at 20 it takes 9 s and ends at the
 * same log-likelihood (gmm's README has the measurements).
 */
export const ORIENTATION_ROUNDS = 20;

/**
 * The M-step of the models with one shared orientation D and per-component shapes A_j
 * (|A_j| = 1): EVE (one volume λ) and VVE (volumes λ_j). Σ_j = λ_j·D·A_j·Dᵀ. Minimises
 * Σ_j [tr(W_j·D·A_j⁻¹·Dᵀ)/λ_j + D·n_j·log λ_j] by rounds of (Browne & McNicholas 2014):
 *
 * 1. MM on D with W_j ⪯ ω_j·I (ω_j the largest eigenvalue of W_j): D ← the orthogonal Procrustes
 *    solution of G = Σ_j (ω_j·I − W_j)·D·C_j, C_j = A_j⁻¹/λ_j;
 * 2. MM on D with C_j ⪯ c_j·I (c_j = max C_j): D ← Procrustes of G = Σ_j W_j·D·(c_j·I − C_j);
 *    then one sweep of exact rotations of D in each coordinate plane (Jacobi-style; see
 *    rotationSweep). The MM steps alone crawl when W_j's eigenvalues differ by orders of
 *    magnitude (the majorisers are loose); the sweep is exact per plane and converges fast;
 *    every step still lowers the objective;
 * 3. A_j = diag(Dᵀ W_j D) / |·|^(1/D) (exact);
 * 4. λ = Σ_j tr(Dᵀ W_j D A_j⁻¹) / (D·n) (EVE) or λ_j = tr(Dᵀ W_j D A_j⁻¹) / (D·n_j) (VVE) (exact).
 *
 * Each step does not raise the objective (MM steps majorise it), so every round is an ascent of
 * the expected complete-data log-likelihood. (mclust's mseve/msvve do the same two MM steps,
 * with D transposed; the sign of D's columns does not change Σ_j.) Starts from the current
 * parameters — D from the eigenvectors of Σ_j Σ_j/|Σ_j|^(1/D), A_j and λ_j from Dᵀ Σ_j D — or
 * at init from D = I, A_j = I, λ_j = 1 as mclust does.
 */
export function commonOrientationEstimate(
  scatter: Float64Array,
  nk: Float64Array,
  previous: Float64Array,
  k: number,
  d: number,
  variableVolume: boolean,
  loop: InnerLoop,
): Float64Array {
  const dd = d * d;
  let orientation: Float64Array = new Float64Array(dd);
  const shapes = new Float64Array(k * d).fill(1);
  const lambda = new Float64Array(k).fill(1);
  const rotated = new Float64Array(d);
  if (allPositiveDefinite(previous, k, d)) {
    const normalised = new Float64Array(dd);
    for (let j = 0; j < k; j++) {
      const v = volume(previous, j * dd, d);
      lambda[j] = v;
      for (let i = 0; i < dd; i++) normalised[i] += previous[j * dd + i] / v;
    }
    orientation = symmetricEigen(normalised, 0, d).vectors;
    for (let j = 0; j < k; j++) {
      rotatedDiagonal(previous, j * dd, orientation, d, shapes, j * d);
      const g = geometricMean(shapes, j * d, d);
      for (let i = 0; i < d; i++) shapes[j * d + i] /= g;
    }
    if (!variableVolume) lambda.fill(1);
  } else for (let i = 0; i < d; i++) orientation[i * d + i] = 1;

  const largest = Float64Array.from({ length: k }, (_, j) => symmetricEigen(scatter, j * dd, d).values[d - 1]);
  const g = new Float64Array(dd);
  const wd = new Float64Array(dd);
  const out = new Float64Array(k * dd);
  const n = nk.reduce((a, b) => a + b, 0);
  const traces = new Float64Array(k);
  return iterate(loop, out, () => {
    // 1. MM with W_j ⪯ ω_j I: G = Σ_j (ω_j·D − W_j·D)·C_j.
    g.fill(0);
    for (let j = 0; j < k; j++) {
      multiply(scatter, j * dd, orientation, d, wd);
      for (let r = 0; r < d; r++)
        for (let c = 0; c < d; c++) g[r * d + c] += (largest[j] * orientation[r * d + c] - wd[r * d + c]) / (lambda[j] * shapes[j * d + c]);
    }
    orientation = procrustes(g, d);
    // 2. MM with C_j ⪯ c_j I: G = Σ_j W_j·D·(c_j·I − C_j).
    g.fill(0);
    for (let j = 0; j < k; j++) {
      multiply(scatter, j * dd, orientation, d, wd);
      let top = 0;
      for (let c = 0; c < d; c++) top = Math.max(top, 1 / (lambda[j] * shapes[j * d + c]));
      for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) g[r * d + c] += wd[r * d + c] * (top - 1 / (lambda[j] * shapes[j * d + c]));
    }
    orientation = procrustes(g, d);
    // 2b. One sweep of exact plane rotations of D (each a block maximiser, so also an ascent).
    rotationSweep(scatter, orientation, shapes, lambda, k, d);
    // 3–4. Shapes and volumes, exact given D.
    traces.fill(0);
    for (let j = 0; j < k; j++) {
      rotatedDiagonal(scatter, j * dd, orientation, d, rotated, 0);
      const gm = geometricMean(rotated, 0, d);
      for (let i = 0; i < d; i++) {
        shapes[j * d + i] = rotated[i] / gm;
        traces[j] += rotated[i] / shapes[j * d + i];
      }
    }
    let target: number;
    if (variableVolume) target = updateVolumes(lambda, traces, nk, d);
    else {
      // mclust's EVE target: Σ_j tr(Dᵀ W_j D A_j⁻¹), λ = that / (D·n).
      target = traces.reduce((a, b) => a + b, 0);
      lambda.fill(target / (d * n));
    }
    for (let j = 0; j < k; j++) compose(orientation, 0, shapes, j * d, lambda[j], d, out, j * dd);
    return target;
  });
}

/**
 * For each pair of columns p < q of D, rotates them by the angle that minimises
 * Σ_j tr(W_j·D·A_j⁻¹·Dᵀ)/λ_j over that plane. With s = d_·ᵀ W_j d_· the objective is
 * const + α·cos 2θ + β·sin 2θ, α = Σ_j ½(s_pp − s_qq)(1/a_jp − 1/a_jq)/λ_j,
 * β = Σ_j s_pq (1/a_jp − 1/a_jq)/λ_j, least at 2θ = atan2(−β, −α).
 *
 * The s come from M_j = Dᵀ W_j D, made once per sweep (O(K·D³)) and then turned with D by each
 * plane rotation (Gᵀ M_j G touches rows and columns p and q only: O(K·D) a rotation), so a sweep
 * costs O(K·D³) rather than the O(K·D⁴) of forming W_j·d_p afresh for every pair.
 */
function rotationSweep(scatter: Float64Array, dm: Float64Array, shapes: Float64Array, lambda: Float64Array, k: number, d: number): void {
  const dd = d * d;
  const rotatedScatter = new Float64Array(k * dd);
  const wd = new Float64Array(dd);
  for (let j = 0; j < k; j++) {
    multiply(scatter, j * dd, dm, d, wd);
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += dm[i * d + r] * wd[i * d + c];
        rotatedScatter[j * dd + r * d + c] = s;
      }
  }
  for (let p = 0; p < d - 1; p++)
    for (let q = p + 1; q < d; q++) {
      let alpha = 0;
      let beta = 0;
      for (let j = 0; j < k; j++) {
        const m = j * dd;
        const diff = (1 / shapes[j * d + p] - 1 / shapes[j * d + q]) / lambda[j];
        alpha += 0.5 * (rotatedScatter[m + p * d + p] - rotatedScatter[m + q * d + q]) * diff;
        beta += rotatedScatter[m + p * d + q] * diff;
      }
      const rotation = halfAngle(-alpha, -beta);
      if (rotation === null) continue;
      const [cos, sin] = rotation;
      // D's columns p, q; then M_j ← Gᵀ M_j G: its columns p, q as D's, then its rows p, q.
      rotatePair(dm, p, q, d, d, cos, sin);
      for (let j = 0; j < k; j++) {
        const m = j * dd;
        rotatePair(rotatedScatter, m + p, m + q, d, d, cos, sin);
        rotatePair(rotatedScatter, m + p * d, m + q * d, 1, d, cos, sin);
      }
    }
}

/**
 * Two lines of n entries `step` apart, starting at atP and atQ (two columns of a row-major d×d
 * matrix: step d; two rows: step 1) ← (cos·u + sin·v, −sin·u + cos·v).
 */
function rotatePair(matrix: Float64Array, atP: number, atQ: number, step: number, n: number, cos: number, sin: number): void {
  for (let i = 0; i < n; i++) {
    const a = matrix[atP + i * step];
    const b = matrix[atQ + i * step];
    matrix[atP + i * step] = cos * a + sin * b;
    matrix[atQ + i * step] = -sin * a + cos * b;
  }
}

/** out = W·D for the d×d W at wOff. */
function multiply(w: Float64Array, wOff: number, dm: Float64Array, d: number, out: Float64Array): void {
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += w[wOff + r * d + i] * dm[i * d + c];
      out[r * d + c] = s;
    }
}

/**
 * cos θ and sin θ for θ = ½·atan2(y, x) ∈ (−π/2, π/2], from cos 2θ = x/r and sin 2θ = y/r by the
 * half-angle formulas, each from the larger of 1 ± cos 2θ so that neither cancels. Square roots
 * and divisions only: the same bits in every engine (Math.atan2, Math.cos and Math.sin differ in
 * the last bit between Node and Chromium). Null when x = y = 0 (no rotation is better).
 */
export function halfAngle(x: number, y: number): [number, number] | null {
  const scale = Math.max(Math.abs(x), Math.abs(y));
  if (!(scale > 0) || !Number.isFinite(scale)) return null;
  const xs = x / scale;
  const ys = y / scale;
  const r = Math.sqrt(xs * xs + ys * ys);
  const c2 = xs / r;
  const s2 = ys / r;
  if (c2 >= 0) {
    const cos = Math.sqrt(0.5 * (1 + c2));
    return [cos, s2 / (2 * cos)];
  }
  // 2θ in the left half-plane: θ near ±π/2, its sign y's (atan2(±0, x < 0) = ±π).
  const sin = (s2 < 0 || Object.is(s2, -0) ? -1 : 1) * Math.sqrt(0.5 * (1 - c2));
  return [s2 / (2 * sin), sin];
}
