/**
 * The plugin conformance kit: checks any ModelPlugin against the contract the driver and the
 * runner rely on. Test-framework agnostic — `checkConformance` returns a report and
 * `assertConformance` throws one Error listing every failed check — so a third-party plugin
 * runs it from vitest, jest, node:test or a script.
 *
 * Checks:
 * - shard-additivity: statistics and log-likelihood of several shard plans equal the whole-data
 *   ones (1e-9 relative), so the runner may split the E-step anywhere (at group boundaries
 *   for a plugin with `groupedRows`);
 * - determinism: the same E-step twice gives bit-identical statistics;
 * - purity: the E-step leaves parameters and data untouched;
 * - monotone: the driver records no log-likelihood decrease, from several seeds;
 * - serialisation: toJSON → JSON text → fromJSON gives the same per-row scores;
 * - parameter-count: the rank of the Jacobian of the per-row log-densities with respect to the
 *   model file's numbers (through fromJSON, which must map equivalent parameters to the same
 *   model, e.g. normalise weights) equals parameterCount;
 * - view: describeView (when the plugin has it) agrees with K, D and predictTable, at the start
 *   and after a fit (checkViewDescription).
 */
import { svd } from '@emkit/linalg';
import type { Dataset } from '../dataset.js';
import { fit } from '../driver.js';
import { runShardsInProcess } from '../executor.js';
import type { InitProgress, ModelPlugin } from '../plugin.js';
import { planShardsFor } from '../shard-plan.js';
import { checkViewDescription } from './view-check.js';
import { Random } from '@emkit/linalg';

export interface ConformanceOptions {
  /** Data to fit (a few hundred rows is plenty). */
  data: Dataset;
  /** Raw plugin options (as a user would pass them). */
  options: unknown;
  /** Seeds for the monotonicity fits (default [0, 1, 2]). */
  seeds?: number[];
  maxIter?: number;
  /**
   * Top-level model-file fields whose numbers are the model's parameters, for the
   * parameter-count check (default: every top-level field holding an array of numbers).
   */
  parameterFields?: string[];
  /** Skip checks by name (say why in your test). */
  skip?: ConformanceCheckName[];
}

export type ConformanceCheckName = 'shard-additivity' | 'determinism' | 'purity' | 'init-progress' | 'monotone' | 'serialisation' | 'parameter-count' | 'view';

export interface ConformanceCheck {
  readonly name: ConformanceCheckName;
  readonly passed: boolean;
  readonly detail: string;
}

export interface ConformanceReport {
  readonly plugin: string;
  readonly checks: readonly ConformanceCheck[];
  readonly passed: boolean;
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}

function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, relativeDifference(a[i], b[i]));
  return worst;
}

