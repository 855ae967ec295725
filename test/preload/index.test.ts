import { beforeAll, describe, expect, it, vi } from 'vitest';
import { contextBridge, resetElectronFake } from '../fakes/electron.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));

// Outside Electron these two are missing from process.versions; give them values for the test.
const fakeVersions = { electron: '45.4.1', chrome: '142.0.0.0' };

beforeAll(async () => {
  resetElectronFake();
  for (const [name, value] of Object.entries(fakeVersions)) {
    Object.defineProperty(process.versions, name, { value, configurable: true, enumerable: true });
  }
  try {
    await import('../../src/preload/index.ts');
  } finally {
    for (const name of Object.keys(fakeVersions)) {
      Reflect.deleteProperty(process.versions, name);
    }
  }
});

describe('preload', () => {
  it('exposes one object, `tincan`, through the context bridge', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect([...contextBridge.exposed.keys()]).toEqual(['tincan']);
  });

  it('exposes exactly the allow-listed keys', () => {
    const api = contextBridge.exposed.get('tincan') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['platform', 'versions']);
    expect(Object.keys(api['versions'] as object).sort()).toEqual(['chrome', 'electron', 'node']);
  });

  it('exposes plain data only: no functions, so no generic IPC', () => {
    const api = contextBridge.exposed.get('tincan');
    const values: unknown[] = [];
    const walk = (value: unknown): void => {
      values.push(value);
      if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(api);
    expect(values.filter((value) => typeof value === 'function')).toEqual([]);
  });

  it('reports the platform and runtime versions', () => {
    expect(contextBridge.exposed.get('tincan')).toEqual({
      platform: process.platform,
      versions: { electron: '45.4.1', chrome: '142.0.0.0', node: process.versions.node },
    });
  });
});
