// A member of a room for the load generator's jobs that use the `ws` client (search, files): open,
// hello, join, and hand every later text frame to `onFrame`.
import { WebSocket } from 'ws';

export interface MemberOptions {
  /**
   * A zero masking key: ws then skips masking, so a job that moves many bytes spends its core on
   * moving them (as the raw client of the other scenarios does); the servers unmask as always.
   */
  zeroMask?: boolean;
}

/** A WebSocket to `path` on the loopback port, open. */
export async function openSocket(
  port: number,
  path: string,
  { zeroMask = false }: MemberOptions = {},
): Promise<WebSocket> {
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}${path}`,
    zeroMask ? { generateMask: (mask) => void mask.fill(0) } : {},
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** A greeted member of `room`; resolves once joined, with the socket and the `joined` frame. */
export async function joinAs(
  port: number,
  room: string,
  nick: string,
  onFrame: (f: Record<string, unknown>) => void,
  options: MemberOptions = {},
): Promise<{ ws: WebSocket; joined: Record<string, unknown> }> {
  const ws = await openSocket(port, '/ws', options);
  ws.send(
    JSON.stringify({ type: 'hello', protocol: 1, client: { name: 'bench' }, deviceId: `bench-${nick}-0000`, nick }),
  );
  ws.send(JSON.stringify({ type: 'join', room }));
  const joined = await new Promise<Record<string, unknown>>((resolve) => {
    const first = (data: Buffer) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (frame.type !== 'joined') return;
      ws.off('message', first);
      ws.on('message', (d: Buffer, binary: boolean) => {
        if (!binary) onFrame(JSON.parse(String(d)) as Record<string, unknown>);
      });
      resolve(frame);
    };
    ws.on('message', first);
  });
  return { ws, joined };
}
