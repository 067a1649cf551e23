import { KERNELS_WASM_BASE64 } from './kernels-binary.js';

/**
 * Which implementation runs the hot loops: the WebAssembly SIMD128 kernels (assembly/kernels.ts)
 * or the scalar TypeScript ones they are tested against.
 */
export type KernelChoice = 'wasm' | 'js';

export const KERNEL_CHOICES: readonly KernelChoice[] = ['wasm', 'js'];

/**
 * The `kernels` option as a plugin declares it in its optionSpecs (core's OptionSpec shape), so
 * every plugin with wasm kernels offers the same CLI flag, `--kernels wasm|js`.
 */
export const KERNELS_OPTION_SPEC = {
  name: 'kernels',
  type: 'string',
  description: "the E-step's kernels: wasm (WebAssembly SIMD, where the engine has it) or js (the scalar reference kernels); they agree to round-off",
  choices: KERNEL_CHOICES,
  defaultValue: 'wasm',
} as const;

/** The module's exports. Every pointer is a byte offset into `memory`; see assembly/kernels.ts. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  expArray(x: number, n: number, out: number): void;
  logArray(x: number, n: number, out: number): void;
  exp1(x: number): number;
  log1(x: number): number;
  subtractRows(x: number, rows: number, d: number, v: number, z: number, dp: number): void;
  triangularRows(z: number, rows: number, d: number, dp: number, u: number, y: number): void;
  mahalanobisFull(x: number, rows: number, d: number, dp: number, means: number, u: number, k: number, offsets: number, out: number, z: number, y: number): void;
  scaledDistances(x: number, rows: number, xs: number, d: number, mT: number, sT: number, kp: number, k: number, offsets: number, out: number): void;
  gemmRows(x: number, rows: number, d: number, w: number, kp: number, k: number, bias: number, out: number, outStride: number): void;
  gemmRowsStrided(x: number, xs: number, rows: number, d: number, w: number, kp: number, k: number, bias: number, out: number, outStride: number): void;
  crossAccumulate(a: number, as: number, m: number, b: number, bs: number, np: number, w: number, rows: number, out: number): void;
  softmaxRows(logp: number, rows: number, k: number, resp: number, lse: number): number;
  nearestCentresExact(x: number, rows: number, d: number, cT: number, kp: number, k: number, labels: number, dist: number): number;
  lloydStats(x: number, from: number, rows: number, d: number, labels: number, dist: number, weights: number, acc: number, counts: number, wsum: number, sums: number): number;
  pairDistances(x: number, rowAt: number, c: number, centreAt: number, n: number, d: number, out: number): void;
  boundedChunk(
    mode: number, reuse: number, x: number, rows: number, d: number, w: number, c: number, cT: number, kp: number, k: number,
    labels: number, lower: number, drift: number, between: number, nearestOther: number, scalars: number,
    outLabels: number, dist: number, scratch: number,
  ): number;
  componentStats(x: number, rows: number, d: number, dp: number, wr: number, k: number, means: number, n: number, first: number, block: number, mode: number, z: number, a: number, tri: number): void;
  scatterLower(a: number, z: number, rows: number, d: number, dp: number, tri: number): void;
  pooledScatter(x: number, rows: number, d: number, dp: number, wr: number, k: number, centre: number, block: number, z: number, a: number, tri: number): void;
}

/** componentStats' `mode`: which second moments it adds (see assembly/kernels.ts). */
export const SCATTER = { none: 0, full: 1, diag: 2, spherical: 3 } as const;

/**
 * Rows per kernel call. Long kernels are called in chunks: V8 runs the first call of a function
 * in its baseline tier for the whole call, so later (short) calls get the optimised code; a
 * chunk's scratch (rows × padded D) also stays in cache.
 */
export const KERNEL_CHUNK_ROWS = 256;

/** n rounded up to even: the padded width of rows that f64x2 vectors cover. */
export function padded(n: number): number {
  return n + (n & 1);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeBase64(text: string): Uint8Array {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) lookup[BASE64.charCodeAt(i)] = i;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (lookup[text.charCodeAt(i)] << 18) | (lookup[text.charCodeAt(i + 1)] << 12) | (lookup[text.charCodeAt(i + 2)] << 6) | lookup[text.charCodeAt(i + 3)];
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

let compiled: WebAssembly.Module | null = null;
let received = false;
let instance: WasmKernels | null = null;
let unavailable: string | null = null;

/**
 * The compiled module (compiled once per thread, on first use). A thread that received the
 * module from another (a worker given it in a message) can pass it to `useKernelModule`
 * instead of compiling again.
 */
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64) as Uint8Array<ArrayBuffer>);
  return compiled;
}

/** Uses a module compiled elsewhere (posted from the main thread) for this thread's kernels. */
export function useKernelModule(module: WebAssembly.Module): void {
  if (compiled !== null) return;
  compiled = module;
  received = true;
}

/**
 * The module if this thread has it already (compiled or received), without compiling: what a
 * browser's main thread can post to its workers once `loadWasmKernels()` has run.
 */
export function loadedKernelModule(): WebAssembly.Module | null {
  return compiled;
}

/** Where this thread's module came from: 'received' (useKernelModule), 'compiled' here, or null (not yet). */
export function kernelModuleSource(): 'received' | 'compiled' | null {
  return compiled === null ? null : received ? 'received' : 'compiled';
}

/**
 * This thread's kernels, instantiated once per thread; null where WebAssembly SIMD is not
 * available (then `wasmKernelsUnavailable()` says why). Synchronous, so it can be called from
 * inside an E-step; in a browser's main thread, where synchronous compilation of large modules
 * is refused, call `loadWasmKernels()` first.
 */
