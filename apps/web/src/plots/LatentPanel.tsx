import { useMemo } from 'preact/hooks';
import { dataset, xColumn } from '../data/store.js';
import { latent, snapshot } from '../run/store.js';
import { useCanvas } from '../ui/inputs.js';
import { RAMP, columnColors, cssColor } from './colors.js';
import { drawScatter } from './scatter.js';
import { plotTheme } from './theme.js';
import { fitWindow } from './viewport.js';

/** A model's latent space (its view's latent columns of predictTable), each row coloured by the data's x column. */
export function LatentPanel() {
  const info = dataset.value;
  const view = snapshot.value?.view.latent ?? null;
  const coordinates = latent.value;
  const x = xColumn.value;
  const colors = useMemo(() => (info ? columnColors(info.drawn, info.drawnRows, info.cols, x) : new Uint32Array(0)), [info, x]);
  const dims = view?.dims ?? 0;
  const ref = useCanvas(
    (canvas) => {
      if (!info || !view || !coordinates || dims < 2) return;
      drawScatter(canvas, {
        values: coordinates,
        rows: info.drawnRows,
        cols: dims,
        x: 0,
        y: 1,
        xTitle: view.columns[0],
        yTitle: view.columns[1],
        colors,
        binary: false,
        window: fitWindow(coordinates, info.drawnRows, dims, 0, 1, [], false),
        components: [],
        trail: [],
        theme: plotTheme(),
      });
    },
    [coordinates, colors, view],
  );
  if (!info || !view) return null;
  const name = info.columns[x] ?? `column ${x + 1}`;
  return (
    <section class="plot-panel" aria-labelledby="latent-title">
      <h2 id="latent-title">Latent space: {view.description}</h2>
      {dims >= 2 ? (
        <>
          <div id="latent-view" data-points={coordinates ? info.drawnRows : 0}>
            <canvas ref={ref} class="scatter latent" aria-label={`the latent coordinates ${view.columns.join(', ')} of each row`} />
          </div>
          <ul class="legend">
            <li>
              <span class="swatch" style={{ background: cssColor(RAMP[0]) }} />
              {info.binary ? `${name} = 0` : `lowest ${name}`}
            </li>
            <li>
              <span class="swatch" style={{ background: cssColor(RAMP[1]) }} />
              {info.binary ? `${name} = 1` : `highest ${name}`}
            </li>
            <li class="hint">each row at its {view.description} ({view.columns.slice(0, 2).join(', ')}), coloured by the x column chosen under Data</li>
          </ul>
        </>
      ) : (
        <p id="latent-note" class="hint">
          The latent view needs 2 dimensions (this model has {dims}); the per-row CSV under Export has them all.
        </p>
      )}
    </section>
  );
}
