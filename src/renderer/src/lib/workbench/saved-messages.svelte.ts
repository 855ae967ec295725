import type { KeyValueStorage } from '../net/outbox.ts';
import type { PayloadMode } from './payload.ts';

export interface SavedMessage {
  id: string;
  name: string;
  mode: PayloadMode;
  text: string;
}

const KEY = 'tincan.workbench.saved';
/** Saved messages kept at most (each at most MAX_SAVED_CHARS), so storage stays small. */
export const MAX_SAVED = 100;
export const MAX_SAVED_CHARS = 64 * 1024;
const MODES = new Set<PayloadMode>(['text', 'json', 'hex', 'base64']);

/** Messages kept for sending again, across restarts (in the renderer's storage). */
export class SavedMessages {
  list = $state.raw<SavedMessage[]>([]);
  readonly #storage: KeyValueStorage;

  constructor(storage: KeyValueStorage) {
    this.#storage = storage;
    this.list = this.#load();
  }

  #load(): SavedMessage[] {
    try {
      const stored: unknown = JSON.parse(this.#storage.getItem(KEY) ?? '[]');
      if (!Array.isArray(stored)) return [];
      return stored
        .filter(
          (m): m is SavedMessage =>
            typeof m === 'object' &&
            m !== null &&
            typeof m.id === 'string' &&
            typeof m.name === 'string' &&
            typeof m.text === 'string' &&
            MODES.has(m.mode),
        )
        .slice(0, MAX_SAVED);
    } catch {
      return [];
    }
  }

  #store(): void {
    this.#storage.setItem(KEY, JSON.stringify(this.list));
  }

  /** Save (a message of the same name is replaced). False when it is too long or the list is full. */
  save(name: string, mode: PayloadMode, text: string): boolean {
    const label = name.trim() || text.slice(0, 40) || '(empty)';
    if (text.length > MAX_SAVED_CHARS) return false;
    const others = this.list.filter((m) => m.name !== label);
    if (others.length >= MAX_SAVED) return false;
    this.list = [
      ...others,
      { id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, name: label, mode, text },
    ];
    this.#store();
    return true;
  }

  remove(id: string): void {
    this.list = this.list.filter((m) => m.id !== id);
    this.#store();
  }
}
