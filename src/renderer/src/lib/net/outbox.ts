/** Where the outbox keeps its state between page loads (localStorage in the app, a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type OutgoingState = 'queued' | 'sending' | 'failed';

export interface OutgoingMessage {
  /** The client message id: the same on every retry, so the host stores it once. */
  id: string;
  room: string;
  text: string;
  createdAt: number;
  state: OutgoingState;
  /** Why it failed, for the person (failed only). */
  error?: string;
}

/**
 * Messages written but not yet acknowledged by the host, per host, in the order they were written.
 * Survives reloads. A message leaves the outbox only when its ack arrives; until then every
 * reconnect sends it again with the same id, which the host turns into one stored message.
 */
export class Outbox {
  readonly #storage: KeyValueStorage;
  readonly #key: string;
  #messages: OutgoingMessage[];

  constructor(storage: KeyValueStorage, hostKey: string) {
    this.#storage = storage;
    this.#key = `tincan.outbox.${hostKey}`;
    this.#messages = this.#load();
  }

  #load(): OutgoingMessage[] {
    try {
      const parsed: unknown = JSON.parse(this.#storage.getItem(this.#key) ?? '[]');
      if (!Array.isArray(parsed)) return [];
      return parsed
        .filter(
          (m): m is OutgoingMessage =>
            typeof m === 'object' &&
            m !== null &&
            typeof m.id === 'string' &&
            typeof m.room === 'string' &&
            typeof m.text === 'string',
        )
        .map((m) => ({ ...m, state: m.state === 'failed' ? 'failed' : 'queued' })); // nothing is in flight after a reload
    } catch {
      return [];
    }
  }

  #save(): void {
    if (this.#messages.length === 0) this.#storage.removeItem(this.#key);
    else this.#storage.setItem(this.#key, JSON.stringify(this.#messages));
  }

  all(): readonly OutgoingMessage[] {
    return this.#messages;
  }

  forRoom(room: string): OutgoingMessage[] {
    return this.#messages.filter((m) => m.room === room);
  }

  get(id: string): OutgoingMessage | undefined {
    return this.#messages.find((m) => m.id === id);
  }

  add(message: Omit<OutgoingMessage, 'state'>): OutgoingMessage {
    const entry: OutgoingMessage = { ...message, state: 'queued' };
    this.#messages.push(entry);
    this.#save();
    return entry;
  }

  setState(id: string, state: OutgoingState, error?: string): void {
    const i = this.#messages.findIndex((m) => m.id === id);
    if (i < 0) return;
    const { error: _previous, ...rest } = this.#messages[i]!;
    // A new object rather than the old one changed: a list keyed by id (the room view's) redraws a
    // row only when its item is a new object, so a message failing after it was drawn showed as
    // "Sending…" for good.
    this.#messages[i] = error === undefined ? { ...rest, state } : { ...rest, state, error };
    this.#save();
  }

  /** The host has it: drop it. Returns whether it was here. */
  acknowledge(id: string): boolean {
    const before = this.#messages.length;
    this.#messages = this.#messages.filter((m) => m.id !== id);
    if (this.#messages.length === before) return false;
    this.#save();
    return true;
  }

  /** After a disconnect nothing is in flight: what was sending goes back to the queue. */
  requeueSending(): void {
    if (!this.#messages.some((m) => m.state === 'sending')) return;
    this.#messages = this.#messages.map((m) => (m.state === 'sending' ? { ...m, state: 'queued' } : m));
    this.#save();
  }

  /** Give up on a failed message. */
  discard(id: string): void {
    this.acknowledge(id);
  }
}
