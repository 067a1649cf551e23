import { expNonPositive } from '@emkit/linalg';

/**
 * The scaled forward–backward pass of one sequence (Rabiner's scaling, with each row's
 * log-densities shifted by their maximum first), so that sequences of any length neither
 * underflow nor overflow: α̂_t is p(z_t | x_1…t), the scale c_t·e^{m_t} is p(x_t | x_1…t−1),
 * and log p(x_1…T) = Σ_t (log c_t + m_t).
 *
 * One workspace per shard; its arrays grow to the longest sequence seen, never per row.
 */
export class ForwardBackward {
  /** T×K log p(x_t | z_t = j), filled by the caller before `forward`. */
  logDensities = new Float64Array(0);
  /** T×K normalised forward variables α̂_t(j) = p(z_t = j | x_1…t). */
  private alpha = new Float64Array(0);
  /** T×K scaled backward variables; after `backward`, the posteriors γ_t(j) = p(z_t = j | x_1…T). */
  private beta = new Float64Array(0);
  /** T×K e^{log p(x_t | j) − m_t} for states with predicted mass, 0 elsewhere. */
  private scaledDensities = new Float64Array(0);
  /** T: c_t. */
  private scales = new Float64Array(0);
  /** T: log p(x_t | x_1…t−1) = log c_t + m_t. */
  private rowLog = new Float64Array(0);
  private readonly predicted: Float64Array;
  private readonly carried: Float64Array;
  private capacity = 0;

  constructor(readonly k: number) {
    this.predicted = new Float64Array(k);
    this.carried = new Float64Array(k);
  }

  /** Makes room for a sequence of T rows. */
  reserve(t: number): void {
    if (t <= this.capacity) return;
    const capacity = Math.max(t, 2 * this.capacity);
    const k = this.k;
    this.logDensities = new Float64Array(capacity * k);
    this.alpha = new Float64Array(capacity * k);
    this.beta = new Float64Array(capacity * k);
    this.scaledDensities = new Float64Array(capacity * k);
    this.scales = new Float64Array(capacity);
    this.rowLog = new Float64Array(capacity);
    this.capacity = capacity;
  }

  /** log p(x_t | x_1…t−1) of the last forward pass, t < T. */
  get conditionalLogLikelihoods(): Float64Array {
    return this.rowLog;
  }

  /** γ after `backward`: T×K row-major. */
  get posteriors(): Float64Array {
    return this.beta;
  }

  /**
   * The forward pass over T rows whose log-densities are in `logDensities`; returns
   * log p(x_1…T), −Infinity when some row has zero density under every state it can be in.
   */
  forward(start: Float64Array, transitions: Float64Array, t: number): number {
    const { k, logDensities, alpha, scaledDensities, scales, rowLog, predicted } = this;
    let logLikelihood = 0;
    for (let s = 0; s < t; s++) {
      if (s === 0) predicted.set(start);
      else {
        // predicted = α̂_{t−1}·A, as a sum of scaled rows of A (contiguous reads).
        predicted.fill(0);
        for (let i = 0; i < k; i++) {
          const a = alpha[(s - 1) * k + i];
          if (a !== 0) for (let j = 0; j < k; j++) predicted[j] += a * transitions[i * k + j];
        }
      }
      // Shift by the largest log-density among the states the chain can be in, so the largest
      // scaled density is 1 and the scale c_t ≥ that state's predicted mass > 0.
      let shift = -Infinity;
      for (let j = 0; j < k; j++) if (predicted[j] > 0 && logDensities[s * k + j] > shift) shift = logDensities[s * k + j];
      if (shift === -Infinity) {
        rowLog.fill(-Infinity, s, t);
        return -Infinity;
      }
      let scale = 0;
      for (let j = 0; j < k; j++) {
        const b = predicted[j] > 0 ? expNonPositive(logDensities[s * k + j] - shift) : 0;
        scaledDensities[s * k + j] = b;
        const a = predicted[j] * b;
        alpha[s * k + j] = a;
        scale += a;
      }
      for (let j = 0; j < k; j++) alpha[s * k + j] /= scale;
      scales[s] = scale;
      rowLog[s] = Math.log(scale) + shift;
      logLikelihood += rowLog[s];
    }
    return logLikelihood;
  }

  /**
   * The backward pass after `forward`: leaves the posteriors γ_t in `posteriors` and, when
   * `counts` is given, adds Σ_t ξ_t(i, j) = Σ_t p(z_t = i, z_{t+1} = j | x) into
   * counts[countsOff + i·K + j].
   */
  backward(transitions: Float64Array, t: number, counts: Float64Array | null, countsOff = 0): void {
    const { k, alpha, beta, scaledDensities, scales, carried } = this;
    for (let j = 0; j < k; j++) beta[(t - 1) * k + j] = 1;
    for (let s = t - 2; s >= 0; s--) {
      const next = (s + 1) * k;
      const inverseScale = 1 / scales[s + 1];
      for (let j = 0; j < k; j++) carried[j] = scaledDensities[next + j] * beta[next + j] * inverseScale;
      for (let i = 0; i < k; i++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += transitions[i * k + j] * carried[j];
        beta[s * k + i] = sum;
        const a = alpha[s * k + i];
        if (counts !== null && a !== 0) for (let j = 0; j < k; j++) counts[countsOff + i * k + j] += a * transitions[i * k + j] * carried[j];
      }
    }
    for (let i = 0; i < t * k; i++) beta[i] *= alpha[i];
  }
}

/**
 * The most probable state path of one sequence (Viterbi, in log space): states[0…T) from the
 * log-densities (T×K). Ties go to the lowest state number.
 */
export function viterbiPath(start: Float64Array, transitions: Float64Array, logDensities: Float64Array, t: number, k: number, states: Int32Array, statesOff: number): number {
  const logStart = start.map(Math.log);
  const logTransitions = transitions.map(Math.log);
  let delta = new Float64Array(k);
  let next = new Float64Array(k);
  const back = new Int32Array(t * k);
  for (let j = 0; j < k; j++) delta[j] = logStart[j] + logDensities[j];
  for (let s = 1; s < t; s++) {
    for (let j = 0; j < k; j++) {
      let best = -Infinity;
      let from = 0;
      for (let i = 0; i < k; i++) {
        const v = delta[i] + logTransitions[i * k + j];
        if (v > best) {
          best = v;
          from = i;
        }
      }
      next[j] = best + logDensities[s * k + j];
      back[s * k + j] = from;
    }
    [delta, next] = [next, delta];
  }
  let last = 0;
  for (let j = 1; j < k; j++) if (delta[j] > delta[last]) last = j;
  const best = delta[last];
  for (let s = t - 1; s >= 0; s--) {
    states[statesOff + s] = last;
    last = back[s * k + last];
  }
  return best;
}
