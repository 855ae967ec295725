// A lean WebSocket client for the load generator. One process has to keep up with up to 1000
// connections receiving ~100k frames per second on one core, so this skips everything `ws` does that
// a benchmark does not need: each socket reads into one shared buffer (net's `onread`, no stream
// machinery, no allocation per read), frames are parsed in place, and only the frames the scenario
// cares about are looked at. Frames it sends are masked with a zero key (valid, and no XOR pass).
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** How a server speaks: Tincan's protocol, the bare-ws baselines (same JSON), or Socket.IO 4. */
export type Flavor = 'tincan' | 'ws' | 'socketio';

/** What kind of frame arrived, decided from its first bytes without parsing JSON. */
export const Kind = { Other: 0, Message: 1, Ack: 2 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface ClientOptions {
  flavor: Flavor;
  port: number;
  index: number;
  /** Room to join (Tincan only; the baselines put every connection in one room). */
  room: string;
  /**
   * Speak TLS (wss://). The certificate is not checked: what is measured is the encryption, and a
   * pinned client checks only once, at the handshake. TLS sockets cannot read into the shared buffer,
   * so each read is a chunk of its own.
   */
  tls?: boolean;
  /** Called for each message or ack frame with the number in its `"id":"k<n>"`. */
  onFrame: (client: RawClient, kind: Kind, n: number) => void;
  onClose?: (client: RawClient) => void;
}

const READ_BUFFER = Buffer.allocUnsafe(1 << 18);
const PATHS: Record<Flavor, string> = { tincan: '/ws', ws: '/', socketio: '/socket.io/?EIO=4&transport=websocket' };
const HEADER_END = Buffer.from('\r\n\r\n');
const ID_MARK = Buffer.from('"id":"k');
// Prefixes that classify a text frame: Tincan and the ws baselines send the same JSON; Socket.IO
// wraps the same object as an event.
const PREFIX = {
  json: { message: Buffer.from('{"type":"message"'), ack: Buffer.from('{"type":"ack"') },
  socketio: { message: Buffer.from('42["message"'), ack: Buffer.from('42["ack"') },
};

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  return end - start >= prefix.length && buf.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
}

/** Encode a client-to-server frame: FIN, the opcode, MASK with a zero key, then the payload. */
export function clientFrame(payload: string | Buffer, opcode = 1): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.alloc(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  if (typeof payload === 'string') frame.write(payload, header + 4, 'utf8');
  else payload.copy(frame, header + 4);
  return frame;
}

export class RawClient {
  readonly index: number;
  readonly flavor: Flavor;
  readonly room: string;
  readonly socket: Socket;
  /** Resolves once the server has put this connection in the room. */
  readonly ready: Promise<void>;
  closed = false;
  paused = false;
  /** Message frames this connection received. */
  messages = 0;
  #upgraded = false;
  #pending: Buffer | null = null;
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #isReady = false;
  readonly #onFrame: ClientOptions['onFrame'];
  readonly #sendPrefix: string;
  readonly #sendSuffix: string;

