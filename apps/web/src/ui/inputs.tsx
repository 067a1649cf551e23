import { useEffect, useRef } from 'preact/hooks';

/** A number field that commits every valid value as it is typed (K = 3 shows 3 components at once). */
export function NumberInput(props: { id: string; label: string; value: number | string; min?: number; step?: number | 'any'; title?: string; onCommit: (value: number) => void; disabled?: boolean }) {
  return (
    <label title={props.title}>
      {props.label}
      <input
        id={props.id}
        type="number"
        value={props.value}
        min={props.min}
        step={props.step ?? 1}
        disabled={props.disabled}
        onInput={(e) => {
          const v = e.currentTarget.valueAsNumber;
          if (Number.isFinite(v) && String(v) !== String(props.value)) props.onCommit(v);
        }}
      />
    </label>
  );
}

/** A text field committed on change (lists such as hidden layer sizes "64,32"). */
export function TextInput(props: { id: string; label: string; value: string; title?: string; onCommit: (value: string) => void; disabled?: boolean }) {
  return (
    <label title={props.title}>
      {props.label}
      <input id={props.id} type="text" value={props.value} disabled={props.disabled} onChange={(e) => props.onCommit(e.currentTarget.value.trim())} />
    </label>
  );
}

export function Choice(props: { id: string; label: string; value: string; choices: readonly (string | readonly [string, string])[]; title?: string; onChange: (value: string) => void; disabled?: boolean }) {
  return (
    <label title={props.title}>
      {props.label}
      <select id={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.choices.map((c) => (typeof c === 'string' ? <option value={c}>{c}</option> : <option value={c[0]}>{c[1]}</option>))}
      </select>
    </label>
  );
}

/** Redraws a canvas when its inputs change and when its box is resized. */
export function useCanvas(draw: (canvas: HTMLCanvasElement) => void, deps: unknown[]) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawRef = useRef(draw);
  drawRef.current = draw;
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    let frame = 0;
    const redraw = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => drawRef.current(canvas));
    };
    const observer = new ResizeObserver(redraw);
    observer.observe(canvas);
    // The colours follow the system theme: redraw when it changes.
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', redraw);
    return () => {
      observer.disconnect();
      scheme.removeEventListener('change', redraw);
      cancelAnimationFrame(frame);
    };
  }, []);
  // Drawn in the next animation frame: several updates in one frame draw once, and the drawing
  // is a task of its own rather than part of the message that brought the data.
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const frame = requestAnimationFrame(() => drawRef.current(canvas));
    return () => cancelAnimationFrame(frame);
  }, deps);
  return ref;
}
