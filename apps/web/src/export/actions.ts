import { enqueue, session } from '../client.js';
import { dataset } from '../data/store.js';
import { chosenOptions, modelName } from '../model/store.js';

function download(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function baseName(): string {
  const name = (dataset.value?.name ?? 'data').replace(/\.csv$/i, '');
  const k = chosenOptions.value.k;
  return `${name}-${modelName.value}${k === undefined ? '' : `-k${String(k)}`}`;
}

/** The model file (`emkit predict --model` reads it). */
export function exportModel(): Promise<void> {
  return enqueue('step', async () => download(await session.exportModel(), `${baseName()}-model.json`, 'application/json'));
}

/** What `emkit predict` writes: labels, or the model's own per-row table. */
export function exportRows(kind: string): Promise<void> {
  return enqueue('step', async () => download(await session.exportLabels(), `${baseName()}-${kind}.csv`, 'text/csv'));
}
