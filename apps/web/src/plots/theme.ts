/** Canvas and chart colours from the page's CSS custom properties, which follow prefers-color-scheme. */
export interface PlotTheme {
  readonly background: string;
  readonly grid: string;
  readonly ink: string;
  readonly frame: string;
  /** The fill behind a component's mean marker and the halo around its ellipses. */
  readonly halo: string;
  readonly dark: boolean;
}

export function plotTheme(): PlotTheme {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read('--plot-bg', '#fff'),
    grid: read('--plot-grid', '#e6e8eb'),
    ink: read('--plot-ink', '#4a4f57'),
    frame: read('--plot-frame', '#b9bec5'),
    halo: read('--plot-halo', 'rgb(255 255 255 / 0.8)'),
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
  };
}
