// The rows of the `pnpm bench` matrix (matrix.mjs). A row says how to fit it with emkit (in
// matrix-case.mjs, in its own process) and with the peer (matrix-peer.py), and how many
// multiply-adds one iteration needs (for the floor). To add a row, add an entry here.
//
//   id        label printed in the matrix (also what BENCH_MATRIX filters on)
//   model     the emkit plugin: 'gmm' | 'kmeans' (add imports in matrix-case.mjs for others)
//   d, k      dimensions and components
//   options   (start, kernels) → the emkit options; `start` is the shared initial parameters
//             (gmm: { weights, means, covariances } in scikit-learn shapes; kmeans: { centers })
//   peer      what matrix-peer.py fits: { kind: 'gmm', covariance } | { kind: 'kmeans', algorithm }
//   madds     (n, d, k) → multiply-adds per iteration (E-step + M-step), for the floor
//   data      'blobs' (well-separated clusters, the default) or 'overlapping' (clusters whose
//             labels keep changing for more than 21 Lloyd iterations: on blobs k-means converges
//             in 2, which leaves no per-iteration time to measure)
const gmmMadds = {
  // (x − μ)·U triangular per component, and the scatter's lower triangle per component
  full: (n, d, k) => n * k * d * (d + 1),
  // (x − c)·U once per row, ‖y − b_j‖² per component; the pooled scatter once per row
  tied: (n, d, k) => n * d * (d + 1) + 3 * n * k * d,
  // ((x − μ)/σ)² per component and coordinate; first and second moments
  diag: (n, d, k) => 3 * n * k * d,
  spherical: (n, d, k) => 3 * n * k * d,
};

function gmmCase(covariance, d, k) {
  return {
    id: `gmm ${covariance} ${d}×${k}`,
    model: 'gmm',
    d,
    k,
    // scikit-learn's ridge, as matrix-peer.py gives it (reg_covar=1e-6, absolute), so both reach the same optimum
    options: (start, kernels) => ({ k, covariance, init: start, kernels, regCovar: 1e-6, regCovarScale: 'none' }),
    peer: { kind: 'gmm', covariance },
    madds: gmmMadds[covariance],
  };
}

function kmeansCase(d, k) {
  return {
    id: `kmeans ${d}×${k}`,
    model: 'kmeans',
    d,
    k,
    // `kernels` is passed on only when the plugin has the option (see matrix-case.mjs).
    options: (start, kernels) => ({ k, init: { centers: start.centers }, kernels }),
    peer: { kind: 'kmeans', algorithm: 'lloyd' },
    data: 'overlapping',
    // distances to every centre, and the centre sums
    madds: (n, d, k) => n * k * d + n * d,
  };
}

export const CASES = [
  ...[
    [8, 8],
    [32, 16],
  ].flatMap(([d, k]) => [...['full', 'tied', 'diag', 'spherical'].map((c) => gmmCase(c, d, k)), kmeansCase(d, k)]),
];

/** The name of a case's data files in the bench directory (data-<name>.f64 / .json). */
export function dataName(spec) {
  return spec.data === 'overlapping' ? `overlapping-${spec.d}` : `${spec.d}`;
}
