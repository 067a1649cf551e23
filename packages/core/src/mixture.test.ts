import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, logSumExp } from '@emkit/linalg';
import { createDataset } from './dataset.js';
import {
  MixtureBlock,
  SOFT_ASSIGNMENT,
  forEachMixtureBlock,
  mixtureEStep,
  mixtureImpute,
  mixturePredict,
  mixtureResponsibilities,
  mixtureScoreSamples,
  type MixtureDensity,
  type RowAssignment,
} from './mixture.js';

/** A density that reads its log-densities from an N×K table, `blockRows` rows per call at most. */
function tableDensity(table: Float64Array, k: number, blockRows?: number, rule?: RowAssignment): MixtureDensity & { calls: number[] } {
  const calls: number[] = [];
  return {
    k,
    blockRows,
    rule,
    calls,
    weightedLogProbs(first, rows, out) {
      if (blockRows !== undefined) expect(rows).toBeLessThanOrEqual(blockRows);
      calls.push(rows);
      out.set(table.subarray(first * k, (first + rows) * k));
    },
  };
}

/** Hard assignment, as a plugin would supply it: one-hot on the first maximum. */
const HARD: RowAssignment = {
  assign(logProb, k, out) {
    const z = argmax(logProb, 0, k);
    out.fill(0, 0, k);
    out[z] = 1;
    return logProb[z];
  },
};

