import { activity, pause } from '../client.js';
import { dataset } from '../data/store.js';
import { seed } from '../model/store.js';
import { LineChart, type Series } from '../plots/LineChart.js';
import type { ComparisonResult } from '../session/comparison.js';
import { exact, fmt } from '../ui/format.js';
import { NumberInput, TextInput } from '../ui/inputs.js';
import { COMPARED, HELD_OUT_FRACTION, compareModels, comparison, comparisonError, comparisonProgress, comparisonSettings, type ComparisonSettings } from './store.js';

/** Rows 1…train and the held-out rows after them, for `rows` rows. */
function split(rows: number): { train: number; heldOut: number } {
  const heldOut = Math.round(rows * HELD_OUT_FRACTION);
  return { train: rows - heldOut, heldOut };
}

function chartSeries(curve: readonly number[], result: ComparisonResult | null): Series[] {
  const epochs = curve.length;
  const flat = (value: number) => (epochs > 0 ? [[1, value] as const, [epochs, value] as const] : []);
  const series: Series[] = [{ label: `${COMPARED.trained}: training objective`, color: '#e15759', points: curve.map((v, i) => [i + 1, v] as const) }];
  if (result) {
    series.push({ label: `${COMPARED.mixture}: training`, color: '#4e79a7', points: flat(result.mixture.train) });
    series.push({ label: `${COMPARED.mixture}: held-out`, color: '#76b7b2', points: flat(result.mixture.heldOut) });
    series.push({ label: `${COMPARED.trained}: held-out`, color: '#f28e2b', points: flat(result.trained.heldOut) });
  }
  return series;
}

/** The held-out comparison of a Bernoulli mixture and a VAE on 0/1 data (shown for 0/1 data only). */
export function ComparisonPanel() {
  const info = dataset.value;
  if (!info?.binary) return null;
  const c = comparisonSettings.value;
  const result = comparison.value;
  const progress = comparisonProgress.value;
  const idle = activity.value === 'idle';
  const { train, heldOut } = split(info.rows);
  const set = (patch: Partial<ComparisonSettings>) => (comparisonSettings.value = { ...comparisonSettings.value, ...patch });
  const curve = progress?.values ?? result?.trained.curve ?? [];
  return (
    <section class="plot-panel" aria-labelledby="comparison-title" id="comparison-panel">
      <h2 id="comparison-title">
        Held-out comparison: {COMPARED.mixture} mixture vs {COMPARED.trained}
      </h2>
      <p class="hint" id="comparison-split" data-train-rows={train} data-held-out-rows={heldOut}>
        Both models are fitted to rows 1–{train}; the last {Math.round(HELD_OUT_FRACTION * 100)} % (rows {train + 1}–{info.rows}, {heldOut} rows) are held out. Same seed for both
        ({seed.value}, set under Model). Each model’s log p(x) is its own score: the mixture’s exact log-likelihood, the VAE’s importance-weighted (IWAE) estimate with k samples.
      </p>
      <div class="compare-settings">
        <NumberInput id="cmp-k" label="mixture K" value={c.k} min={1} disabled={!idle} onCommit={(k) => set({ k: Math.max(1, Math.round(k)) })} />
        <NumberInput id="cmp-restarts" label="restarts" value={c.restarts} min={1} disabled={!idle} onCommit={(v) => set({ restarts: Math.max(1, Math.round(v)) })} />
        <NumberInput id="cmp-latent" label="VAE latent" value={c.latent} min={1} disabled={!idle} onCommit={(latent) => set({ latent })} />
        <TextInput id="cmp-hidden" label="hidden" value={c.hidden} disabled={!idle} onCommit={(hidden) => set({ hidden })} />
        <NumberInput id="cmp-epochs" label="epochs" value={c.epochs} min={1} disabled={!idle} onCommit={(epochs) => set({ epochs })} />
        <NumberInput id="cmp-learning-rate" label="learning rate" value={c.learningRate} min={0} step="any" disabled={!idle} onCommit={(learningRate) => set({ learningRate })} />
        <NumberInput id="cmp-iwae" label="IWAE k" value={c.iwaeSamples} min={1} disabled={!idle} onCommit={(v) => set({ iwaeSamples: Math.max(1, Math.round(v)) })} />
      </div>
      <div class="buttons">
        <button id="compare" type="button" class="primary" disabled={!idle} onClick={() => void compareModels()}>
          Compare
        </button>
        {activity.value === 'compare' && (
          <button id="cancel-compare" type="button" onClick={pause}>
            Cancel
          </button>
        )}
        {progress && <span class="progress">{progress.text}</span>}
      </div>
      {comparisonError.value && (
        <p id="comparison-error" class="error" role="alert">
          {comparisonError.value}
        </p>
      )}
      {result && <ComparisonTable result={result} />}
      <LineChart id="comparison-chart" series={chartSeries(curve, result)} xTitle="epoch" yTitle="mean log p(x) per row" emptyText="press Compare to fit both models on the training rows" />
    </section>
  );
}

function ComparisonTable({ result }: { result: ComparisonResult }) {
  const { mixture: m, trained: v } = result;
  const gap = m.heldOut - v.heldOut;
  const k = comparisonSettings.value.iwaeSamples;
  return (
    <>
      <table
        id="comparison"
        class="comparison"
        data-mixture-held-out={exact(m.heldOut)}
        data-mixture-train={exact(m.train)}
        data-vae-held-out={exact(v.heldOut)}
        data-vae-train={exact(v.train)}
        data-vae-train-elbo={exact(v.objective)}
        data-train-rows={result.trainRows}
        data-held-out-rows={result.heldOutRows}
        data-seed={result.seed}
      >
        <thead>
          <tr>
            <th>mean log p(x) per row, nats</th>
            <th>{m.plugin} (exact)</th>
            <th>
              {v.plugin} (IWAE, k = {k})
            </th>
          </tr>
        </thead>
        <tbody>
          <tr class="key">
            <th>held out ({result.heldOutRows} rows)</th>
            <td id="mixture-held-out" class={gap >= 0 ? 'best' : ''}>
              {fmt(m.heldOut, 4)}
            </td>
            <td id="vae-held-out" class={gap < 0 ? 'best' : ''}>
              {fmt(v.heldOut, 4)}
            </td>
          </tr>
          <tr>
            <th>training ({result.trainRows} rows)</th>
            <td id="mixture-train">{fmt(m.train, 4)}</td>
            <td id="vae-train">{fmt(v.train, 4)}</td>
          </tr>
          <tr>
            <th>the fit’s own objective</th>
            <td>{fmt(m.objective, 4)}</td>
            <td>{fmt(v.objective, 4)}</td>
          </tr>
          <tr>
            <th>free parameters</th>
            <td>{m.parameterCount ?? '—'}</td>
            <td>{v.parameterCount?.toLocaleString('en') ?? '—'}</td>
          </tr>
          <tr>
            <th>fit</th>
            <td>
              {m.restarts} restart(s), best {m.restart} (from 0) · {m.iterations} iterations{m.converged ? '' : ', not converged'} · {m.workers} workers · {m.milliseconds.toFixed(0)} ms
            </td>
            <td>
              {v.curve.length} epochs · {v.iterations} steps · session worker · {v.milliseconds.toFixed(0)} ms
            </td>
          </tr>
        </tbody>
      </table>
      <p class="summary" id="comparison-summary">
        On the held-out rows the {gap >= 0 ? m.plugin : v.plugin} is higher by {Math.abs(gap).toFixed(4)} nats per row (seed {result.seed}).
      </p>
    </>
  );
}
