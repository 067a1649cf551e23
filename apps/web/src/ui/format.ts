/** The exact value as text: String(x) reads back to the same double. */
export function exact(value: number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

export function fmt(value: number | null | undefined, digits = 6): string {
  if (value === null || value === undefined) return '—';
  return Math.abs(value) >= 1e12 ? value.toExponential(digits) : value.toFixed(digits);
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `learningRate` → `learning-rate`: element ids and CLI flags spell option names this way. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
