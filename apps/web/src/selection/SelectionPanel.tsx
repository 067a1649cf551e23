import { activity } from '../client.js';
import { dataset } from '../data/store.js';
import { componentColor, cssColor } from '../plots/colors.js';
import { LineChart, type Series } from '../plots/LineChart.js';
import { snapshot } from '../run/store.js';
import type { SelectionRow } from '../session/types.js';
import { fmt } from '../ui/format.js';
import { Choice, NumberInput } from '../ui/inputs.js';
import { aboveBest, competitiveRange } from './range.js';
import { chartScale, criterion, selectModels, selectionMaxK, selectionRows, selectionVary, varyChoices, varyName, type ChartScale, type Criterion } from './store.js';

function chartSeries(rows: readonly SelectionRow[], which: Criterion, scale: ChartScale): Series[] {
  const variants = [...new Set(rows.map((r) => r.variant))];
  const values = rows.map((r) => r[which]);
  const shown = scale === 'log' ? aboveBest(values) : values;
  return variants.map((variant, q) => ({
    label: variant || which.toUpperCase(),
    color: cssColor(componentColor(q)),
    points: rows.flatMap((r, i) => (r.variant === variant ? [[r.k, shown[i]] as const] : [])),
  }));
}

/** BIC or ICL by K through core's selectModel (failed candidates included), for models with K and a likelihood. */
export function SelectionPanel() {
  const caps = snapshot.value?.capabilities;
  if (!caps?.hasK || !caps.likelihood || snapshot.value?.view.training) return null;
  const rows = selectionRows.value;
  const act = activity.value;
  const which = criterion.value;
  const scale = chartScale.value;
  const vary = varyName();
  const choices = varyChoices();
  const best = rows.reduce<SelectionRow | null>((b, r) => (r[which] !== null && (b === null || r[which]! < b[which]!) ? r : b), null);
  const range = scale === 'competitive' ? competitiveRange(rows.map((r) => r[which])) : null;
  const total = selectionMaxK.value * Math.max(1, choices.find((c) => c.name === vary)?.values.length ?? 1);
  return (
    <section class="plot-panel" aria-labelledby="selection-title">
      <h2 id="selection-title">
        Model selection by K{vary && ` and ${vary}`} <small>· core’s selectModel, the table of <code>emkit select</code></small>
      </h2>
      <div class="buttons">
        <NumberInput id="max-k" label="max K" value={selectionMaxK.value} min={1} disabled={act !== 'idle'} onCommit={(v) => (selectionMaxK.value = Math.max(1, Math.min(20, Math.round(v))))} />
        <Choice id="vary" label="also vary" value={vary} choices={[['', 'nothing'], ...choices.map((c) => [c.name, c.name] as const)]} disabled={act !== 'idle'} onChange={(v) => (selectionVary.value = v)} />
        <button id="select-models" type="button" disabled={act !== 'idle' || dataset.value === null} onClick={() => void selectModels()}>
          Select
        </button>
        {act === 'select' && (
          <span class="progress">
            fitting… {rows.length} of {total}
          </span>
        )}
      </div>
      <div class="buttons">
        <Choice id="criterion" label="criterion" value={which} choices={[['bic', 'BIC'], ['icl', 'ICL']]} onChange={(v) => (criterion.value = v as Criterion)} />
        <Choice id="chart-scale" label="y-axis" value={scale} choices={[['competitive', 'competitive range'], ['log', 'log (distance to best)'], ['all', 'everything']]} onChange={(v) => (chartScale.value = v as ChartScale)} />
      </div>
      <LineChart
        id="bic"
        series={chartSeries(rows, which, scale)}
        xTitle="K"
        yTitle={scale === 'log' ? `${which.toUpperCase()} − best + 1 (log)` : `${which.toUpperCase()} (lower is better)`}
        yRange={range}
        log={scale === 'log'}
        emptyText="press Select to fit every candidate for K = 1…max"
        data={{ 'y-range': range ? JSON.stringify(range) : undefined, scale, criterion: which }}
      />
      {rows.length > 0 && <SelectionTable rows={rows} vary={vary} best={best} />}
      {best && (
        <p class="summary" id="selection-best">
          lowest {which.toUpperCase()}: {best.variant && `${vary} ${best.variant}, `}K = {best.k}
        </p>
      )}
    </section>
  );
}

function SelectionTable({ rows, vary, best }: { rows: readonly SelectionRow[]; vary: string; best: SelectionRow | null }) {
  return (
    <table id="bic-table">
      <thead>
        <tr>
          {vary && <th>{vary}</th>}
          <th>K</th>
          <th>parameters</th>
          <th>mean {rows.find((r) => r.objective !== null)?.objective ?? 'log-lik.'}</th>
          <th>BIC</th>
          <th>ICL</th>
          <th>AIC</th>
          <th>iterations</th>
          <th>status</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr class={r === best ? 'best' : ''} data-status={r.status}>
            {vary && <td>{r.variant}</td>}
            <td>{r.k}</td>
            <td>{r.parameterCount ?? '—'}</td>
            <td>{fmt(r.meanLogLikelihood, 4)}</td>
            <td>{fmt(r.bic, 1)}</td>
            <td>{fmt(r.icl, 1)}</td>
            <td>{fmt(r.aic, 1)}</td>
            <td>{r.iterations === null ? '—' : `${r.iterations}${r.converged ? '' : ' (not converged)'}`}</td>
            <td title={r.error ?? undefined}>{r.status === 'ok' ? (r.best ? 'best (selectModel)' : 'ok') : `failed: ${r.error}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
