import { notice } from '../client.js';
import { exact, fmt } from '../ui/format.js';
import { fitProgress, fitSummary, snapshot } from './store.js';

/** Where the run stands, and the last fit's summary (data-* attributes carry exact values for tests). */
export function Status() {
  const snap = snapshot.value;
  const fit = fitSummary.value;
  const history = snap?.state.history ?? [];
  const last = history.length > 0 ? history[history.length - 1] : null;
  const training = snap?.view.training ?? null;
  const trained = training?.values.at(-1) ?? null;
  const objective = snap?.capabilities.objective.name ?? 'log-likelihood';
  return (
    <div class="status" aria-live="polite">
      {snap && training === null && (
        <p id="step-status" data-iteration={snap.state.iteration} data-next-step={snap.state.next} data-converged={String(snap.state.converged)} data-mean-log-likelihood={exact(last)}>
          iteration {snap.state.iteration} · next: {snap.state.next === 'e' ? 'E-step' : 'M-step'}
          {last !== null && ` · mean ${objective} ${fmt(last)}`}
          {snap.state.converged && ' · converged'}
        </p>
      )}
      {snap && training !== null && (
        <p id="step-status" data-iteration={snap.state.iteration} data-epoch={training.values.length} data-epochs={training.planned} data-converged={String(snap.state.converged)} data-elbo={exact(trained)}>
          {training.values.length === 0 ? 'untrained (initial weights)' : `${training.unit} ${training.values.length} of ${training.planned} · ${snap.state.iteration} steps`}
          {trained !== null && ` · ${training.objective} ${fmt(trained)}`}
        </p>
      )}
      {snap && training === null && snap.state.monotonicityViolations.length > 0 && (
        <p class="warning">the {objective} went down at {snap.state.monotonicityViolations.length} iteration(s) (beyond round-off)</p>
      )}
      {fitProgress.value && <p class="progress">{fitProgress.value}</p>}
      {fit && (
        <dl
          id="fit-result"
          data-mean-log-likelihood={exact(fit.meanLogLikelihood)}
          data-iterations={fit.iterations}
          data-converged={String(fit.converged)}
          data-bic={exact(fit.bic)}
          data-restarts={fit.restarts}
          data-milliseconds={fit.milliseconds}
        >
          <dt>{training ? training.objective : `mean ${objective}`}</dt>
          <dd>{fmt(fit.meanLogLikelihood, 9)}</dd>
          <dt>iterations</dt>
          <dd>{training ? `${fit.iterations} steps (${training.planned} ${training.unit}s)` : `${fit.iterations} (${fit.converged ? 'converged' : 'did not converge'})`}</dd>
          {fit.bic !== null && training === null && (
            <>
              <dt>BIC / AIC</dt>
              <dd>
                {fmt(fit.bic, 3)} / {fmt(fit.aic, 3)}
              </dd>
            </>
          )}
          {fit.parameterCount !== null && (
            <>
              <dt>free parameters</dt>
              <dd>{fit.parameterCount.toLocaleString('en')}</dd>
            </>
          )}
          <dt>restarts</dt>
          <dd>{fit.restarts > 1 ? `${fit.restarts} (best: restart ${fit.restart}, numbered from 0 as in the model file)` : '1'}</dd>
          <dt>{fit.workers === 0 ? 'ran in' : 'workers'}</dt>
          <dd>
            {fit.workers === 0 ? 'the session worker' : `${fit.workers} (${fit.sharedMemory ? 'shared memory' : 'copied shards'})`} · {fit.milliseconds.toFixed(0)} ms
          </dd>
        </dl>
      )}
      {notice.value && <p class="notice">{notice.value}</p>}
    </div>
  );
}
