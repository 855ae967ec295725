import type { ModerationView } from '../../../../shared/moderation.ts';
import { bridgeErrorMessage } from '../bridge-error.ts';
import type { ModerationSource } from './moderation-source.ts';

/** How often the Connected table reads the host, in ms. */
export const MODERATION_REFRESH_MS = 1000;

/**
 * Reads the host's moderation view about once a second while started: the next read is scheduled
 * only after the last one answered, so a slow host is never asked twice at once, and none is made
 * while the page is hidden.
 */
export class ModerationPoller {
  view = $state.raw<ModerationView | null>(null);
  error = $state<string | null>(null);
  readonly #source: ModerationSource;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #reading: Promise<void> | undefined;

  constructor(source: ModerationSource, intervalMs = MODERATION_REFRESH_MS) {
    this.#source = source;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.refresh();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  /** Read now (after an action), then go on at the interval. */
  refresh(): Promise<void> {
    clearTimeout(this.#timer);
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
      if (this.#running) this.#timer = setTimeout(() => void this.refresh(), this.#intervalMs);
    });
    return this.#reading;
  }

  async #read(): Promise<void> {
    if (typeof document !== 'undefined' && document.hidden) return;
    try {
      this.view = await this.#source.view();
      this.error = null;
    } catch (error) {
      this.error = bridgeErrorMessage(error);
    }
  }
}
