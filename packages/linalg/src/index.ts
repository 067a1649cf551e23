export { dot, axpy, squaredDistance, nearestRow, nearestRows4, argmax, argmin, logSumExp, logSumExpRows, argmaxRows } from './vector.js';
export { matVec, syr, syrLower, symmetrizeFromLower, syrkRowsLower, matMul, transpose, identity } from './matrix.js';
export {
  cholesky,
  choleskyWithJitter,
  solveLower,
  solveLowerTranspose,
  choleskySolve,
  logDetFromCholesky,
  invertLower,
  precisionCholeskyFromCovarianceCholesky,
  fromCholesky,
  traceWithGram,
  type JitteredCholesky,
} from './cholesky.js';
export { Random, deriveSeed } from './random.js';
export { expNonPositive } from './exp.js';
export { portableExp, portableLog, portableLog1p } from './portable-math.js';
export { symmetricEigen, svd, inverse, type SymmetricEigen, type Svd } from './small-matrix.js';
export {
  wasmKernels,
  loadWasmKernels,
  wasmKernelsUnavailable,
  kernelModule,
  kernelModuleSource,
  loadedKernelModule,
  useKernelModule,
  kernelsFor,
  padded,
  WasmKernels,
  SCATTER,
  KERNEL_CHUNK_ROWS,
  KERNEL_CHOICES,
  KERNELS_OPTION_SPEC,
  type KernelChoice,
  type KernelExports,
} from './wasm/kernels.js';
export { WasmShard } from './wasm/shard.js';
