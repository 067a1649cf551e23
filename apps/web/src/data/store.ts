import { signal } from '@preact/signals';
import type { DatasetInfo } from '../session/types.js';

/** The loaded data set, as the page draws it. */
export const dataset = signal<DatasetInfo | null>(null);
export const dataError = signal<string | null>(null);
/** The example loaded, or '' for a file of the user's (the Example menu shows what is loaded). */
export const loadedExample = signal<string>('');
/** The two columns the scatter plot shows. */
export const xColumn = signal(0);
export const yColumn = signal(1);
