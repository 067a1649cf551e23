import { batch, signal } from '@preact/signals';
import { proxy } from 'comlink';
import { enqueue, modelError, notice, session } from '../client.js';
import { dataset } from '../data/store.js';
import { chosenOptions, chosenPlugin, restarts, seed } from '../model/store.js';
import type { SelectionRow } from '../session/types.js';

export const selectionRows = signal<SelectionRow[]>([]);
export const selectionMaxK = signal(6);
/** The option crossed with K ('' for K only); default: the model's first option with choices. */
export const selectionVary = signal<string | null>(null);
export type Criterion = 'bic' | 'icl';
export const criterion = signal<Criterion>('bic');
/** 'competitive': the y-range of the candidates near the best; 'log': log of the distance to the best; 'all'. */
export type ChartScale = 'competitive' | 'log' | 'all';
export const chartScale = signal<ChartScale>('competitive');

/**
 * The options with choices the chosen model could cross with K: its main options (those its
 * option schema puts in no group; the start, priors and kernels pick no model).
 */
export function varyChoices(): { name: string; values: readonly string[] }[] {
  return chosenPlugin.value.optionSpecs.filter((s) => s.type === 'string' && s.group === undefined && s.choices && s.choices.length > 1).map((s) => ({ name: s.name, values: s.choices! }));
}

export function varyName(): string {
  const choices = varyChoices();
  return selectionVary.value ?? choices[0]?.name ?? '';
}

/** BIC, ICL and AIC by K (1…max), crossed with the varied option, through core's selectModel. */
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
    const name = varyName();
    const vary = varyChoices().find((c) => c.name === name);
    const request = {
      plugin: chosenPlugin.value.name,
      options: chosenOptions.value,
      ks,
      vary: vary ? { name: vary.name, values: [...vary.values] } : null,
      seed: seed.value,
      restarts: restarts.value,
    };
    const rows = await session.selectModels(
      request,
      proxy((row: SelectionRow) => {
        selectionRows.value = [...selectionRows.value, row];
      }),
    );
    selectionRows.value = rows;
  });
}
