import type { IncomingMessage, Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A TLS connection starts with a handshake record, content type 22; HTTP starts with a method's letter. */
const TLS_HANDSHAKE = 0x16;

/**
 * The host's one TCP port. With one server (plain HTTP, or TLS only) that server listens itself. With
 * both, a small front server reads each connection's first byte and hands the socket to the HTTPS
 * server when it is a TLS ClientHello, else to the HTTP server (the bytes read are put back first): app
 * clients use pinned `wss://` while a phone's browser can still open `http://` without a certificate
 * warning. Either way the routes, the upgrade and the limits are the same servers'.
 *
 * It offers what HostServer uses of a `node:http` Server: listen, address, close, maxConnections, and
 * the `upgrade` and `clientError` events of every server behind it.
 */
export class HostListener {
  readonly #front: NetServer;
  readonly #servers: Server[];

  /**
   * `servers`: one server, or the plain and the TLS one (in that order). `firstByteTimeoutMs`: how long
   * a connection to a shared port may stay silent before it is closed (it is no server's yet, so no
   * server's timeouts apply).
   */
  constructor(servers: [Server] | [plain: Server, secure: Server], firstByteTimeoutMs: number) {
    this.#servers = servers;
    if (servers.length === 1) {
      this.#front = servers[0];
      return;
    }
    const [plain, secure] = servers;
    this.#front = createNetServer((socket) => route(socket, plain, secure, firstByteTimeoutMs));
    // The servers behind never listen, so start the connection tracking (request and headers
    // timeouts, closeAllConnections) that Node starts when a server begins listening.
    this.#front.once('listening', () => {
      for (const server of servers) server.emit('listening');
    });
  }

  /** Whether this port speaks both plain HTTP and TLS. */
  get shared(): boolean {
    return this.#servers.length === 2;
  }

  on(event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): this;
  on(event: 'clientError', listener: (error: Error, socket: Duplex) => void): this;
  on(
    event: 'upgrade' | 'clientError',
    listener: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | ((error: Error, socket: Duplex) => void),
  ): this {
    for (const server of this.#servers) server.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once(event: 'error', listener: (error: Error) => void): this {
    this.#front.once(event, listener);
    return this;
  }

  off(event: 'error', listener: (error: Error) => void): this {
    this.#front.off(event, listener);
    return this;
  }

  listen(port: number, bind: string, callback: () => void): this {
    this.#front.listen(port, bind, callback);
    return this;
  }

  address(): AddressInfo | string | null {
    return this.#front.address();
  }

  set maxConnections(count: number) {
    this.#front.maxConnections = count;
  }

  /** Stop accepting; `callback` runs once every connection has closed. */
  close(callback: () => void): void {
    this.#front.close(() => callback());
    // The servers behind were never listening: closing them only stops their timers and idle sockets.
    if (this.shared) for (const server of this.#servers) server.close(() => {});
  }

  closeAllConnections(): void {
    for (const server of this.#servers) server.closeAllConnections();
  }
}

function route(socket: Socket, plain: Server, secure: Server, timeoutMs: number): void {
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  socket.on('error', () => {
    clearTimeout(timer);
    socket.destroy();
  });
  socket.once('close', () => clearTimeout(timer));
  socket.once('data', (chunk: Buffer) => {
    clearTimeout(timer);
    socket.pause();
    socket.unshift(chunk);
    (chunk[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
    process.nextTick(() => socket.resume());
  });
}
