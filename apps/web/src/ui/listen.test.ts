import { describe, expect, it } from 'vitest';
import { listen } from './listen.js';

describe('listen', () => {
  it('adds each listener by its event type, and the returned function removes them all', () => {
    const target = new EventTarget();
    const seen: string[] = [];
    const stop = listen(target, { drop: (e: Event) => seen.push(`drop ${e.type}`), dragover: () => seen.push('over') });
    target.dispatchEvent(new Event('drop'));
    target.dispatchEvent(new Event('dragover'));
    target.dispatchEvent(new Event('other'));
    expect(seen).toEqual(['drop drop', 'over']);
    stop();
    target.dispatchEvent(new Event('drop'));
    target.dispatchEvent(new Event('dragover'));
    expect(seen).toEqual(['drop drop', 'over']);
  });
});
