import { describe, expect, it } from 'vitest';
import { AppSettings, LocalSettingsBackend } from '../../../src/renderer/src/lib/settings/app-settings.svelte.ts';
import { memoryStorage } from '../helpers/memory-storage.ts';

describe('web settings', () => {
  it('start with defaults and a stable device id, and persist changes', async () => {
    const storage = memoryStorage();
    const a = new AppSettings(new LocalSettingsBackend(storage));
    await a.load();
    expect(a.value.deviceId).toMatch(/^[0-9a-f]{32}$/);
    await a.update({ nickname: '小明', language: 'zh-CN' });
    const b = new AppSettings(new LocalSettingsBackend(storage));
    await b.load();
    expect(b.value).toMatchObject({ nickname: '小明', language: 'zh-CN', deviceId: a.value.deviceId });
  });

  it('refuse invalid changes and keep the valid fields of damaged storage', async () => {
    const storage = memoryStorage();
    storage.setItem('tincan.settings', JSON.stringify({ nickname: 'Ann', deviceId: 'x', language: 'klingon' }));
    const s = new AppSettings(new LocalSettingsBackend(storage));
    await s.load();
    expect(s.value.nickname).toBe('Ann');
    expect(s.value.language).toBe('system');
    expect(s.value.deviceId).toMatch(/^[0-9a-f]{32}$/);
    await expect(s.update({ nickname: ' padded ' })).rejects.toThrow();
  });
});
