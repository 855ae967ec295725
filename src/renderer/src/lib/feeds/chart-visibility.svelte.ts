import type { KeyValueStorage } from '../net/outbox.ts';

/** Where the reader's choice is kept (one choice for every room: charts are either in their way or not). */
export const CHARTS_SHOWN_KEY = 'tincan.charts.shown';

/**
 * Whether a room's feed charts are open. The reader's last choice is remembered; until they make
 * one, charts start open on a wide screen and closed on a phone, where they would leave no room for
 * the messages.
 */
export class ChartVisibility {
  shown = $state(true);
  readonly #storage: KeyValueStorage;

  constructor(storage: KeyValueStorage, narrow: boolean) {
    this.#storage = storage;
    let saved: string | null = null;
    try {
      saved = storage.getItem(CHARTS_SHOWN_KEY);
    } catch {
      // Storage refused (a private window's quota): the default holds.
    }
    this.shown = saved === 'true' ? true : saved === 'false' ? false : !narrow;
  }

  toggle(): void {
    this.shown = !this.shown;
    try {
      this.#storage.setItem(CHARTS_SHOWN_KEY, String(this.shown));
    } catch {
      // Not remembered, still toggled.
    }
  }
}
