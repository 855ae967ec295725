import type { BrowserWindow as ElectronWindow, IpcMain } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, ipcMain, resetElectronFake } from '../fakes/electron.ts';
import { HostController } from '../../src/main/host-control/host-controller.ts';
import { registerIpcHandlers, type IpcServices } from '../../src/main/ipc.ts';
import { moderationServices } from '../../src/main/moderation-services.ts';
import { IPC_CHANNELS } from '../../src/shared/ipc.ts';
import { CLOSE_CODES, type HostFrameOf } from '../../src/shared/protocol/index.ts';
import { TestClient } from '../helpers/test-client.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

const workerUrl = new URL('../../src/main/host-control/host-worker.ts', import.meta.url);
const silent = { info() {}, warn() {}, error() {} };

let host: HostController;
let window: BrowserWindow;
const clients: TestClient[] = [];

beforeEach(() => {
  resetElectronFake();
  host = new HostController({
    workerUrl,
    dataDir: null,
    bind: '127.0.0.1',
    hostName: 'test-box',
    announce: false,
    logger: silent,
  });
  // Only the moderation channels are called here; the others are the subject of ipc.test.ts.
  registerIpcHandlers(
    ipcMain as unknown as IpcMain,
    moderationServices(host) as IpcServices,
    {
      windows: () => BrowserWindow.getAllWindows() as unknown as ElectronWindow[],
      origins: ['app://tincan'],
    },
    silent,
  );
  window = new BrowserWindow();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await host.stop();
});

const call = (channel: string, ...args: unknown[]) => ipcMain.invoke(channel, { sender: window.webContents }, ...args);

async function member(port: number, nick: string): Promise<TestClient> {
  const c = await TestClient.greeted(`ws://127.0.0.1:${port}/ws`, nick, `device-${nick}-ipc`);
  clients.push(c);
  c.send({ type: 'join', room: 'general' });
  await c.next('joined');
  return c;
}

describe('moderation over IPC (renderer → ipc.ts → controller → host worker → host)', () => {
  it('refuses while the host is not running, in words for people', async () => {
    await expect(call('host:moderation')).rejects.toThrow('The host is not running: start hosting first');
  });

  it('shows who is connected and kicks, bans, mutes and lifts them on the host in the worker', async () => {
    const { port } = await host.start({ port: 0, rooms: [{ name: 'general' }, { name: 'other' }] });
    const ann = await member(port!, 'ann');
    const bob = await member(port!, 'bob');
    const welcome = (c: TestClient) => c.frames[0] as HostFrameOf<'welcome'>;

    const view = await call('host:moderation');
    expect(IPC_CHANNELS.getModeration.result.safeParse(view).success).toBe(true);
    expect(
      (view as { connections: { nick: string; rooms: string[] }[] }).connections.map((c) => [c.nick, c.rooms]).sort(),
    ).toEqual([
      ['ann', ['general']],
      ['bob', ['general']],
    ]);

    const muted = await call('host:mute', {
      room: 'general',
      member: welcome(bob).member,
      durationMs: 60_000,
      reason: 'calm',
    });
    expect(muted).toMatchObject({ closed: 0, recorded: [{ room: 'general' }], mute: { device: welcome(bob).device } });
    bob.send({ type: 'send', ref: 'm', room: 'general', id: 'b1', text: 'hey' });
    expect((await bob.next('error', (e) => e.ref === 'm')).code).toBe('muted');
    await call('host:unmute', { room: 'general', device: welcome(bob).device });

    await expect(call('host:kick', { member: welcome(ann).member, reason: 'bye' })).resolves.toMatchObject({
      closed: 1,
    });
    expect(await ann.closed).toEqual({ code: CLOSE_CODES.kicked, reason: 'kicked: bye' });

    const banned = (await call('host:ban', { device: welcome(bob).device, durationMs: 60_000 })) as {
      ban: { id: number };
    };
    expect((await bob.closed).code).toBe(CLOSE_CODES.banned);
    await expect(call('host:unban', { id: banned.ban.id })).resolves.toMatchObject({ closed: 0 });
    await expect(call('host:unban', { id: banned.ban.id })).rejects.toThrow(`no ban ${banned.ban.id} is in force`);
    await expect(call('host:kick', { member: 'gone' })).rejects.toThrow('no connected member "gone"');
  });

  it('refuses invalid arguments at the IPC boundary, before the host sees them', async () => {
    await host.start({ port: 0, rooms: [{ name: 'general' }] });
    for (const [channel, bad] of [
      ['host:kick', { member: '' }],
      ['host:kick', { member: 'x', reason: 'r'.repeat(201) }],
      ['host:kick', { member: 'x', extra: true }],
      ['host:ban', { device: 'a', range: '10.0.0.0/8' }],
      ['host:ban', { range: '10.0.0.0/8', durationMs: 999 }],
      ['host:ban', { range: 'evil; rm -rf /' }],
      ['host:unban', { id: 0 }],
      ['host:mute', { room: ' padded', device: 'a' }],
      ['host:mute', { room: 'general' }],
      ['host:unmute', { room: 'general' }],
    ] as const) {
      await expect(call(channel, bad), `${channel} ${JSON.stringify(bad)}`).rejects.toThrow(/invalid/);
    }
    await expect(call('host:moderation', 'extra')).rejects.toThrow('expects 0 arguments');
    expect((await call('host:moderation')) as object).toMatchObject({ connections: [], bans: [] });
  });
});
