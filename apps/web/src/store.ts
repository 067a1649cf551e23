import { batch, computed, signal } from '@preact/signals';
import { proxy, wrap, type Remote } from 'comlink';
import type { FitProgress } from '@emkit/core';
import poolWorkerUrl from './workers/pool.worker.ts?worker&url';
import { CSV_EXAMPLES, type ExampleName } from './examples.js';
import { VAE_DEFAULTS, defaultInitMethod, toRawOptions, type ModelName, type ModelSettings } from './models.js';
import type {
  ComparisonProgress,
  ComparisonResult,
  DatasetInfo,
  FitSummary,
  SelectionRow,
  Session,
  Snapshot,
  TrainingProgress,
} from './session/session.js';
import type { SyntheticName } from './session/synthetic.js';

/*
 * The page's state as signals, and the actions that change it. Every computation is a call on the
 * session worker; actions run one at a time (a queue), except pause, which must reach the worker
 * while a play, fit or model selection is running.
 */

export type Activity = 'starting' | 'idle' | 'loading' | 'init' | 'step' | 'play' | 'fit' | 'select' | 'compare';

const worker = new Worker(new URL('./workers/session.worker.ts', import.meta.url), { type: 'module' });
const session: Remote<Session> = wrap<Session>(worker);

/** The plugin module, as the dev server serves it or as the build names it (vite.config.ts). */
const pluginModuleUrl = new URL(__PLUGIN_MODULE__, document.baseURI).href;

export const activity = signal<Activity>('starting');
export const runtime = signal<{ workers: number; sharedMemory: boolean } | null>(null);

export const dataset = signal<DatasetInfo | null>(null);
export const dataError = signal<string | null>(null);
export const xColumn = signal(0);
export const yColumn = signal(1);

export const settings = signal<ModelSettings>({
  model: 'gmm',
  k: 2,
  covariance: 'full',
  initMethod: defaultInitMethod('gmm'),
  assignment: 'soft',
  c: 1,
  ...VAE_DEFAULTS,
  decoder: 'gaussian',
});
export const seed = signal(0);
export const restarts = signal(1);
/** Milliseconds between half-steps while playing (0: as fast as it goes). */
export const playDelay = signal(500);

export const snapshot = signal<Snapshot | null>(null);
/** Responsibilities of the drawn rows from the last E-step (null: none yet). */
export const responsibilities = signal<Float64Array | null>(null);
export const fitSummary = signal<FitSummary | null>(null);
export const fitProgress = signal<string | null>(null);
/** While a VAE trains: the ELBO per epoch so far (the snapshot holds it once trained). */
export const trainingElbo = signal<readonly number[] | null>(null);
export const modelError = signal<string | null>(null);
export const notice = signal<string | null>(null);

export const selectionRows = signal<SelectionRow[]>([]);
export const selectionMaxK = signal(6);

/** The held-out comparison of the Bernoulli mixture and the VAE (0/1 data). */
export const HELD_OUT_FRACTION = 0.2;
export interface ComparisonSettings {
  k: number;
  restarts: number;
  latent: number;
  hidden: string;
  epochs: number;
  learningRate: number;
  iwaeSamples: number;
}
export const comparisonSettings = signal<ComparisonSettings>({ k: 3, restarts: 4, ...VAE_DEFAULTS, iwaeSamples: 64 });
export const comparison = signal<ComparisonResult | null>(null);
export const comparisonProgress = signal<ComparisonProgress | null>(null);
export const comparisonError = signal<string | null>(null);

export const busy = computed(() => activity.value !== 'idle');
/** Actions finished so far (the page publishes it, so a test can wait for the one it started). */
export const completedActions = signal(0);

let queue: Promise<void> = Promise.resolve();

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `task` after every earlier action, with `activity` set; its errors go to `onError` (default: modelError). */
function enqueue(kind: Activity, task: () => Promise<void>, onError: (error: unknown) => void = (e) => (modelError.value = message(e))): Promise<void> {
  queue = queue.then(async () => {
    activity.value = kind;
    try {
      await task();
    } catch (error) {
      if (isAbort(error)) notice.value = kind === 'fit' ? 'fit cancelled' : kind === 'select' ? 'model selection cancelled' : kind === 'compare' ? 'comparison cancelled' : null;
      else onError(error);
    } finally {
      batch(() => {
        activity.value = 'idle';
        completedActions.value++;
      });
    }
  });
  return queue;
}

