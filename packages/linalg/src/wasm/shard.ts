import { KERNEL_CHUNK_ROWS, padded, type WasmKernels } from './kernels.js';

/**
 * The regions of wasm memory one E-step shard of a mixture works in: a chunk of rows
 * (KERNEL_CHUNK_ROWS) and its joint log-densities, responsibilities and log-sum-exps, the
 * kernels' scratch, the shard's additive statistics (n_j (K) | first moments (K×D) | a
 * second-moment block of `blockLength`), and the model's own parameter regions (`params`, laid
 * out after the rest). Byte offsets; the layout replaces the thread's previous one.
 */
export class WasmShard {
  readonly kernels: WasmKernels;
  readonly k: number;
  readonly d: number;
  /** D rounded up to even: the stride of z, a and y. */
  readonly dp: number;
  /** K rounded up to even: the width of transposed K-column parameters. */
  readonly kp: number;
  readonly x: number;
  readonly logp: number;
  readonly resp: number;
  readonly lse: number;
  readonly z: number;
  readonly a: number;
  readonly y: number;
  readonly tri: number;
  /** The statistics: n at `stats`, first moments at `first`, the second-moment block at `block`. */
  readonly stats: number;
  readonly first: number;
  readonly block: number;
  readonly statsLength: number;
  readonly params: number[];

  constructor(kernels: WasmKernels, k: number, d: number, blockLength: number, paramLengths: readonly number[]) {
    const rows = KERNEL_CHUNK_ROWS;
    const dp = padded(d);
    this.kernels = kernels;
    this.k = k;
    this.d = d;
    this.dp = dp;
    this.kp = padded(k);
    this.statsLength = k + k * d + blockLength;
    const [x, logp, resp, lse, z, a, y, tri, stats, ...params] = kernels.layout([rows * d, rows * k, rows * k, rows, rows * dp, rows * dp, rows * dp, d * dp, this.statsLength, ...paramLengths]);
    this.x = x;
    this.logp = logp;
    this.resp = resp;
    this.lse = lse;
    this.z = z;
    this.a = a;
    this.y = y;
    this.tri = tri;
    this.stats = stats;
    this.first = stats + 8 * k;
    this.block = stats + 8 * (k + k * d);
    this.params = params;
  }

  /** Writes `values` into the double region at byte offset `at`. */
  put(at: number, values: ArrayLike<number>): void {
    this.kernels.f64.set(values, at / 8);
  }

  /** Writes the K×D matrix m transposed into the D×kp region at `at` (pads stay as laid out). */
  putTransposed(at: number, m: Float64Array): void {
    const { k, d, kp } = this;
    const f = this.kernels.f64;
    const base = at / 8;
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) f[base + c * kp + j] = m[j * d + c];
  }

  /** Writes the upper triangle of the D×D matrix at u[uOff..] into the D×dp region at `at`. */
  putUpper(at: number, u: Float64Array, uOff: number): void {
    const { d, dp } = this;
    const f = this.kernels.f64;
    const base = at / 8;
    for (let r = 0; r < d; r++) for (let c = r; c < d; c++) f[base + r * dp + c] = u[uOff + r * d + c];
  }
}