export async function checkConformance<P, O>(plugin: ModelPlugin<P, O>, config: ConformanceOptions): Promise<ConformanceReport> {
  const { data } = config;
  const skip = new Set(config.skip ?? []);
  const checks: ConformanceCheck[] = [];
  const options = plugin.parseOptions(config.options);
  const params = plugin.init(data, options, new Random(12345));
  const run = async (name: ConformanceCheckName, body: () => string | Promise<string>): Promise<void> => {
    if (skip.has(name)) return;
    try {
      checks.push({ name, passed: true, detail: await body() });
    } catch (error) {
      checks.push({ name, passed: false, detail: error instanceof Error ? error.message : String(error) });
    }
  };

  await run('shard-additivity', () => {
    const whole = runShardsInProcess(plugin, params, data, planShardsFor(plugin, data, Math.max(1, data.rows)));
    const plans = [1, 7, Math.max(1, Math.ceil(data.rows / 3))];
    for (const shardRows of plans) {
      const sharded = runShardsInProcess(plugin, params, data, planShardsFor(plugin, data, shardRows));
      const statsDiff = maxRelativeDifference(whole.stats, sharded.stats);
      const llDiff = relativeDifference(whole.logLikelihood, sharded.logLikelihood);
      if (statsDiff > 1e-9 || llDiff > 1e-9)
        throw new Error(`shards of ${shardRows} rows: statistics differ from the whole-data ones by ${statsDiff.toExponential(2)} (relative), log-likelihood by ${llDiff.toExponential(2)}`);
    }
    return `shard plans of ${plans.join(', ')} rows match the whole data`;
  });

  await run('determinism', () => {
    const range = { start: 0, end: data.rows };
    const a = plugin.createStats(params, data.cols);
    const b = plugin.createStats(params, data.cols);
    const la = plugin.eStep(params, data, range, a);
    const lb = plugin.eStep(params, data, range, b);
    if (!Object.is(la, lb)) throw new Error(`the E-step returned ${la} then ${lb}`);
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) throw new Error(`statistic ${i} was ${a[i]} then ${b[i]}`);
    return 'two E-steps agree bit for bit';
  });

  await run('purity', () => {
    const before = JSON.stringify(plugin.toJSON(params, options));
    const values = data.values.slice();
    plugin.eStep(params, data, { start: 0, end: data.rows }, plugin.createStats(params, data.cols));
    if (JSON.stringify(plugin.toJSON(params, options)) !== before) throw new Error('the E-step changed the parameters');
    for (let i = 0; i < values.length; i++) if (!Object.is(values[i], data.values[i])) throw new Error(`the E-step changed data value ${i}`);
    return 'parameters and data unchanged';
  });

  await run('init-progress', () => {
    // Reporting must not change the start, and each step must read as `method done/total unit`.
    const steps: InitProgress[] = [];
    const reported = plugin.init(data, options, new Random(12345), { onProgress: (p) => steps.push(p) });
    if (JSON.stringify(plugin.toJSON(reported, options)) !== JSON.stringify(plugin.toJSON(params, options))) throw new Error('init with onProgress gave other parameters than without');
    const last = new Map<string, number>();
    for (const step of steps) {
      const { method, unit, done, total } = step;
      if (!method || !unit || !Number.isInteger(done) || !Number.isInteger(total) || done < 0 || total < 1 || done > total) throw new Error(`a malformed init step: ${JSON.stringify(step)}`);
      const key = `${method} ${unit}`;
      if (done < (last.get(key) ?? 0)) throw new Error(`${key}: ${done} after ${last.get(key)}`);
      last.set(key, done);
    }
    return steps.length === 0 ? 'init reports no steps' : `${steps.length} well-formed steps (${[...last.keys()].join(', ')}), the same start`;
  });

  await run('monotone', async () => {
    const seeds = config.seeds ?? [0, 1, 2];
    for (const seed of seeds) {
      const result = await fit(plugin, data, config.options, { seed, maxIter: config.maxIter ?? 50, tol: 0 });
      if (result.monotonicityViolations.length > 0) {
        const v = result.monotonicityViolations[0];
        throw new Error(`seed ${seed}: the mean log-likelihood fell from ${v.previous} to ${v.current} at iteration ${v.iteration}`);
      }
    }
    return `no decrease over ${seeds.length} seeded fits`;
  });

  await run('serialisation', () => {
    const file = JSON.parse(JSON.stringify(plugin.toJSON(params, options))) as Record<string, unknown>;
    const back = plugin.fromJSON(file);
    const a = plugin.scoreSamples(params, data);
    const b = plugin.scoreSamples(back.params, data);
    const diff = maxRelativeDifference(a, b);
    if (diff > 1e-12) throw new Error(`per-row scores differ by ${diff.toExponential(2)} after a JSON round trip`);
    if (JSON.stringify(plugin.toJSON(back.params, back.options)) !== JSON.stringify(file)) throw new Error('toJSON(fromJSON(file)) differs from file');
    return 'JSON round trip preserves the model';
  });

  const count = plugin.parameterCount(params, options);
  if (count !== null)
    await run('parameter-count', () => {
      const rank = jacobianRank(plugin, params, options, data, config.parameterFields);
      if (rank !== count) throw new Error(`parameterCount says ${count}, the model file's numbers move the likelihood in ${rank} independent directions`);
      return `${count} free parameters, confirmed by the Jacobian rank`;
    });

  if (plugin.describeView)
    await run('view', async () => {
      checkViewDescription(plugin as ModelPlugin<P, unknown>, params, data);
      const fitted = await fit(plugin, data, config.options, { seed: 0, maxIter: config.maxIter ?? 50 });
      checkViewDescription(plugin as ModelPlugin<P, unknown>, fitted.params, data);
      return 'describeView agrees with the model at the start and after a fit';
    });

  return { plugin: plugin.name, checks, passed: checks.every((c) => c.passed) };
}

/** Throws one Error listing every failed check. */
export async function assertConformance<P, O>(plugin: ModelPlugin<P, O>, config: ConformanceOptions): Promise<ConformanceReport> {
  const report = await checkConformance(plugin, config);
  if (!report.passed)
    throw new Error(
      `plugin "${plugin.name}" fails conformance:\n${report.checks
        .filter((c) => !c.passed)
        .map((c) => `  ${c.name}: ${c.detail}`)
        .join('\n')}`,
    );
  return report;
}

interface Leaf {
  path: (string | number)[];
  value: number;
}

function numericLeaves(value: unknown, path: (string | number)[], out: Leaf[]): void {
  if (typeof value === 'number') out.push({ path, value });
  else if (Array.isArray(value)) value.forEach((v, i) => numericLeaves(v, [...path, i], out));
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: number): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) node = (node as Record<string | number, unknown>)[path[i]];
  (node as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

/** Rank of ∂ log p(x_i) / ∂ θ_j by central differences through fromJSON. */
function jacobianRank<P, O>(plugin: ModelPlugin<P, O>, params: P, options: O, data: Dataset, fields?: string[]): number {
  const file = plugin.toJSON(params, options);
  const keys = fields ?? Object.keys(file).filter((k) => Array.isArray(file[k]) && numericCount(file[k]) > 0);
  const leaves: Leaf[] = [];
  for (const k of keys) numericLeaves(file[k], [k], leaves);
  const rows = data.rows;
  const jacobian = new Float64Array(rows * leaves.length);
  leaves.forEach((leaf, j) => {
    const h = 1e-5 * Math.max(1, Math.abs(leaf.value));
    const scores = [1, -1].map((sign) => {
      const copy = JSON.parse(JSON.stringify(file)) as Record<string, unknown>;
      setAt(copy, leaf.path, leaf.value + sign * h);
      const moved = plugin.fromJSON(copy);
      return plugin.scoreSamples(moved.params, data);
    });
    for (let i = 0; i < rows; i++) jacobian[i * leaves.length + j] = (scores[0][i] - scores[1][i]) / (2 * h);
  });
  const { s } = svd(jacobian, 0, rows, leaves.length);
  const largest = Math.max(...s);
  return s.filter((v) => v > 1e-6 * largest).length;
}

function numericCount(value: unknown): number {
  const leaves: Leaf[] = [];
  numericLeaves(value, [], leaves);
  return leaves.length;
}
