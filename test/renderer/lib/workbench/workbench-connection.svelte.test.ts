import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { WorkbenchConnection } from '../../../../src/renderer/src/lib/workbench/workbench-connection.svelte.ts';
import { freePort } from '../../../helpers/free-port.ts';
import { until } from '../../helpers/memory-storage.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function echoServer(): Promise<{ url: string; connections: () => number }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.on('message', (data, binary) => ws.send(data, { binary }));
  });
  cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, connections: () => connections };
}

function panelOn(url: string): WorkbenchConnection {
  const panel = new WorkbenchConnection(url);
  cleanups.push(() => panel.dispose());
  return panel;
}

describe('WorkbenchConnection', () => {
  it('is idle (not "CLOSED") until the first connect, and never again after it', async () => {
    const server = await echoServer();
    const panel = panelOn(server.url);
    expect(panel.connection.readyState).toBe(3); // what the browser's API would call CLOSED
    expect(panel.idle).toBe(true);
    expect(panel.open()).toBe(true);
    expect(panel.idle).toBe(false);
    await until(() => panel.connection.readyState === 1, 'open');
    expect(panel.close()).toBe(true);
    await until(() => panel.connection.readyState === 3, 'closed');
    expect(panel.idle).toBe(false); // closed now, with a close to show
  });

  it('offers Connect only while no socket is up: clicking it again opens no second socket', async () => {
    const server = await echoServer();
    const panel = panelOn(server.url);
    expect(panel.canConnect).toBe(true);
    expect(panel.open()).toBe(true);
    expect(panel.canConnect).toBe(false); // CONNECTING
    expect(panel.open()).toBe(false);
    await until(() => panel.connection.readyState === 1, 'open');
    expect(panel.canConnect).toBe(false); // OPEN
    expect(panel.open()).toBe(false);
    expect(panel.close()).toBe(true);
    expect(panel.canConnect).toBe(false); // CLOSING
    await until(() => panel.connection.readyState === 3, 'closed');
    expect(panel.canConnect).toBe(true);
    expect(panel.open()).toBe(true);
    await until(() => panel.connection.readyState === 1, 'open again');
    expect(server.connections()).toBe(2);
    // Each socket's close was seen: none was replaced while still up.
    const events = panel.connection.timeline.entries().filter((e) => e.direction === 'event');
    expect(events.map((e) => e.type)).toEqual(['connecting', 'open', 'close', 'connecting', 'open']);
  });

  it('a refused connection is not idle: it closed with 1006 without ever opening', async () => {
    const panel = panelOn(`ws://127.0.0.1:${await freePort()}/`);
    expect(panel.open()).toBe(true);
    await until(() => panel.connection.lastClose !== null, 'refused');
    expect(panel.connection.lastClose).toMatchObject({ code: 1006, reason: '', opened: false });
    expect(panel.idle).toBe(false);
    expect(panel.canConnect).toBe(true);
  });
});
