import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FALLBACK_NICKNAME,
  nicknameFromUserName,
  SettingsStore,
  type SettingsStoreOptions,
} from '../../../src/main/settings/settings-store.ts';
import { settings as settingsSchema } from '../../../src/shared/ipc.ts';

let dir: string;
const warnings: string[] = [];

function open(options: Partial<SettingsStoreOptions> = {}): Promise<SettingsStore> {
  return SettingsStore.open({
    dir,
    userName: () => 'ann',
    newDeviceId: () => '0b9e3a52-5d1c-4c1e-9a55-3f6f0c1d2e3f',
    clock: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    logger: { warn: (m) => warnings.push(m) },
    ...options,
  });
}

const fileOf = () => join(dir, 'settings.json');
const readJson = async () => JSON.parse(await readFile(fileOf(), 'utf8')) as unknown;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tincan-settings-'));
  warnings.length = 0;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SettingsStore defaults', () => {
  it('starts from defaults and saves them, so the device id is chosen once', async () => {
    const store = await open();
    const expected = {
      nickname: 'ann',
      deviceId: '0b9e3a52-5d1c-4c1e-9a55-3f6f0c1d2e3f',
      port: 4747,
      hostedRooms: [],
      recentHosts: [],
      language: 'system',
      announceInterfaces: [],
      hostTls: true,
      pins: [],
    };
    expect(store.get()).toEqual(expected);
    expect(await readJson()).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('uses crypto.randomUUID for the device id by default, valid for the protocol', async () => {
    const a = await SettingsStore.open({ dir: join(dir, 'a'), userName: () => 'ann' });
    const b = await SettingsStore.open({ dir: join(dir, 'b'), userName: () => 'ann' });
    expect(a.get().deviceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.get().deviceId).not.toBe(b.get().deviceId);
    expect(settingsSchema.safeParse(a.get()).success).toBe(true);
  });

  it('makes the OS user name into a valid nickname, or Guest', () => {
    expect(nicknameFromUserName('ann')).toBe('ann');
    expect(nicknameFromUserName('  Ann  Lee ')).toBe('Ann Lee');
    expect(nicknameFromUserName('ann\u0000\u202e\tlee')).toBe('ann lee');
    expect(nicknameFromUserName('x'.repeat(40))).toBe('x'.repeat(32));
    // 31 letters and an emoji (two UTF-16 units) would be 33: the emoji is left out, not cut in half.
    expect(nicknameFromUserName(`${'x'.repeat(31)}😀`)).toBe('x'.repeat(31));
    expect(nicknameFromUserName('\ud800ann')).toBe('ann');
    for (const hopeless of ['', '   ', '\u0001\u0002', '\u202e']) {
      expect(nicknameFromUserName(hopeless)).toBe(FALLBACK_NICKNAME);
    }
  });
});

describe('SettingsStore persistence', () => {
  it('keeps changes across instances', async () => {
    const first = await open();
    await first.update({
      nickname: 'Zoë',
      port: 5000,
      hostedRooms: ['general'],
      language: 'zh-CN',
      announceInterfaces: ['eth0', 'Wi-Fi'],
      hostTls: false,
    });
    const pin = {
      address: '10.0.0.2:4747',
      fingerprint: 'ab'.repeat(32),
      hostId: 'tvxud7kmarzuhh5hijg2hr3t4n',
      since: 1,
    };
    await first.setPins([pin]);
    const second = await open({ newDeviceId: () => 'a-different-device-id' });
    expect(second.get()).toEqual({
      nickname: 'Zoë',
      deviceId: '0b9e3a52-5d1c-4c1e-9a55-3f6f0c1d2e3f',
      port: 5000,
      hostedRooms: ['general'],
      recentHosts: [],
      language: 'zh-CN',
      announceInterfaces: ['eth0', 'Wi-Fi'],
      hostTls: false,
      pins: [pin],
    });
  });

  it('keeps pins out of the patches the renderer sends, and refuses invalid pins', async () => {
    const store = await open();
    await store.update({ pins: [{ address: 'evil:1', fingerprint: 'ab'.repeat(32), since: 1 }] } as never);
    expect(store.get().pins).toEqual([]);
    await expect(store.setPins([{ address: '10.0.0.2:4747', fingerprint: 'xyz', since: 1 }])).rejects.toThrow(
      /pins\.0\.fingerprint/,
    );
    expect(store.get().pins).toEqual([]);
  });

  it('writes atomically: no temporary file is left behind, and the last update wins', async () => {
    const store = await open();
    await Promise.all([store.update({ nickname: 'one' }), store.update({ nickname: 'two' })]);
    expect(await readdir(dir)).toEqual(['settings.json']);
    expect(await readJson()).toMatchObject({ nickname: 'two' });
  });

  it('fills settings an older version did not write with their defaults', async () => {
    await writeFile(fileOf(), JSON.stringify({ nickname: 'old', deviceId: 'old-device-1', port: 4800 }));
    const store = await open();
    expect(store.get()).toMatchObject({ nickname: 'old', deviceId: 'old-device-1', port: 4800, language: 'system' });
    expect(warnings).toEqual([]);
  });

  it('loads a file from before announceInterfaces existed, defaulting it to the recommended adapters ([])', async () => {
    const before = {
      nickname: 'old',
      deviceId: 'old-device-1',
      port: 4800,
      hostedRooms: ['general'],
      recentHosts: [{ address: '10.0.0.2:4747', lastUsed: 1 }],
      language: 'en',
    };
    await writeFile(fileOf(), JSON.stringify(before));
    const store = await open();
    expect(store.get()).toEqual({ ...before, announceInterfaces: [], hostTls: true, pins: [] });
    expect(warnings).toEqual([]);
    expect(await readdir(dir)).toEqual(['settings.json']);
    // The file is left as it was until the next change, which writes the new field too.
    await store.update({ announceInterfaces: ['eth0'] });
    expect(await readJson()).toEqual({ ...before, announceInterfaces: ['eth0'], hostTls: true, pins: [] });
  });

  it('tells listeners about every update', async () => {
    const store = await open();
    const seen: string[] = [];
    const stop = store.onChange((s) => seen.push(s.nickname));
    await store.update({ nickname: 'bo' });
    stop();
    await store.update({ nickname: 'cy' });
    expect(seen).toEqual(['bo']);
  });
});

