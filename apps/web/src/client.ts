import { batch, computed, signal } from '@preact/signals';
import { wrap, type Remote } from 'comlink';
import type { Session } from './session/session.js';
import { message } from './ui/format.js';

/*
 * The session worker and the queue of actions on it. Every computation is a call on the worker;
 * actions run one at a time, except pause, which must reach the worker while a play, fit or
 * model selection is running.
 */

export type Activity = 'starting' | 'idle' | 'loading' | 'init' | 'step' | 'play' | 'fit' | 'select' | 'compare';

const worker = new Worker(new URL('./workers/session.worker.ts', import.meta.url), { type: 'module' });
export const session: Remote<Session> = wrap<Session>(worker);

export const activity = signal<Activity>('starting');
export const busy = computed(() => activity.value !== 'idle');
/** Actions finished so far (the page publishes it, so a test can wait for the one it started). */
export const completedActions = signal(0);
export const modelError = signal<string | null>(null);
export const notice = signal<string | null>(null);

const CANCELLED: Partial<Record<Activity, string>> = { fit: 'fit cancelled', select: 'model selection cancelled', compare: 'comparison cancelled' };

let queue: Promise<void> = Promise.resolve();

/** Runs `task` after every earlier action, with `activity` set; its errors go to `onError` (default: modelError). */
export function enqueue(kind: Activity, task: () => Promise<void>, onError: (error: unknown) => void = (e) => (modelError.value = message(e))): Promise<void> {
  queue = queue.then(async () => {
    activity.value = kind;
    try {
      await task();
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') notice.value = CANCELLED[kind] ?? null;
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

/** Stops a play, a fit or a model selection at the worker's next chance. */
export function pause(): void {
  void session.pause();
}
