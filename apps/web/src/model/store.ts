import { computed, signal } from '@preact/signals';
import { PLUGINS, pluginNamed } from '../models.js';
import { rawOptions } from './forms.js';

/** The chosen model and the form's text by option name (shared across models: K stays K). */
export const modelName = signal<string>(PLUGINS[0].name);
export const formValues = signal<Readonly<Record<string, string>>>({});
export const seed = signal(0);
export const restarts = signal(1);

export const chosenPlugin = computed(() => pluginNamed(modelName.value));
/** The raw options the form gives the chosen model (what its parseOptions validates). */
export const chosenOptions = computed(() => rawOptions(chosenPlugin.value, formValues.value));
