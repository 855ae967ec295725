import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostController, type HostControllerOptions } from '../../../src/main/host-control/host-controller.ts';
import type { LanAddress } from '../../../src/main/host/lan-addresses.ts';
import { parseInvite } from '../../../src/shared/invite.ts';
import type { HostStatus } from '../../../src/shared/ipc.ts';
import { TestClient } from '../../helpers/test-client.ts';

const workerUrl = new URL('../../../src/main/host-control/host-worker.ts', import.meta.url);
const fixture = (name: string) => new URL(`../../fixtures/host-control/${name}`, import.meta.url);
const loopback: LanAddress = { interface: 'lo', address: '127.0.0.1', family: 'IPv4', internal: true };

let dir: string;
const controllers: HostController[] = [];
const logs: string[] = [];

function controller(options: Partial<HostControllerOptions> = {}): HostController {
  const c = new HostController({
    workerUrl,
    dataDir: join(dir, 'host'),
    bind: '127.0.0.1',
    hostName: 'test-box',
    addresses: () => [loopback],
    logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    ...options,
  });
  controllers.push(c);
  return c;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tincan-host-control-'));
  logs.length = 0;
});

afterEach(async () => {
  await Promise.all(controllers.splice(0).map((c) => c.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe('HostController', () => {
  it('is stopped until started', () => {
    expect(controller().status()).toEqual({ state: 'stopped', port: null, urls: [], rooms: [] });
  });

  it('runs a real host in a worker: a ws client says hello, joins, sends and gets an ack', async () => {
    const host = controller();
    const seen: HostStatus['state'][] = [];
    host.onStatus((status) => seen.push(status.state));

    const status = await host.start({ port: 0, rooms: [{ name: 'general' }] });
    expect(status.state).toBe('running');
    expect(status.port).toBeGreaterThan(0);
    expect(status.urls).toEqual([`http://127.0.0.1:${status.port}/`]);
    expect(status.rooms).toEqual([{ name: 'general', head: 0, members: 0, locked: false }]);
    expect(status.error).toBeUndefined();
    expect(seen).toEqual(['starting', 'running']);

    const client = await TestClient.greeted(`ws://127.0.0.1:${status.port}/ws`, 'ann');
    try {
      client.send({ type: 'join', room: 'general' });
      await client.next('joined');
      client.send({ type: 'send', room: 'general', id: 'm1', text: 'hello from a worker' });
      const ack = await client.next('ack');
      expect(ack).toMatchObject({ room: 'general', id: 'm1', seq: 1 });

      const refreshed = await host.refresh();
      expect(refreshed.rooms).toEqual([{ name: 'general', head: 1, members: 1, locked: false }]);
    } finally {
      await client.close();
    }
  });

  it('creates rooms on the running host, locked when a password is given', async () => {
    const host = controller();
    await host.start({ port: 0, rooms: [{ name: 'general' }] });
    const status = await host.createRoom({ name: 'ops', password: 'hunter2' });
    expect(status.rooms.map((r) => [r.name, r.locked])).toEqual([
      ['general', false],
      ['ops', true],
    ]);
    await expect(host.createRoom({ name: ' bad ' })).rejects.toThrow(
      'invalid room.name: must not start or end with spaces',
    );
    expect(host.status().state).toBe('running');
  });

  it('refuses to create a room when not running', async () => {
    await expect(controller().createRoom({ name: 'ops' })).rejects.toThrow(/not running/);
  });

  it('starting a running host and stopping a stopped one are no-ops that return the status', async () => {
    const host = controller();
    expect(await host.stop()).toEqual({ state: 'stopped', port: null, urls: [], rooms: [] });
    const first = await host.start({ port: 0, rooms: [{ name: 'general' }] });
    const again = await host.start({ port: 0, rooms: [{ name: 'other' }] });
    expect(again).toEqual(first);
  });

  it('reports a port in use as failed, in words for people', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const host = controller();
      const status = await host.start({ port, rooms: [{ name: 'general' }] });
      expect(status).toEqual({
        state: 'failed',
        port: null,
        urls: [],
        rooms: [],
        error: `Port ${port} is already in use`,
      });
      // A failed host can be started again once the port is free.
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      expect((await host.start({ port, rooms: [{ name: 'general' }] })).state).toBe('running');
    } finally {
      blocker.close();
    }
  });

  it('stops cleanly: the port closes and history survives a restart', async () => {
    const host = controller();
    const { port } = await host.start({ port: 0, rooms: [{ name: 'general' }] });
    const client = await TestClient.greeted(`ws://127.0.0.1:${port}/ws`, 'ann');
    client.send({ type: 'join', room: 'general' });
    await client.next('joined');
    client.send({ type: 'send', room: 'general', id: 'm1', text: 'kept' });
    await client.next('ack');

    const seen: string[] = [];
    host.onStatus((status) => seen.push(status.state));
    expect(await host.stop()).toEqual({ state: 'stopped', port: null, urls: [], rooms: [] });
    expect(seen).toEqual(['stopping', 'stopped']);
    expect((await client.closed).code).toBe(1001);
    await expect(TestClient.open(`ws://127.0.0.1:${port}/ws`)).rejects.toThrow();

    const restarted = await host.start({ port: 0, rooms: [] });
    expect(restarted.rooms).toEqual([{ name: 'general', head: 1, members: 0, locked: false }]);
  });

  it('reports a worker that dies as failed, with the reason', async () => {
    const broken = new URL('data:text/javascript,throw new Error("boom in the worker")');
    const host = controller({ workerUrl: broken });
    const status = await host.start({ port: 0, rooms: [{ name: 'general' }] });
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/boom in the worker/);
  });

  it('reports a worker that crashes while running as failed, with the reason', async () => {
    const host = controller({ workerUrl: fixture('crashing-host-worker.ts') });
    const failed = new Promise<HostStatus>((resolve) =>
      host.onStatus((status) => {
        if (status.state === 'failed') resolve(status);
      }),
    );
    expect((await host.start({ port: 0, rooms: [] })).state).toBe('running');
    const status = await failed;
    expect(status).toMatchObject({ state: 'failed', port: null, urls: [] });
    expect(status.error).toMatch(/^The host stopped unexpectedly: the disk caught fire/);
    expect(host.status()).toEqual(status);
    await expect(host.createRoom({ name: 'ops' })).rejects.toThrow(/not running/);
    expect((await host.stop()).state).toBe('stopped');
  });

  it('ignores messages from the worker that break the protocol', async () => {
    // Long enough for the worker to boot and send its garbage on a loaded machine (CI once took >300 ms).
    const host = controller({ workerUrl: fixture('garbage-host-worker.ts'), requestTimeoutMs: 2000 });
    const status = await host.start({ port: 0, rooms: [] });
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/did not answer start/);
    expect(logs.some((line) => line.startsWith('host worker sent an invalid message'))).toBe(true);
  });
});

