import { snapshot } from '../run/store.js';
import { useCanvas } from '../ui/inputs.js';
import { componentColor, cssColor } from './colors.js';
import { prepareCanvas } from './canvas.js';
import { plotTheme } from './theme.js';

/** One component's locations as a width×height image, dark for the view's max. */
function ComponentImage(props: { locations: Float64Array; j: number; dims: number; width: number; height: number; min: number; max: number }) {
  const ref = useCanvas(
    (canvas) => {
      const { ctx, width, height } = prepareCanvas(canvas);
      const cell = Math.min(width / props.width, height / props.height);
      const dark = plotTheme().dark;
      for (let r = 0; r < props.height; r++)
        for (let c = 0; c < props.width; c++) {
          const v = props.locations[props.j * props.dims + r * props.width + c];
          const t = Math.max(0, Math.min(1, (v - props.min) / (props.max - props.min)));
          const level = Math.round(255 * (dark ? t : 1 - t));
          ctx.fillStyle = `rgb(${level} ${level} ${level})`;
          ctx.fillRect(c * cell, r * cell, Math.ceil(cell), Math.ceil(cell));
        }
    },
    [props.locations],
  );
  return <canvas ref={ref} class="component-image" style={{ aspectRatio: `${props.width} / ${props.height}` }} aria-label={`component ${props.j + 1} as an image`} />;
}

/** Per-component images, for models whose view has them (a Bernoulli mixture's pixel probabilities). */
export function ImagesPanel() {
  const view = snapshot.value?.view;
  const images = view?.images;
  const components = view?.components;
  if (!images || !components) return null;
  return (
    <section class="plot-panel" aria-labelledby="images-title">
      <h2 id="images-title">
        Components as images <small>· {components.locationName} per column, {images.width}×{images.height}</small>
      </h2>
      <div id="component-images" class="images" data-count={components.count}>
        {Array.from({ length: components.count }, (_, j) => (
          <figure>
            <ComponentImage locations={components.locations} j={j} dims={components.dims} width={images.width} height={images.height} min={images.min} max={images.max} />
            <figcaption>
              <span class="swatch" style={{ background: cssColor(componentColor(j)) }} /> {j + 1}
              {components.weights && ` · ${components.weights[j].toFixed(3)}`}
            </figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}