export function wasmKernels(): WasmKernels | null {
  if (instance !== null || unavailable !== null) return instance;
  try {
    instance = new WasmKernels(new WebAssembly.Instance(kernelModule(), {}).exports as unknown as KernelExports);
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
  }
  return instance;
}

/** Compiles and instantiates asynchronously (allowed everywhere), then as wasmKernels(). */
export async function loadWasmKernels(): Promise<WasmKernels | null> {
  if (instance !== null) return instance;
  try {
    compiled ??= await WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64) as Uint8Array<ArrayBuffer>);
    unavailable = null;
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
    return null;
  }
  return wasmKernels();
}

/** Why the wasm kernels could not be loaded in this thread, or null when they can (or were not tried). */
export function wasmKernelsUnavailable(): string | null {
  wasmKernels();
  return unavailable;
}

/**
 * The kernels of one thread and their memory. Callers lay out the regions a computation needs
 * with `layout` (which resets the previous layout: one computation at a time per thread, which
 * the synchronous E-steps guarantee) and address them through `f64`, a view that is recreated
 * after the memory grows.
 */
export class WasmKernels {
  readonly exports: KernelExports;
  private readonly base: number;
  private view: Float64Array;
  private int32: Int32Array;

  /** Long-lived blocks (reserve), in address order; layouts start after the last. */
  private readonly blocks: { owner: WeakRef<object>; at: number; end: number }[] = [];
  /** Frees a block whose owner was garbage-collected without `release`. */
  private readonly finalizer = new FinalizationRegistry<number>((at) => this.releaseAt(at));

  constructor(exports: KernelExports) {
    this.exports = exports;
    this.base = (exports.heapBase() + 15) & ~15;
    this.view = new Float64Array(exports.memory.buffer);
    this.int32 = new Int32Array(exports.memory.buffer);
  }

  /**
   * Byte offsets of zeroed regions of the given lengths in doubles that stay put across layouts —
   * what a worker keeps of a shard between E-steps (its rows, its bounds) — held for `owner`
   * until `release(owner)` or until `owner` is garbage-collected. One block per owner: a second
   * reserve for the same owner releases the first. Call before `layout` (a reserve may take the
   * place of the last layout's regions).
   */
  reserve(owner: object, lengths: readonly number[]): number[] {
    this.release(owner);
    const sizes = lengths.map((n) => (n * 8 + 15) & ~15);
    const bytes = sizes.reduce((a, b) => a + b, 0);
    // First fit in the gaps between live blocks, else after the last.
    let at = this.base;
    let index = 0;
    for (; index < this.blocks.length && this.blocks[index].at - at < bytes; index++) at = this.blocks[index].end;
    this.ensure(at + bytes);
    this.blocks.splice(index, 0, { owner: new WeakRef(owner), at, end: at + bytes });
    this.finalizer.register(owner, at, owner);
    this.f64.fill(0, at / 8, (at + bytes) / 8);
    const offsets: number[] = [];
    for (const size of sizes) {
      offsets.push(at);
      at += size;
    }
    return offsets;
  }

  /** Frees the block reserved for `owner` (nothing if it holds none). */
  release(owner: object): void {
    const index = this.blocks.findIndex((b) => b.owner.deref() === owner);
    if (index < 0) return;
    this.finalizer.unregister(owner);
    this.blocks.splice(index, 1);
  }

  private releaseAt(at: number): void {
    const index = this.blocks.findIndex((b) => b.at === at && b.owner.deref() === undefined);
    if (index >= 0) this.blocks.splice(index, 1);
  }

  /** Grows the memory to hold `bytes` bytes. */
  private ensure(bytes: number): void {
    const memory = this.exports.memory;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  }

  /** A Float64Array over the whole memory (valid until the next `layout`). */
  get f64(): Float64Array {
    if (this.view.buffer !== this.exports.memory.buffer) this.view = new Float64Array(this.exports.memory.buffer);
    return this.view;
  }

  /** An Int32Array over the whole memory (valid until the next `layout`). */
  get i32(): Int32Array {
    if (this.int32.buffer !== this.exports.memory.buffer) this.int32 = new Int32Array(this.exports.memory.buffer);
    return this.int32;
  }

  /**
   * Byte offsets of regions of the given lengths in doubles, each 16-byte aligned and zeroed,
   * growing the memory when needed. Earlier layouts' regions are reused; reserved blocks are not.
   */
  layout(lengths: readonly number[]): number[] {
    const offsets: number[] = [];
    const start = this.blocks.length > 0 ? this.blocks[this.blocks.length - 1].end : this.base;
    let p = start;
    for (const n of lengths) {
      offsets.push(p);
      p += (n * 8 + 15) & ~15;
    }
    this.ensure(p);
    this.f64.fill(0, start / 8, p / 8);
    return offsets;
  }

  /** e^x by the module's arithmetic (the same bits on every engine; within 1 ulp). */
  exp(x: number): number {
    return this.exports.exp1(x);
  }

  /** log x by the module's arithmetic (the same bits on every engine; within 1 ulp). */
  log(x: number): number {
    return this.exports.log1(x);
  }
}

/** The kernels for a choice: the thread's wasm kernels for 'wasm' (null if unavailable), null for 'js'. */
export function kernelsFor(choice: KernelChoice | undefined): WasmKernels | null {
  return choice === 'js' ? null : wasmKernels();
}
