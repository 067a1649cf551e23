import { inverse } from '@emkit/linalg';

/**
 * What a fitted (or half-fitted) model can show, as plain data rather than UI code: a user
 * interface draws whatever a plugin describes here, so a third-party plugin gets a view without
 * code in the UI, and the UI never switches on a model's name. Every part is optional; all
 * arrays are structured-cloneable, so a worker can send the description to the page.
 */
export interface ModelView {
  /** K components at locations in data space (means, centres, probabilities, rates). */
  readonly components: ComponentsView | null;
  /** Each component's location drawn as a width×height image (e.g. Bernoulli pixel probabilities). */
  readonly images: ImagesView | null;
  /** A continuous latent space: columns of `predictTable` that are coordinates to scatter. */
  readonly latent: LatentView | null;
  /** A model trained by many small steps rather than stepped E and M for people to watch. */
  readonly training: TrainingView | null;
  /** What `emkit predict` writes per row: component labels, or `predictTable`'s columns. */
  readonly rowOutput: RowOutputView;
}

export interface ComponentsView {
  /** K. */
  readonly count: number;
  /** D, the data columns each location has. */
  readonly dims: number;
  /** What a location is, for legends and tooltips: 'mean', 'centre', 'P(x = 1)', 'rate'. */
  readonly locationName: string;
  /** K×D row-major. */
  readonly locations: Float64Array;
  /** Mixing weights (K), or null for models without them (k-means). */
  readonly weights: Float64Array | null;
  /**
   * Each component's D×D covariance (K×D×D row-major) in data space, or null: a UI draws the
   * 2-D marginal of any two columns as ellipses.
   */
  readonly covariances: Float64Array | null;
  /** The model assigns each row to one component (hard 0/1 responsibilities). */
  readonly hard: boolean;
}

export interface ImagesView {
  readonly width: number;
  readonly height: number;
  /** The value range the pixels live in (probabilities: [0, 1]). */
  readonly min: number;
  readonly max: number;
}

export interface LatentView {
  /** The latent dimension L. */
  readonly dims: number;
  /** `predictTable` columns holding the latent coordinates, in order (z0, z1, …). */
  readonly columns: readonly string[];
  /** For titles: 'encoder means μ(x)'. */
  readonly description: string;
}

export interface TrainingView {
  /** The unit of progress ('epoch') and the objective reported per unit ('ELBO per row'). */
  readonly unit: string;
  readonly objective: string;
  /** The objective after each finished unit so far. */
  readonly values: readonly number[];
  /** Units planned in all. */
  readonly planned: number;
}

export type RowOutputView = { readonly kind: 'labels' } | { readonly kind: 'table'; readonly columns: readonly string[]; readonly description: string };

/** A view with nothing in it but labels as the row output; plugins spread it and set what they have. */
export const EMPTY_VIEW: ModelView = { components: null, images: null, latent: null, training: null, rowOutput: { kind: 'labels' } };

/**
 * Width × height of D pixels for an image view: a square when D is a perfect square (784 → 28×28),
 * else the most nearly square factorisation (20 → 5×4), else one row.
 */
export function imageShape(d: number): { width: number; height: number } {
  for (let h = Math.floor(Math.sqrt(d)); h >= 2; h--) if (d % h === 0) return { width: d / h, height: h };
  return { width: d, height: 1 };
}

/** The 2-D marginal [σ_aa, σ_ab, σ_bb] of component j's covariance over columns a and b. */
export function marginalCovariance(view: ComponentsView, j: number, a: number, b: number): [number, number, number] | null {
  if (view.covariances === null) return null;
  const d = view.dims;
  const base = j * d * d;
  return [view.covariances[base + a * d + a], view.covariances[base + a * d + b], view.covariances[base + b * d + b]];
}

/**
 * K full D×D covariances from a D×D precision form known only through its quadratic form
 * q(v) = vᵀ Σ⁻¹ v (for a model whose covariance layout the caller does not know): Σ⁻¹ by
 * polarisation, q(eₐ + e_b) = Pₐₐ + P_bb + 2Pₐ_b, then inverted (LU).
 * `quadratic(j, v)` must return q for component j.
 */
export function covariancesFromQuadraticForm(k: number, d: number, quadratic: (j: number, v: Float64Array) => number): Float64Array {
  const out = new Float64Array(k * d * d);
  const v = new Float64Array(d);
  const p = new Float64Array(d * d);
  for (let j = 0; j < k; j++) {
    for (let a = 0; a < d; a++) {
      v.fill(0);
      v[a] = 1;
      p[a * d + a] = quadratic(j, v);
    }
    for (let a = 0; a < d; a++)
      for (let b = a + 1; b < d; b++) {
        v.fill(0);
        v[a] = 1;
        v[b] = 1;
        const pab = (quadratic(j, v) - p[a * d + a] - p[b * d + b]) / 2;
        p[a * d + b] = pab;
        p[b * d + a] = pab;
      }
    out.set(inverse(p, 0, d), j * d * d);
  }
  return out;
}
