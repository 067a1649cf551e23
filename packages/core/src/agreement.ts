/**
 * How well a clustering agrees with ground-truth labels: the adjusted Rand index, normalised
 * mutual information (arithmetic mean of the entropies, scikit-learn's default) and the
 * confusion table of components against labels. Computed as scikit-learn computes them, with
 * the same limit cases, so the numbers can be compared with its `adjusted_rand_score` and
 * `normalized_mutual_info_score`.
 */
export interface LabelAgreement {
  readonly adjustedRandIndex: number;
  readonly normalizedMutualInformation: number;
  /** The distinct labels, in natural order ("2" before "10"): the table's columns. */
  readonly labels: readonly string[];
  /** The components 0..K−1: the table's rows. */
  readonly components: number;
  /** confusion[k][l]: rows assigned to component k whose label is labels[l]. */
  readonly confusion: readonly (readonly number[])[];
}

/**
 * Agreement of `assignments` (a component per row, 0..components−1) with `truth` (a label per
 * row). `components` fixes the number of table rows, so empty components are shown too.
 */
export function labelAgreement(assignments: ArrayLike<number>, truth: readonly string[], components?: number): LabelAgreement {
  const n = truth.length;
  if (assignments.length !== n) throw new RangeError(`labelAgreement: ${assignments.length} assignments for ${n} labels`);
  const labels = [...new Set(truth)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const labelIndex = new Map(labels.map((l, j) => [l, j]));
  let k = components ?? 0;
  for (let i = 0; i < n; i++) k = Math.max(k, assignments[i] + 1);
  const confusion = Array.from({ length: k }, () => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < n; i++) confusion[assignments[i]][labelIndex.get(truth[i])!]++;
  const rowSums = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = labels.map((_, j) => confusion.reduce((a, row) => a + row[j], 0));
  return {
    adjustedRandIndex: adjustedRand(confusion, rowSums, colSums, n),
    normalizedMutualInformation: normalizedMutualInformation(confusion, rowSums, colSums, n),
    labels,
    components: k,
    confusion,
  };
}

/** scikit-learn's pair-confusion form: 1 when the two partitions are identical as partitions. */
function adjustedRand(table: number[][], rowSums: number[], colSums: number[], n: number): number {
  let sumSquares = 0;
  for (const row of table) for (const x of row) sumSquares += x * x;
  const rowSquares = rowSums.reduce((a, x) => a + x * x, 0);
  const colSquares = colSums.reduce((a, x) => a + x * x, 0);
  const tp = sumSquares - n;
  const fp = rowSquares - sumSquares;
  const fn = colSquares - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

function entropy(counts: readonly number[], n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

function normalizedMutualInformation(table: number[][], rowSums: number[], colSums: number[], n: number): number {
  const usedRows = rowSums.filter((x) => x > 0).length;
  const usedCols = colSums.filter((x) => x > 0).length;
  // Both partitions a single block (or both empty): a perfect match, as in scikit-learn.
  if ((usedRows === 1 && usedCols === 1) || (usedRows === 0 && usedCols === 0)) return 1;
  let mi = 0;
  for (let a = 0; a < table.length; a++)
    for (let b = 0; b < colSums.length; b++) {
      const c = table[a][b];
      if (c > 0) mi += (c / n) * (Math.log(c) + Math.log(n) - Math.log(rowSums[a]) - Math.log(colSums[b]));
    }
  if (mi <= 0) return 0;
  const normaliser = Math.max((entropy(rowSums, n) + entropy(colSums, n)) / 2, Number.EPSILON);
  return mi / normaliser;
}

/** The confusion table as text: one line per component, one column per label. */
export function formatConfusion(agreement: LabelAgreement, labelName = 'label'): string {
  const header = [`component \\ ${labelName}`, ...agreement.labels];
  const rows = agreement.confusion.map((row, k) => [String(k), ...row.map(String)]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]): string => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
