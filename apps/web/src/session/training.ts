import { EMPTY_VIEW, runShardsInProcess, yieldToEventLoop, type AnyModelPlugin, type EStepExecutor, type TrainingView } from '@emkit/core';


export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * E-steps in this thread (as core's in-process executor), but giving the event loop a turn every
 * few tens of milliseconds, so a pause() message reaches the worker during a long training, and
 * reporting each finished unit of training that the plugin's view describes (a VAE's epochs):
 * `restart` counts up when the reported values start again from none.
 */
export function trainingExecutor(plugin: AnyModelPlugin, onUnit: (training: TrainingView, restart: number) => unknown): EStepExecutor {
  let lastTurn = performance.now();
  let units = -1;
  let restart = 0;
  return {
    async eStep(_plugin, params, data, shards, signal) {
      const training = (plugin.describeView?.(params) ?? EMPTY_VIEW).training;
      if (training !== null && training.values.length !== units) {
        if (training.values.length < units) restart++;
        units = training.values.length;
        await onUnit(training, restart);
        lastTurn = performance.now();
      } else if (performance.now() - lastTurn > 25) {
        await yieldToEventLoop();
        lastTurn = performance.now();
      }
      return runShardsInProcess(_plugin, params, data, shards, signal);
    },
  };
}
