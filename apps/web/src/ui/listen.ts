/**
 * Adds `listeners` (by event type) to `target` and returns the function that removes them all:
 * an effect's set-up and its clean-up said once, `useEffect(() => listen(window, { drop }), [])`.
 */
export function listen(target: EventTarget, listeners: Readonly<Record<string, (event: never) => void>>, options?: AddEventListenerOptions): () => void {
  const entries = Object.entries(listeners) as [string, EventListener][];
  for (const [type, listener] of entries) target.addEventListener(type, listener, options);
  return () => {
    for (const [type, listener] of entries) target.removeEventListener(type, listener, options);
  };
}
