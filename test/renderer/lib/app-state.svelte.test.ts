import { afterEach, describe, expect, it } from 'vitest';
import { HostServer } from '../../../src/main/host/host-server.ts';
import { AppState } from '../../../src/renderer/src/lib/app-state.svelte.ts';
import { AppSettings, LocalSettingsBackend } from '../../../src/renderer/src/lib/settings/app-settings.svelte.ts';
import { memoryStorage, until } from '../helpers/memory-storage.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function appAs(nick: string, notes: string[] = []): Promise<AppState> {
  const storage = memoryStorage();
  const settings = new AppSettings(new LocalSettingsBackend(storage));
  await settings.load();
  await settings.update({ nickname: nick });
  const app = new AppState({
    settings,
    storage,
    notify: (title, body) => notes.push(`${title}: ${body}`),
    languages: ['en-US'],
  });
  cleanups.push(() => {
    for (const key of [...app.hosts.keys()]) app.disconnect(key);
  });
  return app;
}

describe('AppState', () => {
  it('counts unread messages in rooms not on screen, clears them on open, and notifies mentions when unfocused', async () => {
    const server = new HostServer({ port: 0, bind: '127.0.0.1' });
    await server.createRoom('general');
    await server.createRoom('ops');
    await server.listen();
    cleanups.push(() => server.close());
    const address = { hostname: '127.0.0.1', port: server.port };
    const notes: string[] = [];
    const ann = await appAs('Ann', notes);
    const bo = await appAs('Bo');
    const annHost = ann.connect(address);
    ann.joinRoom(annHost, 'general');
    ann.joinRoom(annHost, 'ops'); // ops is on screen now
    const boHost = bo.connect(address);
    bo.joinRoom(boHost, 'general');
    await until(() => annHost.rooms.get('general')!.joined && boHost.rooms.get('general')!.joined, 'joins');

    boHost.send('general', 'one');
    boHost.send('general', 'two');
    await until(() => annHost.rooms.get('general')!.count === 2, 'messages');
    expect(annHost.rooms.get('general')!.unread).toBe(2);
    expect(ann.unreadTotal).toBe(2);
    expect(notes).toEqual([]);

    ann.focused = false;
    boHost.send('general', 'hey @Ann, look');
    await until(() => notes.length === 1, 'notification');
    expect(notes[0]).toBe('Bo mentioned you in general: hey @Ann, look');

    ann.openRoom(annHost.key, 'general');
    expect(annHost.rooms.get('general')!.unread).toBe(0);
    expect(ann.settings.value.recentHosts.map((h) => h.address)).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('asks a "Guest" for a name before the first join to a host (nobody sees a Guest), keeps it per host across restarts', async () => {
    const server = new HostServer({ port: 0, bind: '127.0.0.1' });
    await server.createRoom('general');
    await server.listen();
    cleanups.push(() => server.close());
    const address = { hostname: '127.0.0.1', port: server.port };
    const bo = await appAs('Bo');
    const boHost = bo.connect(address);
    bo.joinRoom(boHost, 'general');
    const seen = boHost.rooms.get('general')!;
    await until(() => seen.joined, 'Bo joins');

    const storage = memoryStorage();
    const settings = new AppSettings(new LocalSettingsBackend(storage));
    await settings.load();
    const app = new AppState({ settings, storage, languages: ['en-US'] });
    cleanups.push(() => {
      for (const key of [...app.hosts.keys()]) app.disconnect(key);
    });
    const host = app.connect(address);
    expect(app.asksNickname(host.key)).toBe(true);
    app.joinRoom(host, 'general');
    // Held, with the prompt up: not joined, and the room view not opened behind the prompt.
    expect(app.pendingJoin).toMatchObject({ room: 'general' });
    expect(host.rooms.has('general')).toBe(false);
    expect(app.view).toEqual({ kind: 'home' });

    // Declining drops the join; asking again and naming oneself joins under that name.
    app.cancelPendingJoin();
    expect(app.pendingJoin).toBeNull();
    app.joinRoom(host, 'general');
    await app.setHostNickname(host.key, 'Dana');
    expect(app.pendingJoin).toBeNull();
    const room = host.rooms.get('general')!;
    await until(() => room.joined, 'join');
    expect(app.view).toEqual({ kind: 'room', host: host.key, room: 'general' });
    expect(room.members.map((m) => m.nick).sort()).toEqual(['Bo', 'Dana']);
    await until(() => seen.members.length === 2, 'Bo sees Dana');
    const presence = boHost.frames().filter((f) => f.direction === 'in' && f.text?.includes('"presence"'));
    expect(presence.some((f) => f.text!.includes('"Guest"'))).toBe(false);
    expect(app.nickname).toBe('Dana'); // the first name chosen becomes the default for other hosts
    expect(app.asksNickname('10.0.0.9:4747')).toBe(false); // no longer a Guest: no prompt elsewhere

    // Another host name on this host only; a fresh start (same storage) keeps it.
    await app.setHostNickname(host.key, 'Dana at work');
    const again = new AppState({ settings, storage, languages: ['en-US'] });
    expect(again.nicknameFor(host.key)).toBe('Dana at work');
    expect(again.nicknameFor('10.0.0.9:4747')).toBe('Dana');
    expect(again.needsNickname(host.key)).toBe(false);
  });

  it('comes back after a reload in the rooms it was in, the last one open, a password room by its ticket', async () => {
    const server = new HostServer({ port: 0, bind: '127.0.0.1' });
    await server.createRoom('general');
    await server.createRoom('ops');
    await server.createRoom('vault', { password: 'open sesame' });
    await server.listen();
    cleanups.push(() => server.close());
    const address = { hostname: '127.0.0.1', port: server.port };
    const storage = memoryStorage();
    const settings = new AppSettings(new LocalSettingsBackend(storage));
    await settings.load();
    await settings.update({ nickname: 'Ann' });
    const page = () => {
      const app = new AppState({ settings, storage, languages: ['en-US'] });
      cleanups.push(() => {
        for (const key of [...app.hosts.keys()]) app.disconnect(key);
      });
      return app;
    };
    const first = page();
    const host = first.connect(address);
    first.joinRoom(host, 'general');
    first.joinRoom(host, 'ops');
    first.joinRoom(host, 'vault', 'open sesame');
    await until(() => ['general', 'ops', 'vault'].every((r) => host.rooms.get(r)?.joined), 'joins');
    first.leaveRoom(host, 'ops');
    first.openRoom(host.key, 'general');
    host.disconnect();

    // The reload: a new page on the same storage connects to the host and is back where it was.
    const second = page();
    const again = second.connect(address);
    expect([...again.rooms.keys()]).toEqual(['general', 'vault']);
    expect(second.view).toEqual({ kind: 'room', host: again.key, room: 'general' });
    await until(() => again.rooms.get('general')!.joined && again.rooms.get('vault')!.joined, 'rejoined');
    const joins = again.frames().filter((f) => f.direction === 'out' && f.text?.includes('"join"'));
    const vaultJoin = joins.find((f) => f.text!.includes('"vault"'))!.text!;
    expect(vaultJoin).toContain('"ticket"');
    expect(vaultJoin).not.toContain('"auth"'); // no password exchange: the ticket was enough

    // A restart of the desktop app connects no host by itself: restoreHosts joins each one again.
    again.disconnect();
    const third = page();
    third.restoreHosts();
    await until(() => third.hosts.get(again.key)?.rooms.get('vault')?.joined === true, 'restored at start');
    expect([...third.hosts.keys()]).toEqual([again.key]);

    // What storage holds is checked: garbage there means starting afresh, not a crash.
    storage.setItem('tincan.rooms', '{"hosts": {"x": [{"room": 42}]}, "open": null}');
    const afresh = page();
    expect([...afresh.connect(address).rooms.keys()]).toEqual([]);
    expect(afresh.view).toEqual({ kind: 'home' });
  });

  it('renames everywhere and switches language', async () => {
    const app = await appAs('Ann');
    await app.setLanguage('zh-CN');
    expect(app.locale.t('nav.home')).toBe('首页');
    await app.setNickname('Annie');
    expect(app.nickname).toBe('Annie');
  });
});
