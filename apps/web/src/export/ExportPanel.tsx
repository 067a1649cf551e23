import type { TargetedMouseEvent } from 'preact';
import { activity } from '../client.js';
import { snapshot } from '../run/store.js';
import { exportModel, exportRows } from './actions.js';

/** The model file and the per-row output, as the CLI writes them. */
export function ExportPanel() {
  const snap = snapshot.value;
  const ready = snap !== null && activity.value === 'idle';
  const rowOutput = snap?.view.rowOutput ?? { kind: 'labels' as const };
  const rowsLabel = rowOutput.kind === 'table' ? `${rowOutput.description} CSV` : 'labels CSV';
  const fitVerb = snap?.view.training ? 'Train' : 'Fit';
  const onClick = (action: () => Promise<void>) => (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    if (ready) void action();
  };
  return (
    <section class="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p class="links">
        <a id="export-model" href="#" aria-disabled={!ready} onClick={onClick(exportModel)}>
          model JSON
        </a>
        <a id="export-labels" href="#" aria-disabled={!ready} onClick={onClick(() => exportRows(rowOutput.kind === 'table' ? 'table' : 'labels'))}>
          {rowsLabel}
        </a>
      </p>
      <p class="hint">
        The model file is the CLI’s (<code>emkit predict --model</code> reads it): after {fitVerb}, with the summary; otherwise the current parameters.
      </p>
    </section>
  );
}
