import { describe, expect, it } from 'vitest';
import { createDataset } from '@emkit/core';
import { datasetFromHandle } from './handlers.js';
import { copyShard, shareDataset } from './share.js';

describe('group boundaries reach the workers', () => {
  const data = createDataset(Float64Array.from({ length: 20 }, (_, i) => i), 10, 2, { groups: [0, 3, 7, 10] });

  it('shared memory: the whole boundaries', () => {
    const { handle } = shareDataset(data);
    expect(Array.from(datasetFromHandle(handle).groups!)).toEqual([0, 3, 7, 10]);
  });

  it('a copied shard: the boundaries inside it, counted from its first row', () => {
    const worker = datasetFromHandle(copyShard(data, { start: 3, end: 10 }));
    expect(worker.rows).toBe(7);
    expect(Array.from(worker.groups!)).toEqual([0, 4, 7]);
    expect(Array.from(worker.values.subarray(0, 2))).toEqual([6, 7]);
  });

  it('data without groups gives workers none', () => {
    const plain = createDataset(new Float64Array(4), 2, 2);
    expect(datasetFromHandle(copyShard(plain, { start: 0, end: 2 })).groups).toBeUndefined();
    expect(datasetFromHandle(shareDataset(plain).handle).groups).toBeUndefined();
  });
});

describe('missing-cell masks reach the workers', () => {
  const values = Float64Array.from([1, NaN, 3, 4, NaN, 6]);
  const data = createDataset(values, 3, 2, { missing: 'nan' });

  it('shared memory: the whole mask, in shared memory', () => {
    const { handle } = shareDataset(data);
    expect(handle.missing).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(datasetFromHandle(handle).missing!)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('a copied shard: its rows of the mask', () => {
    expect(Array.from(datasetFromHandle(copyShard(data, { start: 1, end: 3 })).missing!)).toEqual([0, 0, 1, 0]);
  });
});
