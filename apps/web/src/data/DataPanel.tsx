import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { busy } from '../client.js';
import { loadExample, loadFile } from './actions.js';
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
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
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
      {info && info.cols > 1 && (
        <div class="row">
          <ColumnChoice id="x-column" label="x" value={xColumn.value} columns={info.columns} onChange={(j) => (xColumn.value = j)} />
          <ColumnChoice id="y-column" label="y" value={yColumn.value} columns={info.columns} onChange={(j) => (yColumn.value = j)} />
        </div>
      )}
    </section>
  );
}
