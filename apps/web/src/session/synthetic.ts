import { createDataset, type Dataset } from '@emkit/core';
import { Random } from '@emkit/linalg';

/** Data sets the page generates (seeded, so every visitor gets the same rows). */
export const SYNTHETIC = {
  'blobs-100k': '100 000 rows: four Gaussian blobs (for responsiveness)',
  'binary-2k': '2 000 rows × 6 columns of 0/1 (for the Bernoulli mixture)',
  'counts-600': '600 rows × 2 columns of counts from three Poisson components (for the Poisson-mixture plugin)',
} as const;

export type SyntheticName = keyof typeof SYNTHETIC;

/** Four 2-D Gaussian blobs of different shapes: mean, Cholesky factor [l11, l21, l22] and weight. */
const BLOBS: readonly { mean: [number, number]; chol: [number, number, number]; weight: number }[] = [
  { mean: [-4, -2], chol: [1.2, 0.0, 0.5], weight: 0.35 },
  { mean: [3, -3], chol: [0.6, 0.5, 0.8], weight: 0.25 },
  { mean: [0, 4], chol: [1.0, -0.7, 0.6], weight: 0.25 },
  { mean: [5, 3], chol: [0.4, 0.0, 0.4], weight: 0.15 },
];

function blobs(rows: number, random: Random): Dataset {
  const values = new Float64Array(rows * 2);
  const weights = BLOBS.map((b) => b.weight);
  for (let i = 0; i < rows; i++) {
    const b = BLOBS[random.nextWeighted(weights, 0, weights.length)];
    const z1 = random.nextNormal();
    const z2 = random.nextNormal();
    values[2 * i] = b.mean[0] + b.chol[0] * z1;
    values[2 * i + 1] = b.mean[1] + b.chol[1] * z1 + b.chol[2] * z2;
  }
  return createDataset(values, rows, 2, { columns: ['x', 'y'], source: 'blobs-100k' });
}

/** Three prototypes of six binary features, each bit kept with probability 0.85. */
const PROTOTYPES = [
  [1, 1, 1, 0, 0, 0],
  [0, 0, 1, 1, 1, 0],
  [1, 0, 0, 0, 1, 1],
];

function binary(rows: number, random: Random): Dataset {
  const d = PROTOTYPES[0].length;
  const values = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    const p = PROTOTYPES[random.nextInt(PROTOTYPES.length)];
    for (let c = 0; c < d; c++) values[i * d + c] = random.next() < 0.85 ? p[c] : 1 - p[c];
  }
  return createDataset(values, rows, d, { columns: PROTOTYPES[0].map((_, c) => `f${c + 1}`), source: 'binary-2k' });
}

/** Three components of independent Poisson counts: rates per column and weight. */
const POISSON = [
  { rates: [2, 3], weight: 0.4 },
  { rates: [12, 4], weight: 0.35 },
  { rates: [6, 15], weight: 0.25 },
];

/** A Poisson draw by inversion of the CDF (rates here are small). */
function poisson(rate: number, random: Random): number {
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  const u = random.next();
  while (u > cdf && k < 1000) {
    k++;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

function counts(rows: number, random: Random): Dataset {
  const values = new Float64Array(rows * 2);
  const weights = POISSON.map((c) => c.weight);
  for (let i = 0; i < rows; i++) {
    const c = POISSON[random.nextWeighted(weights, 0, weights.length)];
    values[2 * i] = poisson(c.rates[0], random);
    values[2 * i + 1] = poisson(c.rates[1], random);
  }
  return createDataset(values, rows, 2, { columns: ['a', 'b'], source: 'counts-600' });
}

export function syntheticDataset(name: SyntheticName): Dataset {
  switch (name) {
    case 'blobs-100k':
      return blobs(100_000, new Random(7));
    case 'binary-2k':
      return binary(2_000, new Random(11));
    case 'counts-600':
      return counts(600, new Random(13));
  }
}
