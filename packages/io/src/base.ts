// What both entry points export: the browser-safe CSV reader, column selection and table types.
export { CsvReader, parseCsv, previewCsvColumns, formatCsv, csvTableReader, detectDelimiter, DELIMITERS, type CsvColumnsPreview, type ParseCsvOptions, type ParsedCsv, type HeaderMode, type Delimiter } from './csv.js';
export {
  type ColumnSelection,
  type ResolvedColumns,
  resolveColumns,
  columnIndices,
  describeColumn,
  nonNumericColumnMessage,
  rowIdColumns,
} from './columns.js';
export {
  type TableFormat,
  type TableLayout,
  type TableChunk,
  type TableReader,
  type Table,
  type RowLocation,
  type ReadTableOptions,
  TABLE_FORMATS,
  formatFromName,
  collectTable,
} from './table.js';
export { type ModelColumns, modelColumnsOf, readModelColumns, matchModelColumns, checkModelNames } from './model-columns.js';
