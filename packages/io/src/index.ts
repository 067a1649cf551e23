export * from './base.js';
export { parquetTableReader, type AsyncBuffer } from './parquet.js';
export { arrowTableReader } from './arrow.js';