  constructor(options: ClientOptions) {
    this.index = options.index;
    this.flavor = options.flavor;
    this.room = options.room;
    this.#onFrame = options.onFrame;
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    const room = JSON.stringify(this.room);
    this.#sendPrefix =
      this.flavor === 'socketio' ? `42["send",{"room":${room},"id":"k` : `{"type":"send","room":${room},"id":"k`;
    this.#sendSuffix = this.flavor === 'socketio' ? '"}]' : '"}';
    this.socket = options.tls
      ? connectTls({ port: options.port, host: '127.0.0.1', rejectUnauthorized: false }).setNoDelay(true)
      : connect({
          port: options.port,
          host: '127.0.0.1',
          noDelay: true,
          onread: { buffer: READ_BUFFER, callback: (n: number) => this.#onRead(READ_BUFFER, n) },
        });
    if (options.tls) this.socket.on('data', (chunk: Buffer) => this.#onRead(chunk, chunk.length));
    this.socket.on(options.tls ? 'secureConnect' : 'connect', () => {
      this.socket.write(
        `GET ${PATHS[this.flavor]} HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    this.socket.on('error', (error) => this.#rejectReady(error));
    this.socket.on('close', () => {
      this.closed = true;
      this.#rejectReady(new Error(`connection ${this.index} closed before it was ready`));
      options.onClose?.(this);
    });
  }

  /** Send a chat message with id `k<n>` (text must need no JSON escaping). */
  sendChat(n: number, text: string): void {
    this.socket.write(clientFrame(`${this.#sendPrefix}${n}","text":"${text}${this.#sendSuffix}`));
  }

  sendText(text: string): void {
    this.socket.write(clientFrame(text));
  }

  /** Stop reading: the kernel buffers fill and the server has to queue (a slow consumer). */
  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  close(): void {
    this.socket.destroy();
  }

  #onRead(read: Buffer, nread: number): boolean {
    let buf = read;
    let start = 0;
    let end = nread;
    if (this.#pending) {
      buf = Buffer.concat([this.#pending, read.subarray(0, nread)]);
      this.#pending = null;
      end = buf.length;
    }
    if (!this.#upgraded) {
      const at = buf.indexOf(HEADER_END, start);
      if (at < 0 || at >= end) {
        this.#pending = Buffer.from(buf.subarray(start, end));
        return true;
      }
      const status = buf.toString('latin1', start, Math.min(at, start + 20));
      if (!status.startsWith('HTTP/1.1 101')) {
        this.#rejectReady(new Error(`upgrade refused: ${status}`));
        this.socket.destroy();
        return false;
      }
      this.#upgraded = true;
      if (this.flavor === 'tincan') this.#greet();
      start = at + 4;
    }
    while (start < end) {
      if (end - start < 2) break;
      const b0 = buf[start]!;
      let length = buf[start + 1]! & 0x7f;
      let header = 2;
      if (length === 126) {
        if (end - start < 4) break;
        length = buf.readUInt16BE(start + 2);
        header = 4;
      } else if (length === 127) {
        if (end - start < 10) break;
        length = buf.readUInt32BE(start + 2) * 2 ** 32 + buf.readUInt32BE(start + 6);
        header = 10;
      }
      if (end - start < header + length) break;
      this.#frame(b0 & 0x0f, buf, start + header, start + header + length);
      start += header + length;
    }
    if (start < end) this.#pending = Buffer.from(buf.subarray(start, end));
    return !this.paused;
  }

  #frame(opcode: number, buf: Buffer, start: number, end: number): void {
    if (opcode === 0x9) {
      this.socket.write(clientFrame(Buffer.from(buf.subarray(start, end)), 0xa));
      return;
    }
    if (opcode === 0x8) {
      this.socket.end();
      return;
    }
    if (opcode !== 0x1) return;
    const prefixes = this.flavor === 'socketio' ? PREFIX.socketio : PREFIX.json;
    let kind: Kind = Kind.Other;
    if (startsWith(buf, start, end, prefixes.message)) kind = Kind.Message;
    else if (startsWith(buf, start, end, prefixes.ack)) kind = Kind.Ack;
    if (kind === Kind.Other) {
      if (!this.#isReady) this.#beforeReady(buf, start, end);
      else if (this.flavor === 'socketio' && end - start === 1 && buf[start] === 0x32) this.sendText('3');
      return;
    }
    if (kind === Kind.Message) this.messages++;
    const at = buf.indexOf(ID_MARK, start);
    if (at < 0 || at >= end) return;
    let n = 0;
    for (let i = at + ID_MARK.length; i < end; i++) {
      const c = buf[i]!;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    this.#onFrame(this, kind, n);
  }

  #greet(): void {
    this.sendText(
      `{"type":"hello","protocol":1,"client":{"name":"bench"},"deviceId":"bench-device-${this.index}","nick":"b${this.index}"}`,
    );
    this.sendText(`{"type":"join","room":${JSON.stringify(this.room)}}`);
  }

  /** Frames before the connection is in the room: the handshake of each flavor. */
  #beforeReady(buf: Buffer, start: number, end: number): void {
    const text = buf.toString('utf8', start, Math.min(end, start + 40));
    if (this.flavor === 'socketio') {
      if (text.startsWith('0{')) this.sendText('40');
      else if (text.startsWith('42["joined"')) this.#markReady();
      else if (text === '2') this.sendText('3');
    } else if (text.startsWith('{"type":"joined"')) this.#markReady();
    else if (text.startsWith('{"type":"error"')) this.#rejectReady(new Error(buf.toString('utf8', start, end)));
  }

  #markReady(): void {
    this.#isReady = true;
    this.#resolveReady();
  }
}

/** Open `count` connections, `batch` at a time, and wait until every one is in its room. */
export async function connectAll(count: number, make: (index: number) => RawClient, batch = 100): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  for (let i = 0; i < count; i += batch) {
    const group = Array.from({ length: Math.min(batch, count - i) }, (_, k) => make(i + k));
    await Promise.all(group.map((c) => c.ready));
    clients.push(...group);
  }
  return clients;
}
