import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHost } from '../../helpers/host.ts';

const execFileAsync = promisify(execFile);
type Host = Awaited<ReturnType<typeof startHost>>;
let h: Host;
afterEach(async () => h?.stop());

const PYTHON = '/usr/bin/python3';
const PY_CLIENT = fileURLToPath(new URL('../../fixtures/echo/python-echo-client.py', import.meta.url));
const hasPythonWebsockets =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import websockets'], { stdio: 'ignore' }).status === 0;

function open(url: string, protocols?: string[], options: ConstructorParameters<typeof WebSocket>[2] = {}) {
  const ws = new WebSocket(url, protocols, options);
  const received: { data: Buffer; binary: boolean }[] = [];
  ws.on('message', (data, binary) => received.push({ data: data as Buffer, binary }));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise<WebSocket>((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const next = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const check = () =>
        received.length >= count
          ? resolve()
          : Date.now() - started > 5000
            ? reject(new Error(`got ${received.length} of ${count}`))
            : setTimeout(check, 5);
      check();
    });
  return { opened, received, next, closed };
}

describe('/echo', () => {
  it('returns text and binary frames byte for byte, and picks the first subprotocol offered', async () => {
    h = await startHost();
    const url = `ws://127.0.0.1:${h.host.port}/echo`;
    const c = open(url, ['tincan.test', 'other']);
    const ws = await c.opened;
    expect(ws.protocol).toBe('tincan.test');
    const blob = randomBytes(100_000);
    ws.send('héllo, 世界 🙂');
    ws.send(blob);
    ws.send(Buffer.alloc(0));
    ws.send('');
    await c.next(4);
    expect(c.received.map((r) => r.binary)).toEqual([false, true, true, false]);
    expect(c.received[0]!.data.toString()).toBe('héllo, 世界 🙂');
    expect(c.received[1]!.data.equals(blob)).toBe(true);
    expect(c.received[2]!.data.length).toBe(0);
    const plain = open(url);
    expect((await plain.opened).protocol).toBe('');
    // Never Tincan's own subprotocol: the next one offered, or none (and the handshake fails).
    const skipping = open(url, ['tincan.v1', 'chat']);
    expect((await skipping.opened).protocol).toBe('chat');
    (await skipping.opened).close();
    await expect(open(url, ['tincan.v1']).opened).rejects.toThrow('no subprotocol');
    ws.close();
    (await plain.opened).close();
  });

  it('keeps the rules of /ws: Origin, text size, and budgets (over budget: not echoed, then 4029)', async () => {
    h = await startHost({
      clock: () => 5000,
      limits: { maxFrameBytes: 100, ratePerSecond: 1, rateBurst: 2, rateStrikes: 2 },
    });
    const url = `ws://127.0.0.1:${h.host.port}/echo`;
    await expect(open(url, undefined, { origin: 'https://evil.example' }).opened).rejects.toThrow('HTTP 403');
    const big = open(url);
    (await big.opened).send('x'.repeat(101));
    expect(await big.closed).toBe(1009);
    const fast = open(url);
    const ws = await fast.opened;
    for (let i = 0; i < 5; i++) ws.send(`m${i}`);
    expect(await fast.closed).toBe(4029);
    expect(fast.received.map((r) => r.data.toString())).toEqual(['m0', 'm1']);
  });

  it('counts against the connection caps like /ws', async () => {
    h = await startHost({ limits: { maxConnectionsPerAddress: 1 } });
    const first = open(`ws://127.0.0.1:${h.host.port}/echo`);
    await first.opened;
    await expect(open(`ws://127.0.0.1:${h.host.port}/ws`).opened).rejects.toThrow('HTTP 429');
    (await first.opened).close();
  });

  it.skipIf(!hasPythonWebsockets && !process.env.CI)(
    'echoes for a client of another stack (python3-websockets)',
    async () => {
      h = await startHost();
      // Asynchronously: the host runs in this process and must keep answering.
      const { stdout } = await execFileAsync(PYTHON, [PY_CLIENT, `ws://127.0.0.1:${h.host.port}/echo`], {
        timeout: 20_000,
      });
      const got = JSON.parse(stdout) as Record<string, unknown>;
      expect(got).toMatchObject({
        subprotocol: 'tincan.test',
        text: 'héllo, 世界 🙂',
        textIsStr: true,
        blobIsBytes: true,
      });
      expect(
        Buffer.from(got.blob as string, 'base64').equals(Buffer.from(Array.from({ length: 768 }, (_, i) => i % 256))),
      ).toBe(true);
    },
  );
});

describe('/echo and clients that do not read', () => {
  it('drops an echo client that keeps sending but reads nothing, at the heartbeat', async () => {
    h = await startHost({
      limits: {
        heartbeatIntervalMs: 200,
        maxBufferedBytes: 64 * 1024 * 1024,
        binaryBytesPerSecond: 1e9,
        binaryBytesBurst: 1e9,
      },
    });
    const c = open(`ws://127.0.0.1:${h.host.port}/echo`);
    const ws = await c.opened;
    (ws as unknown as { _socket: import('node:net').Socket })._socket.pause(); // reads nothing from now on
    const chunk = randomBytes(200_000);
    const sender = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(chunk), 20);
    try {
      expect(await c.closed).toBe(1006);
    } finally {
      clearInterval(sender);
    }
  }, 20_000);
});
