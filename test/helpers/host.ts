import { HostServer } from '../../src/main/host/host-server.ts';
import type { HostOptions } from '../../src/main/host/options.ts';
import { TestClient } from './test-client.ts';

/** A real host on a free loopback port, with `rooms` created, plus clean-up for everything opened. */
export async function startHost(options: HostOptions = {}, rooms: string[] = ['general']) {
  const host = new HostServer({ port: 0, bind: '127.0.0.1', ...options });
  for (const room of rooms) await host.createRoom(room);
  await host.listen();
  const url = `ws://127.0.0.1:${host.port}/ws`;
  const clients: TestClient[] = [];
  return {
    host,
    url,
    http: `http://127.0.0.1:${host.port}`,
    /** A greeted client that is closed by `stop()`. */
    async client(nick = 'ann', deviceId?: string, extra = {}) {
      const c = await TestClient.greeted(url, nick, deviceId, extra);
      clients.push(c);
      return c;
    },
    async joined(room: string, nick = 'ann', deviceId?: string) {
      const c = await this.client(nick, deviceId);
      c.send({ type: 'join', room });
      await c.next('joined');
      return c;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await host.close();
    },
  };
}
