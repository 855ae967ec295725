import type { KeyValueStorage } from '../net/outbox.ts';
import { SavedMessages } from './saved-messages.svelte.ts';
import { WorkbenchConnection } from './workbench-connection.svelte.ts';

/** Panels open side by side at most. */
export const MAX_WORKBENCH_CONNECTIONS = 6;

/** The WebSocket workbench: connections to any endpoint side by side, and the saved messages they share. */
export class Workbench {
  connections = $state.raw<WorkbenchConnection[]>([]);
  readonly saved: SavedMessages;
  readonly #defaultUrl: () => string;
  readonly #WebSocketImpl: typeof WebSocket | undefined;

  constructor(options: { storage: KeyValueStorage; defaultUrl: () => string; WebSocketImpl?: typeof WebSocket }) {
    this.saved = new SavedMessages(options.storage);
    this.#defaultUrl = options.defaultUrl;
    this.#WebSocketImpl = options.WebSocketImpl;
  }

  /** Add a panel on `url` (default: the current host's /echo), connecting at once when asked. */
  add(url = this.#defaultUrl(), connect = false): WorkbenchConnection | null {
    if (this.connections.length >= MAX_WORKBENCH_CONNECTIONS) return null;
    const panel = new WorkbenchConnection(url, this.#WebSocketImpl ? { WebSocketImpl: this.#WebSocketImpl } : {});
    this.connections = [...this.connections, panel];
    if (connect) panel.open();
    return panel;
  }

  remove(panel: WorkbenchConnection): void {
    panel.dispose();
    this.connections = this.connections.filter((p) => p !== panel);
  }

  /** Make sure there is a panel to look at. */
  ensureOne(): void {
    if (this.connections.length === 0) this.add();
  }
}
