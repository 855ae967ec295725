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

  it('asks a "Guest" for a name on the first join to a host, keeps it per host across restarts, and uses it there', async () => {
    const server = new HostServer({ port: 0, bind: '127.0.0.1' });
    await server.createRoom('general');
    await server.listen();
    cleanups.push(() => server.close());
    const storage = memoryStorage();
    const settings = new AppSettings(new LocalSettingsBackend(storage));
    await settings.load();
    const app = new AppState({ settings, storage, languages: ['en-US'] });
    cleanups.push(() => {
      for (const key of [...app.hosts.keys()]) app.disconnect(key);
    });
    const host = app.connect({ hostname: '127.0.0.1', port: server.port });
    app.joinRoom(host, 'general');
    const room = host.rooms.get('general')!;
    await until(() => room.joined, 'join');
    expect(app.asksNickname(host.key)).toBe(true);
    expect(room.members.map((m) => m.nick)).toEqual(['Guest']);

    await app.setHostNickname(host.key, 'Dana');
    expect(app.asksNickname(host.key)).toBe(false);
    await until(() => room.members[0]?.nick === 'Dana', 'renamed on the host');
    expect(app.nickname).toBe('Dana'); // the first name chosen becomes the default for other hosts
    expect(app.asksNickname('10.0.0.9:4747')).toBe(false); // no longer a Guest: no prompt elsewhere

    // Another host name on this host only; a fresh start (same storage) keeps it.
    await app.setHostNickname(host.key, 'Dana at work');
    const again = new AppState({ settings, storage, languages: ['en-US'] });
    expect(again.nicknameFor(host.key)).toBe('Dana at work');
    expect(again.nicknameFor('10.0.0.9:4747')).toBe('Dana');
    expect(again.needsNickname(host.key)).toBe(false);
  });

  it('renames everywhere and switches language', async () => {
    const app = await appAs('Ann');
    await app.setLanguage('zh-CN');
    expect(app.locale.t('nav.home')).toBe('首页');
    await app.setNickname('Annie');
    expect(app.nickname).toBe('Annie');
  });
});
