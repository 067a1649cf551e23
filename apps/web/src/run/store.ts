import { batch, signal } from '@preact/signals';
import { proxy } from 'comlink';
import type { FitProgress } from '@emkit/core';
import { enqueue, modelError, notice, session } from '../client.js';
import { dataset } from '../data/store.js';
import { chosenOptions, modelName, restarts, seed } from '../model/store.js';
import type { FitSummary, Snapshot, TrainingProgress } from '../session/types.js';

/** The run as the page shows it: the last snapshot and what came with earlier ones. */
export const snapshot = signal<Snapshot | null>(null);
/** Responsibilities of the drawn rows from the last E-step (null: none yet). */
export const responsibilities = signal<Float64Array | null>(null);
/** The drawn rows' latent coordinates, for models with a latent space. */
export const latent = signal<Float64Array | null>(null);
/** The components' locations before each M-step since init (oldest first): the means' trail. */
export const trail = signal<readonly Float64Array[]>([]);
export const fitSummary = signal<FitSummary | null>(null);
export const fitProgress = signal<string | null>(null);
/** While a model trains: its objective per unit so far. */
export const trainingValues = signal<readonly number[] | null>(null);
/** Milliseconds between half-steps while playing (0: as fast as it goes). */
export const playDelay = signal(500);

const TRAIL_LENGTH = 60;

function show(next: Snapshot): void {
  batch(() => {
    const before = snapshot.value?.view.components;
    const after = next.view.components;
    // An M-step moved the components: remember where they were.
    if (before && after && before.count === after.count && next.state.iteration > (snapshot.value?.state.iteration ?? 0))
      trail.value = [...trail.value, before.locations].slice(-TRAIL_LENGTH);
    snapshot.value = next;
    if (next.responsibilities !== undefined) responsibilities.value = next.responsibilities;
    if (next.latent !== undefined) latent.value = next.latent;
    if (next.fit) fitSummary.value = next.fit;
  });
}

export async function initNow(): Promise<void> {
  batch(() => {
    modelError.value = null;
    notice.value = null;
    fitSummary.value = null;
    fitProgress.value = null;
    trainingValues.value = null;
    trail.value = [];
    responsibilities.value = null;
    latent.value = null;
  });
  if (!dataset.value) return;
  try {
    show(await session.init(modelName.value, chosenOptions.value, seed.value));
  } catch (error) {
    snapshot.value = null;
    throw error;
  }
}

/** Back to the starting parameters (also after any change of model, option or seed). */
export function reset(): Promise<void> {
  void session.pause();
  return enqueue('init', initNow);
}

export function stepE(): Promise<void> {
  return enqueue('step', async () => show(await session.eStep()));
}

export function stepM(): Promise<void> {
  return enqueue('step', async () => show(await session.mStep()));
}

/** Play until the run is done; the worker sends each half-step (or each iteration when fast). */
export function play(): Promise<void> {
  return enqueue('play', async () => {
    notice.value = null;
    show(await session.run(proxy((s: Snapshot) => show(s)), { delayMs: playDelay.value }));
  });
}

/** A full fit with the page's seed and options, as `emkit fit` runs it. */
export function fitModel(): Promise<void> {
  void session.pause();
  return enqueue('fit', async () => {
    batch(() => {
      modelError.value = null;
      notice.value = null;
      fitSummary.value = null;
      fitProgress.value = 'starting workers…';
      trail.value = [];
    });
    // Progress comes over its own channel and may arrive after the result: ignore it then.
    let live = true;
    const objective = snapshot.value?.capabilities.objective.name ?? 'log-likelihood';
    const onProgress = proxy((p: FitProgress) => {
      if (live) fitProgress.value = `${restarts.value > 1 ? `restart ${p.restart} (of ${restarts.value}, from 0) · ` : ''}iteration ${p.iteration} · mean ${objective} ${p.meanLogLikelihood.toFixed(6)}`;
    });
    const onTraining = proxy((p: TrainingProgress) => {
      if (!live) return;
      const last = p.values.length > 0 ? ` · ${p.values[p.values.length - 1].toFixed(4)}` : '';
      batch(() => {
        trainingValues.value = p.values;
        fitProgress.value = `${p.restarts > 1 ? `restart ${p.restart} (of ${p.restarts}, from 0) · ` : ''}${p.values.length} of ${p.planned}${last}`;
      });
    });
    try {
      const request = { plugin: modelName.value, options: chosenOptions.value, seed: seed.value, restarts: restarts.value };
      show(await session.fit(request, onProgress, onTraining));
    } finally {
      live = false;
      batch(() => {
        fitProgress.value = null;
        trainingValues.value = null;
      });
    }
  });
}
