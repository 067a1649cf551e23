import { batch, signal } from '@preact/signals';
import { proxy } from 'comlink';
import { enqueue, notice, session } from '../client.js';
import { seed } from '../model/store.js';
import type { ComparisonProgress, ComparisonResult } from '../session/comparison.js';
import { message } from '../ui/format.js';

/** The held-out comparison on 0/1 data: which two models (the page's choice), and their settings. */
export const COMPARED = { mixture: 'bernoulli', trained: 'vae' } as const;
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
export const comparisonSettings = signal<ComparisonSettings>({ k: 3, restarts: 4, latent: 2, hidden: '32', epochs: 100, learningRate: 0.001, iwaeSamples: 64 });
export const comparison = signal<ComparisonResult | null>(null);
export const comparisonProgress = signal<ComparisonProgress | null>(null);
export const comparisonError = signal<string | null>(null);

export function clearComparison(): void {
  batch(() => {
    comparison.value = null;
    comparisonProgress.value = null;
    comparisonError.value = null;
  });
}

/**
 * Holds out the last 20 % of the rows, fits the mixture and trains the latent model on the
 * others (the page's seed), and reports both models' mean log p(x) per training and held-out row.
 */
export function compareModels(): Promise<void> {
  void session.pause();
  return enqueue(
    'compare',
    async () => {
      clearComparison();
      notice.value = null;
      comparisonProgress.value = { stage: 'mixture', text: 'starting…' };
      const c = comparisonSettings.value;
      let live = true;
      try {
        comparison.value = await session.compare(
          {
            heldOutFraction: HELD_OUT_FRACTION,
            seed: seed.value,
            mixture: { plugin: COMPARED.mixture, options: { k: c.k }, restarts: c.restarts },
            trained: {
              plugin: COMPARED.trained,
              options: { latent: c.latent, hidden: c.hidden, epochs: c.epochs, learningRate: c.learningRate, decoder: 'bernoulli', iwaeSamples: c.iwaeSamples },
            },
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
