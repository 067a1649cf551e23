import { InputError, ModelFileError, readFiniteNumber, readMatrix, type Dataset } from '@emkit/core';
import type { Random } from '@emkit/linalg';
import type { EmissionEvaluator, EmissionModel } from './emission.js';
import { isFrozen } from './options.js';
import type { CategoricalEmission, Emission, HmmParams } from './params.js';
import { normalisedRows } from './probabilities.js';

function categoricalOf(params: HmmParams): CategoricalEmission {
  return params.emission as CategoricalEmission;
}

/** The symbol in row i of one-column data, checked to be an integer in [0, symbols). */
export function symbolAt(values: Float64Array, i: number, symbols: number): number {
  const x = values[i];
  if (!Number.isInteger(x) || x < 0 || x >= symbols)
    throw new InputError({ file: 'data', detail: `row ${i + 1}, column 1 is ${x}; categorical emissions need integer symbols 0…${symbols - 1} (the model's symbols)` });
  return x;
}

/**
 * Categorical emissions over integer symbols 0…M−1 in a single column. The statistics are the
 * expected counts of each symbol in each state (K×M).
 */
export const categoricalEmissionModel: EmissionModel = {
  kind: 'categorical',

  statsLength(params) {
    return params.k * categoricalOf(params).symbols;
  },

  evaluator(params): EmissionEvaluator {
    const { k } = params;
    const { symbols, probabilities } = categoricalOf(params);
    if (params.d !== 1) throw new InputError({ file: 'data', detail: `has ${params.d} columns; categorical emissions read one column of integer symbols` });
    const logProbabilities = probabilities.map(Math.log);
    return {
      logDensities(values, row, rows, out, outOff) {
        for (let q = 0; q < rows; q++) {
          const m = symbolAt(values, row + q, symbols);
          for (let j = 0; j < k; j++) out[outOff + q * k + j] = logProbabilities[j * symbols + m];
        }
      },
      accumulate(stats, values, row, rows, gamma, gammaOff) {
        for (let q = 0; q < rows; q++) {
          const m = values[row + q];
          for (let j = 0; j < k; j++) stats[j * symbols + m] += gamma[gammaOff + q * k + j];
        }
      },
    };
  },

  estimate(params, stats, options) {
    const emission = categoricalOf(params);
    if (isFrozen(options.freeze, 'emissions')) return emission;
    const { k } = params;
    const { symbols } = emission;
    const probabilities = new Float64Array(k * symbols);
    for (let j = 0; j < k; j++) {
      let total = 0;
      for (let m = 0; m < symbols; m++) total += stats[j * symbols + m];
      // A state that explains no row keeps its emission probabilities.
      for (let m = 0; m < symbols; m++)
        probabilities[j * symbols + m] = total > 0 ? stats[j * symbols + m] / total : emission.probabilities[j * symbols + m];
    }
    return { kind: 'categorical', symbols, probabilities };
  },

  init(data: Dataset, options, random: Random) {
    if (data.cols !== 1) throw new InputError({ file: 'data', detail: `has ${data.cols} columns; categorical emissions read one column of integer symbols 0…M−1` });
    let largest = 0;
    for (let i = 0; i < data.rows; i++) largest = Math.max(largest, symbolAt(data.values, i, options.symbols ?? Number.MAX_SAFE_INTEGER));
    const symbols = options.symbols ?? largest + 1;
    const { k } = options;
    const given = options.init?.emissionProbabilities;
    if (given !== undefined) {
      const matrix = readMatrix(given, 'init.emissionProbabilities', k, symbols, 'option');
      return { kind: 'categorical', symbols, probabilities: normalisedRows(matrix.values, k, symbols, 'init.emissionProbabilities', 'option', 1e-6) };
    }
    // Symbol frequencies, perturbed per state so that the states differ.
    const counts = new Float64Array(symbols);
    for (let i = 0; i < data.rows; i++) counts[data.values[i]] += 1;
    const probabilities = new Float64Array(k * symbols);
    for (let j = 0; j < k; j++) {
      let total = 0;
      for (let m = 0; m < symbols; m++) total += probabilities[j * symbols + m] = (counts[m] + 1e-3) * (0.5 + random.next());
      for (let m = 0; m < symbols; m++) probabilities[j * symbols + m] /= total;
    }
    return { kind: 'categorical', symbols, probabilities };
  },

  parameterCount(params, options) {
    return isFrozen(options.freeze, 'emissions') ? 0 : params.k * (categoricalOf(params).symbols - 1);
  },

  sample(params, j, random, out, off) {
    const { symbols, probabilities } = categoricalOf(params);
    out[off] = random.nextWeighted(probabilities, j * symbols, symbols);
  },

  toJSON(emission: Emission) {
    const { symbols, probabilities } = emission as CategoricalEmission;
    const rows: number[][] = [];
    for (let j = 0; j < probabilities.length / symbols; j++) rows.push(Array.from(probabilities.subarray(j * symbols, (j + 1) * symbols)));
    return { symbols, emissionProbabilities: rows };
  },

  fromJSON(json, k) {
    const symbols = readFiniteNumber(json.symbols, 'symbols');
    if (!Number.isInteger(symbols) || symbols < 1) throw new ModelFileError({ field: 'symbols', detail: `expected an integer ≥ 1, got ${symbols}` });
    const matrix = readMatrix(json.emissionProbabilities, 'emissionProbabilities', k, symbols);
    const probabilities = normalisedRows(matrix.values, k, symbols, 'emissionProbabilities', 'model-file', 1e-3);
    return { emission: { kind: 'categorical', symbols, probabilities }, d: 1, options: { symbols } };
  },
};

