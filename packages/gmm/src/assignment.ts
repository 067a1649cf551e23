import { argmax, expNonPositive, logSumExp, portableExp, portableLog } from '@emkit/linalg';

/**
 * How the E-step turns a row's joint log-densities log π_j + log N(x | μ_j, Σ_j) into
 * responsibilities: `soft` is ordinary EM (posterior probabilities); `hard` is classification
 * EM (CEM), each row wholly assigned to its most probable component.
 */
export type Assignment = 'soft' | 'hard';

export const ASSIGNMENTS: readonly Assignment[] = ['soft', 'hard'];

/**
 * The E-step's responsibility rule. It is the only code that differs between soft and hard EM:
 * the M-step estimates weights, means and covariances from whatever responsibilities it is
 * given, so hard EM still estimates all three, from hard assignments.
 */
export interface ResponsibilityRule {
  readonly assignment: Assignment;
  /**
   * Writes the row's responsibilities (summing to 1) into `out[0..k)` from its joint
   * log-densities `logProb[0..k)`, and returns the row's term of the objective the E-step sums:
   *
   * - soft: log p(x) = log Σ_j π_j N(x | j), the mixture log-likelihood EM increases;
   * - hard: log(π_z N(x | z)) with z the most probable component (the lowest index on ties),
   *   the classification log-likelihood that CEM increases. Each CEM step maximises it first
   *   over the labels (this E-step) and then over the parameters (the M-step), so it never
   *   decreases from one E-step to the next (up to the regCovar added to the covariances).
   */
  assign(logProb: Float64Array, k: number, out: Float64Array): number;
}

/** Below this, e^t rounds to 0 (it does from −745.14 on): no need to compute it. */
const EXP_UNDERFLOW = -746;

const soft: ResponsibilityRule = {
  assignment: 'soft',
  assign(logProb, k, out) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (logProb[j] > max) max = logProb[j];
    if (max === -Infinity || max === Infinity) {
      // No finite maximum (every component at zero density, or an infinite one): as logSumExp has it.
      const lse = logSumExp(logProb, 0, k);
      for (let j = 0; j < k; j++) out[j] = portableExp(logProb[j] - lse);
      return lse;
    }
    // One exp per component, reused for the sum and the responsibility; r_j = e_j/Σe is also
    // more accurate than exp(logProb_j − lse), whose subtraction loses the low bits of lse.
    // expNonPositive: the E-step's exp, inlined (linalg/exp.ts); the sum is logSumExp's to 1 ulp.
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const t = logProb[j] - max;
      const e = t < EXP_UNDERFLOW ? 0 : expNonPositive(t);
      out[j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) out[j] /= sum;
    return max + portableLog(sum);
  },
};

const hard: ResponsibilityRule = {
  assignment: 'hard',
  assign(logProb, k, out) {
    // argmax takes the first maximum, so ties go to the lowest index (as k-means' nearest centre).
    const z = argmax(logProb, 0, k);
    out.fill(0, 0, k);
    out[z] = 1;
    return logProb[z];
  },
};

const rules: Readonly<Record<Assignment, ResponsibilityRule>> = { soft, hard };

/** The option string → rule map, consulted once per E-step (as covarianceModel). */
export function responsibilityRule(assignment: Assignment): ResponsibilityRule {
  return rules[assignment];
}
