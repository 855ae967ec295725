import { WebSocket } from 'ws';
import {
  decodeHostFrame,
  PROTOCOL_VERSION,
  type ClientFrameInput,
  type HostFrame,
  type HostFrameOf,
  type HostFrameType,
} from '../../src/shared/protocol/index.ts';

export interface CloseInfo {
  code: number;
  reason: string;
}

type Waiter = {
  match: (f: HostFrame) => boolean;
  resolve: (f: HostFrame) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
};

/**
 * A real WebSocket client for tests: records every host frame (validated against the protocol's
 * schemas, so a host that sends a malformed frame fails the test) and lets a test await the next
 * frame matching a predicate.
 */
export class TestClient {
  readonly ws: WebSocket;
  readonly frames: HostFrame[] = [];
  readonly closed: Promise<CloseInfo>;
  #cursor = 0;
  #waiters: Waiter[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('host sent a binary frame');
      const decoded = decodeHostFrame(data.toString());
      if (!decoded.ok)
        throw new Error(`host sent an invalid frame (${decoded.message}): ${data.toString().slice(0, 200)}`);
      this.frames.push(decoded.frame);
      this.#settle();
    });
    this.closed.then(() => {
      for (const w of this.#waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error('connection closed while waiting for a frame'));
      }
    });
  }

  static open(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<TestClient> {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Open and say hello; resolves with the welcome. */
  static async greeted(
    url: string,
    nick = 'ann',
    deviceId = `device-${nick}-0000`,
    extra: Partial<ClientFrameInput> = {},
  ): Promise<TestClient> {
    const client = await TestClient.open(url);
    client.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      client: { name: 'test', version: '1' },
      deviceId,
      nick,
      ...extra,
    } as ClientFrameInput);
    await client.next('welcome');
    return client;
  }

  send(frame: ClientFrameInput | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next unread frame of `type` matching `where`; frames before it are skipped. */
  next<T extends HostFrameType>(
    type: T,
    where: (f: HostFrameOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<HostFrameOf<T>> {
    const match = (f: HostFrame) => f.type === type && where(f as HostFrameOf<T>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out waiting for ${type}; got ${JSON.stringify(this.frames.slice(-5))}`));
      }, timeoutMs);
      this.#waiters.push({ match, resolve: resolve as (f: HostFrame) => void, reject, timer });
      this.#settle();
    });
  }

  /** The next unread frame of any type matching `where` (e.g. a reply or an error with one ref). */
  nextWhere(where: (f: HostFrame) => boolean, timeoutMs = 5000): Promise<HostFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out waiting for a frame; got ${JSON.stringify(this.frames.slice(-5))}`));
      }, timeoutMs);
      this.#waiters.push({ match: where, resolve, reject, timer });
      this.#settle();
    });
  }

  /** Every frame of `type` received so far. */
  all<T extends HostFrameType>(type: T): HostFrameOf<T>[] {
    return this.frames.filter((f) => f.type === type) as HostFrameOf<T>[];
  }

  #settle(): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters[0]!;
      let found = -1;
      for (let i = this.#cursor; i < this.frames.length; i++) {
        if (waiter.match(this.frames[i]!)) {
          found = i;
          break;
        }
      }
      if (found < 0) return;
      this.#waiters.shift();
      this.#cursor = found + 1;
      clearTimeout(waiter.timer);
      waiter.resolve(this.frames[found]!);
    }
  }

  close(): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}