function show(next: Snapshot): void {
  batch(() => {
    snapshot.value = next;
    if (next.responsibilities !== undefined) responsibilities.value = next.responsibilities;
    if (next.fit) fitSummary.value = next.fit;
  });
}

export function start(): Promise<void> {
  return enqueue('starting', async () => {
    runtime.value = await session.configure({ poolWorkerUrl: new URL(poolWorkerUrl, location.href).href, pluginModuleUrl });
    await loadExampleNow('faithful');
  });
}

async function afterLoad(info: DatasetInfo): Promise<void> {
  batch(() => {
    dataset.value = info;
    dataError.value = null;
    xColumn.value = 0;
    yColumn.value = info.cols > 1 ? 1 : 0;
    selectionRows.value = [];
    comparison.value = null;
    comparisonProgress.value = null;
    comparisonError.value = null;
    // The VAE's decoder follows the data: Bernoulli for 0/1 columns, Gaussian otherwise.
    const decoder = info.binary ? 'bernoulli' : 'gaussian';
    const model = settings.value.model;
    if (info.binary && model !== 'bernoulli' && model !== 'vae') settings.value = { ...settings.value, model: 'bernoulli', initMethod: defaultInitMethod('bernoulli'), decoder };
    else if (!info.binary && model === 'bernoulli') settings.value = { ...settings.value, model: 'gmm', initMethod: defaultInitMethod('gmm'), decoder };
    else settings.value = { ...settings.value, decoder };
  });
  await initNow();
}

async function loadExampleNow(name: ExampleName): Promise<void> {
  const csv = CSV_EXAMPLES[name];
  const info = csv ? await session.loadCsv(csv.text, csv.file) : await session.loadSynthetic(name as SyntheticName);
  await afterLoad(info);
}

const dataErrorHandler = (error: unknown) => (dataError.value = message(error));

export function loadExample(name: ExampleName): Promise<void> {
  void session.pause();
  return enqueue('loading', () => loadExampleNow(name), dataErrorHandler);
}

/** A picked or dropped file, parsed in the worker by @emkit/io's parseCsv; its error is shown as it is. */
export function loadFile(file: File): Promise<void> {
  void session.pause();
  return enqueue('loading', async () => afterLoad(await session.loadFile(file)), dataErrorHandler);
}

async function initNow(): Promise<void> {
  batch(() => {
    modelError.value = null;
    notice.value = null;
    fitSummary.value = null;
    fitProgress.value = null;
    trainingElbo.value = null;
  });
  if (!dataset.value) return;
  const s = settings.value;
  try {
    show(await session.init(s.model, toRawOptions(s), seed.value));
  } catch (error) {
    snapshot.value = null;
    responsibilities.value = null;
    throw error;
  }
}

/** Back to the starting parameters (also after any change of model, K, init method or seed). */
export function reset(): Promise<void> {
  void session.pause();
  return enqueue('init', initNow);
}

export function updateSettings(patch: Partial<ModelSettings>): Promise<void> {
  const next = { ...settings.value, ...patch };
  if (patch.model && patch.model !== settings.value.model) next.initMethod = defaultInitMethod(patch.model as ModelName);
  settings.value = next;
  return reset();
}

export function updateSeed(value: number): Promise<void> {
  seed.value = value;
  return reset();
}

export function stepE(): Promise<void> {
  return enqueue('step', async () => show(await session.eStep()));
}

export function stepM(): Promise<void> {
  return enqueue('step', async () => show(await session.mStep()));
}

/** Play until converged; the worker sends each half-step (or each iteration when fast). */
export function play(): Promise<void> {
  return enqueue('play', async () => {
    notice.value = null;
    const done = await session.run(proxy((s: Snapshot) => show(s)), { delayMs: playDelay.value });
    show(done);
  });
}

/** Stops a play, a fit or a model selection at the worker's next chance. */
export function pause(): void {
  void session.pause();
}