const logDensity = fc.oneof({ weight: 8, arbitrary: fc.double({ min: -800, max: 50, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(-Infinity) });
/** Rows of K log-densities, each row with at least one finite entry. */
const tables = fc.integer({ min: 1, max: 5 }).chain((k) =>
  fc
    .array(
      fc.array(logDensity, { minLength: k, maxLength: k }).filter((row) => row.some(Number.isFinite)),
      { minLength: 1, maxLength: 40 },
    )
    .map((rows) => ({ k, rows: rows.length, table: Float64Array.from(rows.flat()) })),
);
const blockSizes = fc.integer({ min: 1, max: 9 });

/** What the plugins computed row by row before the helper: the reference. */
function rowByRow(table: Float64Array, rows: number, k: number) {
  const score = new Float64Array(rows);
  const responsibilities = new Float64Array(rows * k);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const lse = logSumExp(table, i * k, k);
    score[i] = lse;
    for (let j = 0; j < k; j++) responsibilities[i * k + j] = Math.exp(table[i * k + j] - lse);
    labels[i] = argmax(table, i * k, k);
  }
  return { score, responsibilities, labels };
}

describe('mixture helper', () => {
  it('scoreSamples, responsibilities and predict are the row-by-row log-sum-exp, bit for bit, whatever the block size', () => {
    fc.assert(
      fc.property(tables, blockSizes, ({ k, rows, table }, blockRows) => {
        const expected = rowByRow(table, rows, k);
        const density = tableDensity(table, k, blockRows);
        expect(mixtureScoreSamples(density, rows)).toEqual(expected.score);
        expect(mixtureResponsibilities(density, rows)).toEqual(expected.responsibilities);
        expect(mixturePredict(density, rows)).toEqual(expected.labels);
      }),
    );
  });

  it('a component at −Infinity gets responsibility 0 and is never predicted; rows sum to 1', () => {
    fc.assert(
      fc.property(tables, ({ k, rows, table }) => {
        const r = mixtureResponsibilities(tableDensity(table, k), rows);
        const labels = mixturePredict(tableDensity(table, k), rows);
        for (let i = 0; i < rows; i++) {
          let sum = 0;
          for (let j = 0; j < k; j++) {
            if (table[i * k + j] === -Infinity) expect(r[i * k + j]).toBe(0);
            expect(r[i * k + j]).toBeGreaterThanOrEqual(0);
            sum += r[i * k + j];
          }
          expect(sum).toBeCloseTo(1, 12);
          expect(table[i * k + labels[i]]).toBeGreaterThan(-Infinity);
        }
      }),
    );
  });

  it('memory stays bounded: the density is asked for blocks of at most blockRows rows, covering every row once', () => {
    const k = 3;
    const rows = 1000;
    const table = new Float64Array(rows * k).map((_, i) => -(i % 7));
    const density = tableDensity(table, k, 64);
    mixtureScoreSamples(density, rows);
    expect(Math.max(...density.calls)).toBe(64);
    expect(density.calls.reduce((a, b) => a + b, 0)).toBe(rows);
  });

  it('the E-step sums w·(objective + offset) row by row in order and hands on w·r, for any block size and range', () => {
    fc.assert(
      fc.property(
        tables,
        blockSizes,
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.nat(),
        fc.nat(),
        ({ k, rows, table }, blockRows, offset, a, b) => {
          const weights = Float64Array.from({ length: rows }, (_, i) => (i % 4 === 1 ? 0 : 0.25 * (1 + (i % 5))));
          const start = a % rows;
          const end = start + 1 + (b % (rows - start));
          // Reference: the loop each plugin had.
          let expected = 1.5;
          const expectedWr = new Float64Array(rows * k);
          for (let i = start; i < end; i++) {
            const w = weights[i];
            if (w === 0) continue;
            const lse = logSumExp(table, i * k, k);
            expected += w * (lse + offset);
            for (let j = 0; j < k; j++) expectedWr[i * k + j] = w * Math.exp(table[i * k + j] - lse);
          }
          const wr = new Float64Array(rows * k);
          const seen: number[] = [];
          const total = mixtureEStep(
            tableDensity(table, k, blockRows),
            weights,
            start,
            end,
            (first, n, block) => {
              for (let q = 0; q < n; q++) seen.push(first + q);
              wr.set(block.responsibilities.subarray(0, n * k), first * k);
            },
            { total: 1.5, offset },
          );
          expect(Object.is(total, expected)).toBe(true);
          expect(wr).toEqual(expectedWr);
          // Every block with a weighted row is handed on once, in order.
          expect(seen).toEqual([...new Set(seen)].sort((x, y) => x - y));
        },
      ),
    );
  });

  it('a block whose rows all have weight 0 is not handed on and adds nothing', () => {
    const table = Float64Array.of(0, -1, -2, -3, 0, 1);
    const calls: number[] = [];
    const total = mixtureEStep(tableDensity(table, 2, 2), Float64Array.of(0, 0, 2), 0, 3, (first) => calls.push(first));
    expect(calls).toEqual([2]);
    expect(total).toBe(2 * logSumExp(table, 4, 2));
  });

  it('a plugin rule replaces the soft one everywhere: hard assignment scores log(π_z p(x | z)) and gives one-hot rows', () => {
    fc.assert(
      fc.property(tables, blockSizes, ({ k, rows, table }, blockRows) => {
        const density = tableDensity(table, k, blockRows, HARD);
        const score = mixtureScoreSamples(density, rows);
        const r = mixtureResponsibilities(density, rows);
        for (let i = 0; i < rows; i++) {
          const z = argmax(table, i * k, k);
          expect(score[i]).toBe(table[i * k + z]);
          for (let j = 0; j < k; j++) expect(r[i * k + j]).toBe(j === z ? 1 : 0);
        }
      }),
    );
  });

  it('a row at −Infinity under every component scores −Infinity (the driver then stops with a FitError)', () => {
    const table = Float64Array.of(-Infinity, -Infinity, 0, -1);
    expect(Array.from(mixtureScoreSamples(tableDensity(table, 2), 2))).toEqual([-Infinity, logSumExp(table, 2, 2)]);
    expect(Array.from(mixturePredict(tableDensity(table, 2), 2))).toEqual([0, 0]);
  });

  it('forEachMixtureBlock visits [start, end) with unweighted responsibilities and objectives; row views alias the block', () => {
    const table = Float64Array.of(0, 0, -1, 0, 0, -1);
    const got: number[] = [];
    forEachMixtureBlock(tableDensity(table, 2, 2), 1, 3, (first, rows, block) => {
      for (let q = 0; q < rows; q++) {
        got.push(first + q, block.objectives[q]);
        expect(block.responsibilityRow(q)[0]).toBe(block.responsibilities[q * 2]);
        expect(block.logProbRow(q)[1]).toBe(table[(first + q) * 2 + 1]);
      }
    });
    expect(got).toEqual([1, logSumExp(table, 2, 2), 2, logSumExp(table, 4, 2)]);
    const one = new MixtureBlock({ k: 2, blockRows: 1 });
    expect(one.rule).toBe(SOFT_ASSIGNMENT);
  });

  it('mixtureImpute hands each row with a missing cell, and only those, its responsibilities; other cells are copied', () => {
    const data = createDataset(Float64Array.of(1, NaN, 2, 3, NaN, 4), 3, 2, { missing: 'nan' });
    const table = Float64Array.of(0, -1, -2, 0, -5, -5);
    const rows: number[] = [];
    const out = mixtureImpute(tableDensity(table, 2, 2), data, (i, r, values) => {
      rows.push(i);
      expect(Array.from(r)).toEqual([Math.exp(table[2 * i] - logSumExp(table, 2 * i, 2)), Math.exp(table[2 * i + 1] - logSumExp(table, 2 * i, 2))]);
      for (let c = 0; c < 2; c++) if (Number.isNaN(values[2 * i + c])) values[2 * i + c] = 10 + i;
    });
    expect(rows).toEqual([0, 2]);
    expect(Array.from(out)).toEqual([1, 10, 2, 3, 12, 4]);
    expect(Number.isNaN(data.values[1])).toBe(true);
  });
});
