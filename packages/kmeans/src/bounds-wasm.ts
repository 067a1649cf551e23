import type { Dataset } from '@emkit/core';
import { KERNEL_CHUNK_ROWS, padded, type WasmKernels } from '@emkit/linalg';
import { type BoundedAlgorithm, type assignRowsBounded, centreGeometry, slack } from './bounds.js';
import { WasmChunkStats, putCentresTransposed } from './stats.js';

/**
 * What one shard keeps between E-steps for the bounded assignment on the WebAssembly kernels:
 * the shard's rows and weights, copied once into the thread's wasm memory (so later E-steps copy
 * nothing in), and its labels and lower bounds there too. The regions are reserved for this
 * object (WasmKernels.reserve) and freed with it. As BoundsState, it is valid for any
 * parameters as long as it describes the same rows; `centers` are the centres its bounds refer to.
 */
export interface WasmBoundsState {
  readonly algorithm: BoundedAlgorithm;
  readonly k: number;
  readonly cols: number;
  readonly start: number;
  readonly end: number;
  /** The kernels (of this thread) whose memory holds the regions. */
  readonly kernels: WasmKernels;
  readonly centers: Float64Array;
  /** Byte offsets: rows × cols values, rows weights (0 when the data has none), rows i32 labels, lower bounds (rows or rows × K). */
  readonly x: number;
  readonly weights: number;
  readonly labels: number;
  readonly lower: number;
}

function isUsable(state: unknown, wasm: WasmKernels, algorithm: BoundedAlgorithm, k: number, cols: number, start: number, end: number): state is WasmBoundsState {
  if (typeof state !== 'object' || state === null) return false;
  const s = state as WasmBoundsState;
  return s.kernels === wasm && s.algorithm === algorithm && s.k === k && s.cols === cols && s.start === start && s.end === end;
}

function createState(wasm: WasmKernels, algorithm: BoundedAlgorithm, k: number, cols: number, data: Dataset, start: number, end: number): WasmBoundsState {
  const rows = end - start;
  const owner = { centers: new Float64Array(k * cols) };
  const [x, weights, labels, lower] = wasm.reserve(owner, [rows * cols, data.weights === null ? 0 : rows, Math.ceil(rows / 2), algorithm === 'elkan' ? rows * k : rows]);
  const f = wasm.f64;
  f.set(data.values.subarray(start * cols, end * cols), x / 8);
  if (data.weights !== null) f.set(data.weights.subarray(start, end), weights / 8);
  wasm.i32.fill(-1, labels / 4, labels / 4 + rows);
  return Object.assign(owner, { algorithm, k, cols, start, end, kernels: wasm, x, weights: data.weights === null ? 0 : weights, labels, lower });
}

/**
 * `assignRowsBounded` (its arguments, after the kernels) on the WebAssembly kernels: bit for bit what Lloyd (`assignRows`) adds to
 * `stats` and returns, for any `previous` state. Chunks of KERNEL_CHUNK_ROWS rows go through
 * boundedChunk (the distance to each row's assigned centre, the bound tests, the distances the
 * bounds cannot rule out, every distance for the rows they cannot settle — all with Lloyd's
 * arithmetic) and then lloydStats, as in `assignRowsWasm`.
 */
export function assignRowsBoundedWasm(wasm: WasmKernels, ...args: Parameters<typeof assignRowsBounded>): { logLikelihood: number; state: WasmBoundsState } {
  const [algorithm, k, cols, centers, data, start, end, stats, previous] = args;
  const reuse = isUsable(previous, wasm, algorithm, k, cols, start, end);
  if (!reuse && typeof previous === 'object' && previous !== null && (previous as Partial<WasmBoundsState>).kernels === wasm) wasm.release(previous);
  const state = reuse ? previous : createState(wasm, algorithm, k, cols, data, start, end);
  const geometry = centreGeometry(centers, reuse ? state.centers : null, k, cols);
  const eps = slack(cols);

  const kp = padded(k);
  const chunk = KERNEL_CHUNK_ROWS;
  const pairs = chunk * k + 4;
  const [c, cT, drift, between, nearestOther, scalars, outLabels, dist, scratch, ...statsRegions] = wasm.layout([
    k * cols,
    cols * kp,
    k,
    k * k,
    k,
    6,
    chunk / 2,
    chunk,
    2 * pairs + kp + 4,
    ...WasmChunkStats.lengths(k, cols),
  ]);
  const f = wasm.f64;
  f.set(centers, c / 8);
  putCentresTransposed(wasm, centers, k, cols, cT);
  f.set(geometry.drift, drift / 8);
  f.set(geometry.between, between / 8);
  f.set(geometry.nearestOther, nearestOther / 8);
  f.set([eps, 1 + eps, 1 - eps, geometry.maxDrift, geometry.secondDrift, geometry.maxDriftCentre], scalars / 8);

  const { values: X, weights: W } = data;
  const out = new WasmChunkStats(wasm, k, cols, centers, stats, statsRegions);
  const mode = algorithm === 'hamerly' ? 1 : 2;
  const perRow = algorithm === 'elkan' ? k : 1;
  for (let first = start; first < end; first += chunk) {
    const rows = Math.min(chunk, end - first);
    const r = first - start;
    const x = state.x + r * cols * 8;
    const weights = state.weights === 0 ? 0 : state.weights + r * 8;
    const unresolved = wasm.exports.boundedChunk(mode, reuse ? 1 : 0, x, rows, cols, weights, c, cT, kp, k, state.labels + r * 4, state.lower + r * perRow * 8, drift, between, nearestOther, scalars, outLabels, dist, scratch);
    if (unresolved > 0) out.resolve(X, W, first, rows, outLabels, dist);
    out.add(X, W, first, rows, x, outLabels, dist, weights);
  }
  state.centers.set(centers);
  return { logLikelihood: out.finish(), state };
}
