import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { busy } from '../client.js';
import type { LoaderState } from '../session/types.js';
import { listen } from '../ui/listen.js';
import { chooseColumns, loadExample, loadFile } from './actions.js';
import { CSV_EXAMPLES, SYNTHETIC_EXAMPLES, type ExampleName } from './examples.js';
import { dataError, dataset, loadedExample, xColumn, yColumn } from './store.js';

/** Drop a CSV anywhere on the page. */
function useFileDrop(onFiles: (files: FileList | null | undefined) => void) {
  const dragging = useSignal(false);
  useEffect(() => {
    const over = (e: DragEvent) => {
      e.preventDefault();
      dragging.value = true;
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) dragging.value = false;
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      dragging.value = false;
      onFiles(e.dataTransfer?.files);
    };
    return listen(window, { dragover: over, dragleave: leave, drop });
  }, []);
  return dragging;
}

function ColumnChoice(props: { id: string; label: string; value: number; columns: readonly string[]; onChange: (j: number) => void }) {
  return (
    <label>
      {props.label}
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(Number(e.currentTarget.value))}>
        {props.columns.map((c, j) => (
          <option value={j}>{c}</option>
        ))}
      </select>
    </label>
  );
}

const STANDARDIZE = { '': 'no', zscore: 'z-scores (mean 0, variance 1)', robust: 'robust (median 0, IQR 1)' } as const;

/**
 * The columns of a loaded CSV: which are fitted, which is the label (kept out of the fit), and
 * standardisation — what `emkit fit` takes as --columns, --label and --standardize, applied by
 * the same @emkit/io and @emkit/core functions.
 */
function ColumnsChoice(props: { loader: LoaderState; disabled: boolean }) {
  const { loader, disabled } = props;
  const fitted = new Set(loader.features);
  const text = new Set(loader.textColumns);
  const choose = (change: { columns?: number[]; label?: number | null; standardize?: LoaderState['standardize'] }) =>
    void chooseColumns({ columns: change.columns ?? [...loader.features], label: change.label === undefined ? loader.label : change.label, standardize: change.standardize === undefined ? loader.standardize : change.standardize });
  const toggle = (j: number, on: boolean) => choose({ columns: loader.header.map((_, i) => i).filter((i) => (i === j ? on : fitted.has(i))) });
  const name = (j: number) => `"${loader.header[j]}" (column ${j + 1})`;
  const warnings = [
    ...loader.rowIdColumns.map((j) => `${name(j)} counts the rows: it looks like a row id, not a feature; untick it`),
    ...loader.textColumns.filter((j) => j !== loader.label).map((j) => `${name(j)} holds text, so it is left out; choose it as the label to compare the clusters with it`),
  ];
  return (
    <fieldset id="columns" class="columns">
      <legend>Columns to fit</legend>
      {loader.header.map((column, j) => (
        <label class="column">
          <input type="checkbox" id={`column-${j + 1}`} checked={fitted.has(j)} disabled={disabled || text.has(j) || j === loader.label} onChange={(e) => toggle(j, e.currentTarget.checked)} />
          {column}
        </label>
      ))}
      <div class="row">
        <label>
          Label (ground truth, not fitted)
          <select id="label-column" disabled={disabled} value={loader.label === null ? '' : String(loader.label)} onChange={(e) => {
            const value = e.currentTarget.value;
            const label = value === '' ? null : Number(value);
            choose({ label, columns: loader.features.filter((j) => j !== label) });
          }}>
            <option value="">none</option>
            {loader.header.map((column, j) => (
              <option value={String(j)}>{column}</option>
            ))}
          </select>
        </label>
        <label>
          Standardise
          <select id="standardize" disabled={disabled} value={loader.standardize ?? ''} onChange={(e) => choose({ standardize: (e.currentTarget.value || null) as LoaderState['standardize'] })}>
            {Object.entries(STANDARDIZE).map(([value, text]) => (
              <option value={value}>{text}</option>
            ))}
          </select>
        </label>
      </div>
      {loader.label !== null && loader.labels !== null && <p class="summary" id="label-summary">{`labels: ${loader.labels} classes in ${name(loader.label)}`}</p>}
      {warnings.length > 0 && (
        <ul id="column-warnings" class="warnings">
          {warnings.map((w) => (
            <li>{w}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

export function DataPanel() {
  const info = dataset.value;
  const onFiles = (files: FileList | null | undefined) => {
    const file = files?.[0];
    if (file) void loadFile(file);
  };
  const dragging = useFileDrop(onFiles);
  return (
    <section class="panel" aria-labelledby="data-title">
      <h2 id="data-title">Data</h2>
      <label>
        Example
        <select id="example" disabled={busy.value} value={loadedExample.value} onChange={(e) => void loadExample(e.currentTarget.value as ExampleName)}>
          {loadedExample.value === '' && <option value="">{info ? `${info.name} (your file)` : 'choose an example…'}</option>}
          {Object.entries(CSV_EXAMPLES).map(([name, ex]) => (
            <option value={name}>{`${ex.file} — ${ex.about}`}</option>
          ))}
          {Object.entries(SYNTHETIC_EXAMPLES).map(([name, about]) => (
            <option value={name}>{`${name} — ${about}`}</option>
          ))}
        </select>
      </label>
      <label class={`drop${dragging.value ? ' dragging' : ''}`}>
        <input id="file" type="file" accept=".csv,text/csv,text/plain" disabled={busy.value} onChange={(e) => onFiles(e.currentTarget.files)} />
        <span>Open a CSV file, or drop one anywhere on the page</span>
      </label>
      {dataError.value && (
        <p id="data-error" class="error" role="alert">
          {dataError.value}
        </p>
      )}
      {info && (
        <p id="data-summary" class="summary" data-rows={info.rows} data-cols={info.cols}>
          <strong>{info.name}</strong>: {info.rows.toLocaleString('en')} rows × {info.cols} column{info.cols === 1 ? '' : 's'}
          {info.drawnRows < info.rows && ` (drawing ${info.drawnRows.toLocaleString('en')} of them)`}
        </p>
      )}
      {info?.loader && <ColumnsChoice loader={info.loader} disabled={busy.value} />}
      {info && info.cols > 1 && (
        <div class="row">
          <ColumnChoice id="x-column" label="x" value={xColumn.value} columns={info.columns} onChange={(j) => (xColumn.value = j)} />
          <ColumnChoice id="y-column" label="y" value={yColumn.value} columns={info.columns} onChange={(j) => (yColumn.value = j)} />
        </div>
      )}
    </section>
  );
}