describe('SettingsStore recovery', () => {
  const aside = 'settings.json.bad-2026-01-02T03-04-05-006Z';

  it('moves a corrupt file aside and uses defaults, without crashing', async () => {
    await writeFile(fileOf(), '{"nickname": "ann", "port": 47');
    const store = await open();
    expect(store.get().nickname).toBe('ann');
    expect(store.get().port).toBe(4747);
    expect((await readdir(dir)).sort()).toEqual(['settings.json', aside]);
    expect(await readFile(join(dir, aside), 'utf8')).toBe('{"nickname": "ann", "port": 47');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not valid settings \(not JSON/);
  });

  it('moves an invalid file aside, naming the bad field', async () => {
    await writeFile(fileOf(), JSON.stringify({ nickname: 'ann', deviceId: 'device-0001', port: 80 }));
    const store = await open();
    expect(store.get().port).toBe(4747);
    expect(store.get().deviceId).toBe('0b9e3a52-5d1c-4c1e-9a55-3f6f0c1d2e3f');
    expect(await readdir(dir)).toContain(aside);
    expect(warnings[0]).toMatch(/\(port: /);
  });

  it('treats JSON that is not an object as invalid', async () => {
    await writeFile(fileOf(), '[1, 2, 3]');
    const store = await open();
    expect(store.get().nickname).toBe('ann');
    expect(warnings[0]).toMatch(/not a JSON object/);
  });
});

describe('SettingsStore.update', () => {
  it('rejects an invalid patch, naming the field, and changes nothing', async () => {
    const store = await open();
    const before = await readFile(fileOf(), 'utf8');
    await expect(store.update({ port: 80 })).rejects.toThrow(/^invalid settings port: /);
    await expect(store.update({ nickname: ' padded ' })).rejects.toThrow(/invalid settings nickname: must not start/);
    await expect(store.update({ hostedRooms: ['ok', ''] })).rejects.toThrow(/invalid settings hostedRooms\.1: /);
    await expect(store.update({ language: 'klingon' })).rejects.toThrow(/invalid settings language: /);
    await expect(store.update({ announceInterfaces: [''] })).rejects.toThrow(
      /invalid settings announceInterfaces\.0: /,
    );
    await expect(store.update({ announceInterfaces: Array.from({ length: 17 }, (_, i) => `eth${i}`) })).rejects.toThrow(
      /invalid settings announceInterfaces: /,
    );
    await expect(store.update('nickname=bob')).rejects.toThrow(TypeError);
    expect(store.get().port).toBe(4747);
    expect(await readFile(fileOf(), 'utf8')).toBe(before);
  });

  it('never changes the device id', async () => {
    const store = await open();
    await store.update({ deviceId: 'a-new-device-id', nickname: 'bo' });
    expect(store.get()).toMatchObject({ nickname: 'bo', deviceId: '0b9e3a52-5d1c-4c1e-9a55-3f6f0c1d2e3f' });
  });

  it('hands out copies, so callers cannot change the stored settings', async () => {
    const store = await open();
    store.get().hostedRooms.push('sneaky');
    expect(store.get().hostedRooms).toEqual([]);
  });
});
