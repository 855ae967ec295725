import { describe, expect, it } from 'vitest';
import { CHARTS_SHOWN_KEY, ChartVisibility } from '../../../../src/renderer/src/lib/feeds/chart-visibility.svelte.ts';
import { memoryStorage } from '../../helpers/memory-storage.ts';

describe('ChartVisibility', () => {
  it('starts open on a wide screen and closed on a phone until the reader chooses', () => {
    expect(new ChartVisibility(memoryStorage(), false).shown).toBe(true);
    expect(new ChartVisibility(memoryStorage(), true).shown).toBe(false);
  });

  it('remembers the choice, which then wins over the screen width', () => {
    const storage = memoryStorage();
    const wide = new ChartVisibility(storage, false);
    wide.toggle();
    expect(wide.shown).toBe(false);
    expect(storage.data.get(CHARTS_SHOWN_KEY)).toBe('false');
    expect(new ChartVisibility(storage, false).shown).toBe(false);
    const phone = new ChartVisibility(storage, true);
    phone.toggle();
    expect(new ChartVisibility(storage, true).shown).toBe(true);
  });

  it('still toggles when storage throws, and ignores a value it did not write', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {},
    };
    const v = new ChartVisibility(broken, false);
    expect(v.shown).toBe(true);
    v.toggle();
    expect(v.shown).toBe(false);
    const odd = memoryStorage();
    odd.setItem(CHARTS_SHOWN_KEY, 'maybe');
    expect(new ChartVisibility(odd, true).shown).toBe(false);
  });
});
