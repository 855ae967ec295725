import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a host that breaks downloads: the first `cuts` answers to a
 * `GET /files/…` request (any connection whose request names a file) are cut after `afterBytes`
 * bytes of the response, both sockets destroyed — a receiver whose connection drops mid-download.
 * With `holdMs` the cut comes that long after the last byte went through (a stalled link), so the
 * receiver has surely read what it got before the drop.
 * Everything else (the web client, the WebSocket) passes untouched. `dropAll()` cuts every
 * connection open now (a sender whose network goes away); `upBytes` counts what clients sent.
 */
export async function cuttingProxy(
  target: number,
  { afterBytes, cuts = 1, holdMs = 0 }: { afterBytes: number; cuts?: number; holdMs?: number },
) {
  let left = cuts;
  /** Only requests for this path are cut, once set (others, such as images in the room, pass). */
  let only: string | null = null;
  /** Requests for files that went through, with their Range header if any. */
  const fileRequests: { path: string; range: string | null; cut: boolean }[] = [];
  const sockets = new Set<Socket>();
  let upBytes = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    client.on('error', drop);
    upstream.on('error', drop);
    let cutting = false;
    let forwarded = 0;
    // Browsers keep connections alive and send requests one after another (never pipelined), so
    // every chunk that starts with a request line is a new request on this connection.
    client.on('data', (chunk: Buffer) => {
      upBytes += chunk.length;
      const head = chunk.subarray(0, 4096).toString('latin1');
      if (!/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(head)) return; // the rest of a request, or WebSocket frames
      const file = /^GET (\/files\/[0-9a-f]{32})/.exec(head);
      cutting = false;
      if (!file) return;
      const cut = left > 0 && (only === null || only === file[1]);
      if (cut) left--;
      cutting = cut;
      forwarded = 0;
      const range = /\r\nrange: *([^\r\n]*)/i.exec(head)?.[1] ?? null;
      fileRequests.push({ path: file[1]!, range, cut });
    });
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!cutting) return void client.write(chunk);
      const room = afterBytes - forwarded;
      if (chunk.length < room) {
        forwarded += chunk.length;
        client.write(chunk);
        return;
      }
      cutting = false;
      upstream.pause();
      client.write(chunk.subarray(0, room), () => setTimeout(drop, holdMs));
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return {
    port: address.port,
    fileRequests,
    get upBytes() {
      return upBytes;
    },
    /** From now on cut the next `count` answers for `path` (`/files/<id>`) only. */
    cutOnly(path: string, count = 1) {
      only = path;
      left = count;
    },
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
