// Synthetic data for the benches, the same on every run (seeded).
import { Random } from '@emkit/linalg';

/** Blobs: K well-separated centres (~ N(0, 36) per coordinate), unequal spreads per coordinate (sd 1–3). */
export function blobs(n, d, k, seed) {
  const random = new Random(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => 6 * random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % k][c] + random.nextNormal() * (1 + (c % 3));
  return values;
}

/** Overlapping clusters: centres ~ N(0, 1), noise sd 1–3 by column; Lloyd's labels keep changing for more than 21 iterations. */
export function overlappingClusters(n, d, k, seed) {
  const random = new Random(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => random.nextNormal()));
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) values[i * d + c] = centres[i % k][c] + random.nextNormal() * (1 + (c % 3));
  return values;
}
