import { Random } from '@emkit/linalg';
import type { Dataset, RowRange } from './dataset.js';
import { InputError } from './errors.js';

/**
 * Rows kept out of memory (an out-of-core fit): a reference to a file that every thread which
 * computes a shard reads itself. The reference is plain structured-cloneable data, so a task
 * carries it to a worker thread (or a job carries it to another machine) instead of rows.
 */
export interface ShardSource {
  /**
   * The module that reads shards: it exports `readShard(reference, range)`, resolving to a
   * Dataset of the range's rows (row 0 of it is row range.start of the data). Imported by URL
   * on every thread that reads, as plugins are.
   */
  readonly moduleUrl: string;
  /** What the module needs to find and check the rows: the file, its index, the column selection. */
  readonly reference: unknown;
  /** How messages name the data (the file's path). */
  readonly name: string;
}

/** The export a ShardSource's module must have. */
export type ReadShard = (reference: unknown, range: RowRange) => Promise<Dataset>;

const readers = new Map<string, Promise<ReadShard>>();

function loadReader(moduleUrl: string): Promise<ReadShard> {
  let loaded = readers.get(moduleUrl);
  if (!loaded) {
    loaded = import(/* @vite-ignore */ moduleUrl).then((module: Record<string, unknown>) => {
      if (typeof module.readShard !== 'function') throw new Error(`module ${moduleUrl} exports no readShard function`);
      return module.readShard as ReadShard;
    });
    loaded.catch(() => readers.delete(moduleUrl));
    readers.set(moduleUrl, loaded);
  }
  return loaded;
}

/** The rows of `range` read from their source: a Dataset of range.end − range.start rows. */
export async function readExternalShard(source: ShardSource, range: RowRange): Promise<Dataset> {
  const read = await loadReader(source.moduleUrl);
  const shard = await read(source.reference, range);
  if (shard.rows !== range.end - range.start)
    throw new InputError({ file: source.name, detail: `rows ${range.start + 1}–${range.end} read as ${shard.rows} rows; the file changed while it was being read` });
  return shard;
}

/**
 * A Dataset whose N rows stay in `source` (values is empty): the driver plans shards over its
 * row count and executors read each shard where they compute it. Weights, targets, groups and
 * missing cells, when the source has them, travel with each shard's rows.
 */
export function externalDataset(source: ShardSource, rows: number, cols: number, columns: readonly string[] | null = null): Dataset {
  return { rows, cols, values: new Float64Array(0), weights: null, columns, external: source };
}

/** Whether a Dataset's rows are on disk (read shard by shard) rather than in `values`. */
export function isExternal(data: Dataset): data is Dataset & { readonly external: ShardSource } {
  return data.external != null;
}

/**
 * A uniform sample of `capacity` rows drawn in one pass over rows offered in order (Vitter's
 * algorithm R with a seeded generator): the same seed and the same rows in the same order give
 * the same sample, whether the rows come from memory or stream from a file in chunks. The
 * sample keeps the rows' order in the data.
 */
export class ReservoirSampler {
  private readonly random: Random;
  private readonly slots: Float64Array;
  private readonly rowOf: Float64Array;
  private seen = 0;

  constructor(
    readonly capacity: number,
    readonly cols: number,
    seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a reservoir needs a capacity ≥ 1, got ${capacity}`);
    this.random = new Random(seed);
    this.slots = new Float64Array(capacity * cols);
    this.rowOf = new Float64Array(capacity);
  }

  /** Rows seen so far. */
  get rowsSeen(): number {
    return this.seen;
  }

  /** Offers `rows` consecutive rows (row-major, `cols` values each). */
  add(values: Float64Array, rows: number): void {
    const { cols, capacity } = this;
    for (let i = 0; i < rows; i++, this.seen++) {
      let slot: number;
      if (this.seen < capacity) slot = this.seen;
      else {
        slot = this.random.nextInt(this.seen + 1);
        if (slot >= capacity) continue;
      }
      this.slots.set(values.subarray(i * cols, (i + 1) * cols), slot * cols);
      this.rowOf[slot] = this.seen;
    }
  }

  /** The sampled rows in data order: min(capacity, rows seen) rows, row-major. */
  rows(): Float64Array {
    const n = Math.min(this.capacity, this.seen);
    const order = Array.from({ length: n }, (_, s) => s).sort((a, b) => this.rowOf[a] - this.rowOf[b]);
    const out = new Float64Array(n * this.cols);
    order.forEach((s, i) => out.set(this.slots.subarray(s * this.cols, (s + 1) * this.cols), i * this.cols));
    return out;
  }
}

/** The seed of the initialisation sample: derived from the fit's seed, apart from the restarts' seeds. */
export function initSampleSeed(seed: number): number {
  return (seed ^ 0x5eed5a3b) >>> 0;
}

/**
 * The rows a fit initialises from when initialisation uses a sample of `capacity` rows: the
 * reservoir sample of an in-memory Dataset, drawn exactly as an out-of-core fit draws it while
 * streaming the file (see ReservoirSampler), so both fits start from the same parameters.
 */
export function reservoirSample(data: Dataset, capacity: number, seed: number): Dataset {
  const sampler = new ReservoirSampler(capacity, data.cols, initSampleSeed(seed));
  sampler.add(data.values, data.rows);
  const rows = Math.min(capacity, data.rows);
  return { rows, cols: data.cols, values: sampler.rows(), weights: null, columns: data.columns };
}
