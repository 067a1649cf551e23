import { marginalCovariance, type ComponentsView } from '@emkit/core';
import { mixedColors, uncertaintyColors } from './colors.js';
import type { DrawnComponent } from './viewport.js';

/** The components as drawn in columns (x, y): location and 2×2 marginal covariance (null without covariances). */
export function drawnComponents(view: ComponentsView | null, x: number, y: number): DrawnComponent[] {
  if (view === null || x >= view.dims || y >= view.dims) return [];
  return Array.from({ length: view.count }, (_, j) => ({
    location: [view.locations[j * view.dims + x], view.locations[j * view.dims + y]] as const,
    covariance: marginalCovariance(view, j, x, y),
  }));
}

/** Each component's earlier locations (from the trail of K×D snapshots) in columns (x, y). */
export function trailPaths(trail: readonly Float64Array[], view: ComponentsView | null, x: number, y: number): [number, number][][] {
  if (view === null || x >= view.dims || y >= view.dims) return [];
  const d = view.dims;
  return Array.from({ length: view.count }, (_, j) => trail.filter((t) => t.length === view.count * d).map((t) => [t[j * d + x], t[j * d + y]] as [number, number]));
}

export type ColorMode = 'responsibility' | 'uncertainty';

/** Point colours: the responsibility-weighted mix of component colours, or the uncertainty ramp. */
export function pointColors(mode: ColorMode, responsibilities: Float64Array | null, rows: number, k: number): { colors: Uint32Array; uncertainty: Float64Array | null } {
  const usable = responsibilities !== null && k > 0 && responsibilities.length === rows * k ? responsibilities : null;
  if (mode === 'uncertainty' && usable) return uncertaintyColors(usable, rows, k);
  return { colors: mixedColors(usable, rows, k), uncertainty: null };
}
