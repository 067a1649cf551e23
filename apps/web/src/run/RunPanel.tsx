import { activity, pause } from '../client.js';
import { dataset } from '../data/store.js';
import { restarts } from '../model/store.js';
import { NumberInput } from '../ui/inputs.js';
import { Status } from './Status.js';
import { fitModel, play, playDelay, reset, snapshot, stepE, stepM } from './store.js';

const SPEEDS: readonly [number, string][] = [
  [1000, 'slow (1 iteration/s)'],
  [500, 'medium (2 iterations/s)'],
  [100, 'quick (10 iterations/s)'],
  [0, 'as fast as it goes'],
];

/** Step E and M, play, fit. A model its view says is trained gets Train only: its steps are mini-batches, not E and M. */
export function RunPanel() {
  const snap = snapshot.value;
  const act = activity.value;
  const idle = act === 'idle';
  // Short actions (init, a step, loading) only queue: a click during one is taken after it, so
  // that a click right after editing a field (whose change re-initialises) is not lost.
  const ready = snap !== null && (idle || act === 'init' || act === 'step' || act === 'loading');
  const playing = act === 'play';
  const fitting = act === 'fit' || act === 'select' || act === 'compare';
  const training = snap?.view.training ?? null;
  return (
    <section class="panel" aria-labelledby="run-title">
      <h2 id="run-title">Run</h2>
      {training === null && (
        <>
          <div class="buttons">
            <button id="step-e" type="button" disabled={!ready || snap.state.next !== 'e'} onClick={() => void stepE()} title="E-step: responsibilities and log-likelihood at the current parameters">
              Step E
            </button>
            <button id="step-m" type="button" disabled={!ready || snap.state.next !== 'm'} onClick={() => void stepM()} title="M-step: new parameters from the last E-step">
              Step M
            </button>
            <button id="play" type="button" class={playing ? 'active' : ''} disabled={!playing && !ready} onClick={() => (playing ? pause() : void play())}>
              {playing ? 'Pause' : 'Play'}
            </button>
            <button id="reset" type="button" disabled={!(idle || playing) || dataset.value === null} onClick={() => void reset()}>
              Reset
            </button>
          </div>
          <label>
            speed
            <select id="speed" value={playDelay.value} onChange={(e) => (playDelay.value = Number(e.currentTarget.value))}>
              {SPEEDS.map(([ms, text]) => (
                <option value={ms}>{text}</option>
              ))}
            </select>
          </label>
        </>
      )}
      <div class="buttons fit-row">
        {training === null && <NumberInput id="restarts" label="restarts" value={restarts.value} min={1} disabled={!idle} onCommit={(v) => (restarts.value = Math.max(1, Math.round(v)))} />}
        <button id="fit" type="button" class="primary" disabled={!(ready || playing)} onClick={() => void fitModel()}>
          {training === null ? 'Fit' : 'Train'}
        </button>
        {fitting && (
          <button id="cancel" type="button" onClick={pause}>
            Cancel
          </button>
        )}
      </div>
      {training !== null && (
        <p class="hint">
          This model is trained, not stepped: <strong>Train</strong> runs its {training.planned} {training.unit}s in the session worker (what <code>emkit fit</code> computes, for any
          number of workers).
        </p>
      )}
      <Status />
    </section>
  );
}
