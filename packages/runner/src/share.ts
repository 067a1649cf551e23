import { type Dataset, type RowRange, groupsWithin } from '@emkit/core';
import type { DataHandle } from './protocol.js';

/** True where SharedArrayBuffer can be created (Node; a cross-origin-isolated page). */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && (typeof globalThis.crossOriginIsolated !== 'boolean' || globalThis.crossOriginIsolated);
}

/**
 * An empty N×D data buffer in shared memory, for loaders that want to fill it in place so the
 * runner never copies the data (createDataset(values, rows, cols) then wraps it).
 */
export function allocateSharedValues(rows: number, cols: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(rows * cols * Float64Array.BYTES_PER_ELEMENT));
}

function isShared(array: Float64Array | Uint8Array): boolean {
  return typeof SharedArrayBuffer === 'function' && array.buffer instanceof SharedArrayBuffer;
}

function toShared<T extends Float64Array | Uint8Array>(array: T): T {
  if (isShared(array)) return array;
  const copy = new (array.constructor as new (buffer: ArrayBufferLike) => T)(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/**
 * The data set in shared memory: as it is when it already lives there, else copied once. Every
 * task then carries only a handle to the same memory.
 */
export function shareDataset(data: Dataset): { data: Dataset; handle: DataHandle } {
  const values = toShared(data.values);
  const weights = data.weights === null ? null : toShared(data.weights);
  const target = data.target ? toShared(data.target) : null;
  const missing = data.missing ? toShared(data.missing) : null;
  const shared: Dataset = { ...data, values, weights, target, ...(missing ? { missing } : {}) };
  return {
    data: shared,
    handle: {
      rows: data.rows,
      cols: data.cols,
      firstRow: 0,
      values: values.buffer,
      valuesByteOffset: values.byteOffset,
      weights: weights === null ? null : weights.buffer,
      weightsByteOffset: weights === null ? 0 : weights.byteOffset,
      target: target === null ? null : target.buffer,
      targetByteOffset: target === null ? 0 : target.byteOffset,
      columns: data.columns,
      groups: data.groups ?? null,
      missing: missing === null ? null : missing.buffer,
      missingByteOffset: missing === null ? 0 : missing.byteOffset,
    },
  };
}

/**
 * The handle of out-of-core data (Dataset.external): only the reference to its file, which every
 * worker reads shard by shard itself.
 */
export function externalHandle(data: Dataset): DataHandle {
  const empty = new ArrayBuffer(0);
  return {
    rows: data.rows,
    cols: data.cols,
    firstRow: 0,
    values: empty,
    valuesByteOffset: 0,
    weights: null,
    weightsByteOffset: 0,
    target: null,
    targetByteOffset: 0,
    columns: data.columns,
    external: data.external,
  };
}

/** A copy of one shard's rows, for workers without shared memory. */
export function copyShard(data: Dataset, shard: RowRange): DataHandle {
  const values = data.values.slice(shard.start * data.cols, shard.end * data.cols);
  const weights = data.weights === null ? null : data.weights.slice(shard.start, shard.end);
  const target = data.target ? data.target.slice(shard.start, shard.end) : null;
  return {
    rows: shard.end - shard.start,
    cols: data.cols,
    firstRow: shard.start,
    values: values.buffer,
    valuesByteOffset: 0,
    weights: weights === null ? null : weights.buffer,
    weightsByteOffset: 0,
    target: target === null ? null : target.buffer,
    targetByteOffset: 0,
    columns: data.columns,
    // A shard starts and ends at group boundaries (the plan cuts only there).
    groups: data.groups ? groupsWithin(data.groups, shard) : null,
    missing: data.missing ? data.missing.slice(shard.start * data.cols, shard.end * data.cols).buffer : null,
    missingByteOffset: 0,
  };
}
