/**
 * ln Γ for the normalising constants of the priors' densities (positive arguments only).
 * Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): about 15 significant digits.
 */
import { portableLog } from '@emkit/linalg';
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function lnGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 0.5) return lnGamma(x + 1) - portableLog(x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * portableLog(2 * Math.PI) + (z + 0.5) * portableLog(t) - t + portableLog(a);
}

/** ln Γ_D(a) = D(D − 1)/4 · ln π + Σ_{i=1..D} ln Γ(a + (1 − i)/2). */
export function lnMultivariateGamma(a: number, d: number): number {
  let s = (d * (d - 1) * portableLog(Math.PI)) / 4;
  for (let i = 1; i <= d; i++) s += lnGamma(a + (1 - i) / 2);
  return s;
}
