import { Connection } from '../net/connection.svelte.ts';
import { DEFAULT_RECONNECT, type ReconnectPolicy } from '../net/reconnect-policy.ts';
import { closeProblem, type CloseProblem } from './close-request.ts';
import { importTimeline, type ImportResult } from './ndjson.ts';
import { buildPayload, type PayloadMode } from './payload.ts';
import { replay, type Replay, type ReplayResult } from './replay.ts';
import { DEFAULT_FILTER, type TimelineFilter } from './timeline-filter.ts';

export type SendProblem = 'json' | 'hex' | 'base64' | 'notOpen';

/** Subprotocols as typed: separated by commas or spaces. */
export function parseProtocols(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** A ws:// or wss:// URL, or null. */
export function parseEndpoint(text: string): string | null {
  try {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- parsed once, never changed
    const url = new URL(text.trim());
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url.href : null;
  } catch {
    return null;
  }
}

let ids = 0;

/** One workbench panel: a Connection to any endpoint, with what the user is composing and filtering. */
export class WorkbenchConnection {
  readonly id = ++ids;
  readonly connection: Connection;
  urlDraft = $state('');
  protocolsDraft = $state('');
  urlInvalid = $state(false);
  mode = $state<PayloadMode>('text');
  draft = $state('');
  sendProblem = $state<SendProblem | null>(null);
  sendDetail = $state('');
  closeCode = $state('1000');
  closeReason = $state('');
  closeError = $state<CloseProblem | null>(null);
  autoReconnect = $state(false);
  policy = $state.raw<ReconnectPolicy>(DEFAULT_RECONNECT);
  filter = $state.raw<TimelineFilter>(DEFAULT_FILTER);
  imported = $state.raw<ImportResult | null>(null);
  replaying = $state(false);
  replayResult = $state.raw<ReplayResult | null>(null);
  #replay: Replay | null = null;

  constructor(url: string, options: { WebSocketImpl?: typeof WebSocket } = {}) {
    this.urlDraft = url;
    this.connection = new Connection({ url, ...options });
  }

  /** Nothing tried yet: no socket, no close, no error (the browser's readyState 3 would say CLOSED). */
  get idle(): boolean {
    const conn = this.connection;
    return conn.readyState === 3 && conn.lastClose === null && conn.lastError === null;
  }

  /**
   * Connect is offered only while no socket is connecting, open or closing: a second socket would
   * replace the first, whose close would then never be seen. Close first to connect elsewhere.
   */
  get canConnect(): boolean {
    return this.connection.readyState === 3;
  }

  /** Connect to what the URL and subprotocol fields say; false while a socket is up (see canConnect). */
  open(): boolean {
    if (!this.canConnect) return false;
    const url = parseEndpoint(this.urlDraft);
    this.urlInvalid = url === null;
    if (!url) return false;
    const conn = this.connection;
    conn.url = url;
    conn.protocols = parseProtocols(this.protocolsDraft);
    conn.reconnect = this.autoReconnect ? this.policy : null;
    conn.reconnectNow();
    return true;
  }

  setAutoReconnect(on: boolean, policy: ReconnectPolicy = this.policy): void {
    this.autoReconnect = on;
    this.policy = policy;
    this.connection.reconnect = on ? policy : null;
  }

  /** Send the composer's text as its mode says; false (with the problem set) when it cannot. */
  send(): boolean {
    const payload = buildPayload(this.mode, this.draft);
    if (!payload.ok) {
      this.sendProblem = payload.problem;
      this.sendDetail = payload.detail ?? '';
      return false;
    }
    return this.sendData(payload.data);
  }

  sendData(data: string | Uint8Array | Blob): boolean {
    const ok = this.connection.send(data);
    this.sendProblem = ok ? null : 'notOpen';
    this.sendDetail = '';
    return ok;
  }

  /** Close with the code and reason typed, checked as the browser API requires. */
  close(): boolean {
    const code = Number(this.closeCode.trim());
    this.closeError = this.closeCode.trim() === '' ? 'code' : closeProblem(code, this.closeReason);
    if (this.closeError) return false;
    return this.connection.close(code, this.closeReason);
  }

  import(text: string): ImportResult {
    this.imported = importTimeline(text);
    this.replayResult = null;
    return this.imported;
  }

  async replay(timing: 'recorded' | 'fast'): Promise<ReplayResult | null> {
    const frames = this.imported?.frames;
    if (!frames || this.replaying) return null;
    this.replaying = true;
    this.replayResult = null;
    this.#replay = replay(frames, this.connection, { timing });
    try {
      const result = await this.#replay.done;
      this.replayResult = result;
      return result;
    } finally {
      this.replaying = false;
      this.#replay = null;
    }
  }

  cancelReplay(): void {
    this.#replay?.cancel();
  }

  dispose(): void {
    this.cancelReplay();
    this.connection.close();
  }
}