/** A full fit on the runner's worker pool, with the page's seed, init method and options (as `emkit fit`). */
export function fitModel(): Promise<void> {
  void session.pause();
  return enqueue('fit', async () => {
    batch(() => {
      modelError.value = null;
      notice.value = null;
      fitSummary.value = null;
      fitProgress.value = 'starting workers…';
    });
    const s = settings.value;
    // Progress comes over its own channel and may arrive after the result: ignore it then.
    let live = true;
    const onProgress = proxy((p: FitProgress) => {
      if (live)
        fitProgress.value = `${restarts.value > 1 ? `restart ${p.restart + 1}/${restarts.value} · ` : ''}iteration ${p.iteration} · mean log-likelihood ${p.meanLogLikelihood.toFixed(6)}`;
    });
    // The VAE reports each epoch: the ELBO chart grows as it trains.
    const onEpoch = proxy((p: TrainingProgress) => {
      if (!live) return;
      batch(() => {
        trainingElbo.value = p.epochElbo;
        const last = p.epochElbo.length > 0 ? ` · ELBO ${p.epochElbo[p.epochElbo.length - 1].toFixed(4)}` : '';
        fitProgress.value = `${p.restarts > 1 ? `restart ${p.restart + 1}/${p.restarts} · ` : ''}epoch ${p.epoch} of ${p.epochs}${last}`;
      });
    });
    try {
      show(await session.fit({ plugin: s.model, options: toRawOptions(s), seed: seed.value, restarts: restarts.value }, onProgress, onEpoch));
    } finally {
      live = false;
      batch(() => {
        fitProgress.value = null;
        trainingElbo.value = null;
      });
    }
  });
}

/** BIC by K (1…max) for each covariance type, each fit through the runner. */
export function selectModels(): Promise<void> {
  void session.pause();
  return enqueue('select', async () => {
    batch(() => {
      selectionRows.value = [];
      modelError.value = null;
      notice.value = null;
    });
    const maxK = Math.min(selectionMaxK.value, dataset.value?.rows ?? 1);
    const ks = Array.from({ length: maxK }, (_, i) => i + 1);
    const initMethod = settings.value.model === 'gmm' ? settings.value.initMethod : defaultInitMethod('gmm');
    await session.selectModels(
      { ks, covariances: ['full', 'tied', 'diag', 'spherical'], initMethod, seed: seed.value, restarts: restarts.value },
      proxy((row: SelectionRow) => {
        selectionRows.value = [...selectionRows.value, row];
      }),
    );
  });
}

/**
 * Holds out the last 20 % of the rows, fits the Bernoulli mixture and the VAE to the others (the
 * page's seed), and reports both models' mean log p(x) per training and held-out row.
 */
export function compareModels(): Promise<void> {
  void session.pause();
  return enqueue(
    'compare',
    async () => {
      batch(() => {
        comparison.value = null;
        comparisonError.value = null;
        notice.value = null;
        comparisonProgress.value = { stage: 'mixture', text: 'starting…' };
      });
      const c = comparisonSettings.value;
      let live = true;
      try {
        comparison.value = await session.compare(
          {
            heldOutFraction: HELD_OUT_FRACTION,
            seed: seed.value,
            mixture: { k: c.k, restarts: c.restarts },
            vae: { latent: c.latent, hidden: c.hidden, epochs: c.epochs, learningRate: c.learningRate },
            iwaeSamples: c.iwaeSamples,
          },
          proxy((p: ComparisonProgress) => {
            if (live) comparisonProgress.value = p;
          }),
        );
      } finally {
        live = false;
        comparisonProgress.value = null;
      }
    },
    (e) => (comparisonError.value = message(e)),
  );
}

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
  const name = dataset.value?.name ?? 'data';
  const s = settings.value;
  return `${name.replace(/\.csv$/i, '')}-${s.model}-${s.model === 'vae' ? `l${s.latent}` : `k${s.k}`}`;
}

/** The model file (`emkit predict --model` reads it). */
export function exportModel(): Promise<void> {
  return enqueue('step', async () => download(await session.exportModel(), `${baseName()}-model.json`, 'application/json'));
}

/** One `label` column, or the VAE's latent means, as `emkit predict` writes them. */
export function exportLabels(): Promise<void> {
  const what = settings.value.model === 'vae' ? 'latent' : 'labels';
  return enqueue('step', async () => download(await session.exportLabels(), `${baseName()}-${what}.csv`, 'text/csv'));
}