// Announcing runs in the worker with the host. These hosts listen on loopback, which startDiscoveryForHost
// never announces (no other machine could reach it), so nothing leaves this machine.
describe('HostController announcing', () => {
  const LOOPBACK_NOTE = 'the host listens on 127.0.0.1 only, which no other machine can reach';

  it('announces the running host from the worker and reports where, with the host id', async () => {
    const host = controller();
    expect(host.hostId()).toBeNull();
    expect(host.announcing()).toBeNull();
    const { port } = await host.start({ port: 0, rooms: [{ name: 'general' }] });
    expect(host.announcing()).toEqual({ interfaces: [], note: LOOPBACK_NOTE });
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { host: { id: string } };
    expect(host.hostId()).toBe(health.host.id);

    await host.stop();
    expect(host.announcing()).toBeNull();
    // The id is the host's, kept in its database: it stays known after the host stops.
    expect(host.hostId()).toBe(health.host.id);
  });

  it('passes the chosen adapters to the worker, and changes them while running', async () => {
    const host = controller();
    await host.start({ port: 0, rooms: [{ name: 'general' }], announceInterfaces: ['tincan-nowhere0'] });
    expect(host.announcing()).toEqual({
      interfaces: [],
      note: 'none of the chosen adapters (tincan-nowhere0) is connected with an IPv4 address',
    });
    const status = await host.announceOn(['lo']);
    expect(status.state).toBe('running');
    expect(host.announcing()).toEqual({ interfaces: [], note: LOOPBACK_NOTE });
    await expect(
      host.announceOn(['bad name that is far too long for an adapter name on any system at all']),
    ).rejects.toThrow(/^invalid interfaces\.0: /);
  });

  it('announces nothing when announcing is off', async () => {
    const host = controller({ announce: false });
    await host.start({ port: 0, rooms: [{ name: 'general' }], announceInterfaces: ['lo'] });
    expect(host.announcing()).toBeNull();
    expect((await host.announceOn(['lo'])).state).toBe('running');
    expect(host.announcing()).toBeNull();
  });

  it('changing the adapters of a stopped host is a no-op', async () => {
    const host = controller();
    expect(await host.announceOn(['lo'])).toEqual({ state: 'stopped', port: null, urls: [], rooms: [] });
  });
});

describe('HostController invites', () => {
  it('refuses when the host is not running, in words for people', async () => {
    await expect(controller().createInvite('general')).rejects.toThrow('The host is not running: start hosting first');
  });

  it('refuses a room the host does not have', async () => {
    const host = controller();
    await host.start({ port: 0, rooms: [{ name: 'general' }] });
    await expect(host.createInvite('nope')).rejects.toThrow('There is no room named "nope" on this host');
    await expect(host.createInvite(' padded')).rejects.toThrow(/^invalid room: /);
  });

  it('makes a link without token or expiry for an open room', async () => {
    const host = controller();
    const { port } = await host.start({ port: 0, rooms: [{ name: 'general' }] });
    const { url, expiresAt } = await host.createInvite('general');
    expect(expiresAt).toBeNull();
    expect(parseInvite(url)).toEqual({ addresses: ['127.0.0.1'], port, room: 'general', name: 'test-box' });
  });

  it('makes a link whose token joins a password room, for about a day', async () => {
    const host = controller();
    const { port } = await host.start({ port: 0, rooms: [{ name: 'vault', password: 'sesame' }] });
    const before = Date.now();
    const { url, expiresAt } = await host.createInvite('vault');
    expect(expiresAt).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
    const invite = parseInvite(url)!;
    expect(invite).toMatchObject({ addresses: ['127.0.0.1'], port, room: 'vault' });
    expect(invite.token).toMatch(/^1\./);

    const client = await TestClient.greeted(`ws://${invite.addresses[0]}:${invite.port}/ws`, 'ann');
    try {
      client.send({ type: 'join', ref: 'no-token', room: 'vault' });
      expect(await client.next('error')).toMatchObject({ code: 'password_required', ref: 'no-token' });
      client.send({ type: 'join', ref: 'with-token', room: 'vault', token: invite.token! });
      expect(await client.next('joined')).toMatchObject({ room: 'vault', ref: 'with-token' });
    } finally {
      await client.close();
    }
  });
});
