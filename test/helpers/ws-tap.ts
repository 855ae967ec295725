import { createServer, connect, type Server, type Socket } from 'node:net';

/** One WebSocket frame a client sent, unmasked (client frames are masked on the wire, RFC 6455 §5.3). */
export interface TappedFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A TCP proxy on loopback between a client and a host that keeps every byte each side sent, and
 * reads the client's WebSocket frames after the HTTP upgrade, unmasked: a password the client sent
 * would show in `clientFrames` even though the mask hides it in `clientBytes`.
 */
export class WsTap {
  readonly clientBytes: Buffer[] = [];
  readonly hostBytes: Buffer[] = [];
  readonly clientFrames: TappedFrame[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async open(targetPort: number): Promise<WsTap> {
    const server = createServer();
    const tap = new WsTap(server);
    server.on('connection', (client) => tap.#pipe(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return tap;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** Text of every client frame so far (text and continuation frames). */
  clientTexts(): string[] {
    return this.clientFrames.filter((f) => f.opcode === 1 || f.opcode === 0).map((f) => f.payload.toString('utf8'));
  }

  /** Cut every connection, as a network failure would. */
  cut(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #pipe(client: Socket, targetPort: number): void {
    const host = connect(targetPort, '127.0.0.1');
    for (const s of [client, host]) {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('close', () => host.destroy());
    host.on('close', () => client.destroy());
    let pending: Buffer = Buffer.alloc(0);
    let upgraded = false;
    client.on('data', (chunk: Buffer) => {
      this.clientBytes.push(chunk);
      host.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        upgraded = true;
        pending = pending.subarray(end + 4);
      }
      pending = this.#frames(pending);
    });
    host.on('data', (chunk: Buffer) => {
      this.hostBytes.push(chunk);
      client.write(chunk);
    });
  }

  /** Read whole frames off the front of `buffer`; returns what is left. */
  #frames(buffer: Buffer): Buffer {
    for (;;) {
      if (buffer.length < 2) return buffer;
      const opcode = buffer[0]! & 0x0f;
      const masked = (buffer[1]! & 0x80) !== 0;
      let length = buffer[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (buffer.length < 4) return buffer;
        length = buffer.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return buffer;
        length = Number(buffer.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (buffer.length < at + length) return buffer;
      const payload = Buffer.from(buffer.subarray(at, at + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= buffer[maskAt + (i % 4)]!;
      this.clientFrames.push({ opcode, payload });
      buffer = buffer.subarray(at + length);
    }
  }
}

/** The spellings of `secret` a leak could take: UTF-8, UTF-16LE, hex and every base64 alphabet. */
export function spellingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    secret,
    bytes.toString('latin1'), // its UTF-8 bytes, as `leaks` reads raw bytes
    bytes.toString('hex'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    Buffer.from(secret, 'utf16le').toString('latin1'),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Which spellings of `secret` occur in `haystack` (bytes read as latin1, so any byte sequence matches itself). */
export function leaks(haystack: Buffer | string, secret: string): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  return spellingsOf(secret).filter((s) => text.includes(s));
}
