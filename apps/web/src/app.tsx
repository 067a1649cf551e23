import { activity, completedActions, enqueue, session } from './client.js';
import { ComparisonPanel } from './comparison/ComparisonPanel.js';
import { loadExampleNow } from './data/actions.js';
import { DataPanel } from './data/DataPanel.js';
import { ExportPanel } from './export/ExportPanel.js';
import { ModelPanel } from './model/ModelPanel.js';
import { ImagesPanel } from './plots/ImagesPanel.js';
import { LatentPanel } from './plots/LatentPanel.js';
import { LikelihoodPanel } from './plots/LikelihoodPanel.js';
import { ScatterPanel } from './plots/ScatterPanel.js';
import { RunPanel } from './run/RunPanel.js';
import { SelectionPanel } from './selection/SelectionPanel.js';
import { signal } from '@preact/signals';
import poolWorkerUrl from './workers/pool.worker.ts?worker&url';

export const runtime = signal<{ workers: number; sharedMemory: boolean } | null>(null);

/** The plugin module, as the dev server serves it or as the build names it (vite.config.ts). */
const pluginModuleUrl = new URL(__PLUGIN_MODULE__, document.baseURI).href;

/** Configures the session worker and loads the first example. */
export function start(): Promise<void> {
  return enqueue('starting', async () => {
    runtime.value = await session.configure({ poolWorkerUrl: new URL(poolWorkerUrl, location.href).href, pluginModuleUrl });
    await loadExampleNow('faithful');
  });
}

/** The page: controls in the sidebar, plots in the main column (first on narrow screens). */
export function App() {
  const rt = runtime.value;
  return (
    <div id="app" data-activity={activity.value} data-completed-actions={completedActions.value}>
      <header>
        <h1>emkit · watch EM work</h1>
        {rt && (
          <p class="runtime">
            fits run on {rt.workers} Web Worker{rt.workers === 1 ? '' : 's'} · {rt.sharedMemory ? 'data in shared memory (cross-origin isolated)' : 'no SharedArrayBuffer: shards are copied'}
          </p>
        )}
      </header>
      <div class="layout">
        <main>
          <ScatterPanel />
          <ImagesPanel />
          <LatentPanel />
          <LikelihoodPanel />
          <ComparisonPanel />
          <SelectionPanel />
        </main>
        <aside>
          <DataPanel />
          <ModelPanel />
          <RunPanel />
          <ExportPanel />
        </aside>
      </div>
    </div>
  );
}
