import { batch } from '@preact/signals';
import { enqueue, session } from '../client.js';
import { initNow } from '../run/store.js';
import { clearComparison } from '../comparison/store.js';
import { selectionRows } from '../selection/store.js';
import type { ColumnChoice, DatasetInfo } from '../session/types.js';
import type { SyntheticName } from '../session/synthetic.js';
import { message } from '../ui/format.js';
import { CSV_EXAMPLES, type ExampleName } from './examples.js';
import { dataError, dataset, loadedExample, xColumn, yColumn } from './store.js';

async function afterLoad(info: DatasetInfo, example: string): Promise<void> {
  batch(() => {
    dataset.value = info;
    dataError.value = null;
    loadedExample.value = example;
    xColumn.value = 0;
    yColumn.value = info.cols > 1 ? 1 : 0;
    selectionRows.value = [];
    clearComparison();
  });
  await initNow();
}

export async function loadExampleNow(name: ExampleName): Promise<void> {
  const csv = CSV_EXAMPLES[name];
  const info = csv ? await session.loadCsv(csv.text, csv.file) : await session.loadSynthetic(name as SyntheticName);
  await afterLoad(info, name);
}

const showDataError = (error: unknown) => (dataError.value = message(error));

export function loadExample(name: ExampleName): Promise<void> {
  void session.pause();
  return enqueue('loading', () => loadExampleNow(name), showDataError);
}

/** A picked or dropped file, parsed in the worker by @emkit/io's parseCsv; its error is shown as it is. */
export function loadFile(file: File): Promise<void> {
  void session.pause();
  return enqueue('loading', async () => afterLoad(await session.loadFile(file), ''), showDataError);
}

/** The loaded CSV read again with other columns, label or standardisation; an error leaves the data as it was. */
export function chooseColumns(choice: ColumnChoice): Promise<void> {
  void session.pause();
  const example = loadedExample.value;
  return enqueue('loading', async () => afterLoad(await session.selectColumns(choice), example), showDataError);
}
