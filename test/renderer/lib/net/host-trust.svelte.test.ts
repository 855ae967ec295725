import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostController } from '../../../../src/main/host-control/host-controller.ts';
import { HostServer } from '../../../../src/main/host/host-server.ts';
import { PinStore } from '../../../../src/main/pins/index.ts';
import { createIpcServices } from '../../../../src/main/services.ts';
import { SettingsStore } from '../../../../src/main/settings/settings-store.ts';
import type { TincanBridge } from '../../../../src/shared/bridge.ts';
import { formatHostAddress } from '../../../../src/shared/host-address.ts';
import type { Settings } from '../../../../src/shared/ipc.ts';
import { AppState } from '../../../../src/renderer/src/lib/app-state.svelte.ts';
import { HostTrust } from '../../../../src/renderer/src/lib/net/host-trust.svelte.ts';
import { AppSettings, LocalSettingsBackend } from '../../../../src/renderer/src/lib/settings/app-settings.svelte.ts';
import { advertFor, testIdentity, type TestIdentity } from '../../../helpers/identity.ts';
import { memoryStorage, until } from '../../helpers/memory-storage.ts';

vi.mock('electron', () => import('../../../fakes/electron.ts'));

/**
 * The renderer's trust decisions against the real main side: the bridge's probeHost and trustHost
 * are the desktop's IPC services (real PinStore in a real settings file, real certificate probe) and
 * the hosts are real TLS hosts on loopback.
 */
let dir: string;
let settings: SettingsStore;
let bridge: TincanBridge;
let latest: Settings;
const servers: HostServer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tincan-trust-'));
  settings = await SettingsStore.open({ dir, userName: () => 'ann', logger: { warn() {} } });
  const host = new HostController({
    workerUrl: new URL('../../../../src/main/host-control/host-worker.ts', import.meta.url),
    dataDir: null,
  });
  const services = createIpcServices({
    settings,
    host,
    discovery: { hosts: () => [] },
    windows: () => [],
    pins: new PinStore(settings),
  });
  bridge = {
    probeHost: (request: { address: string }) => services.probeHost(request),
    trustHost: (request: Parameters<typeof services.trustHost>[0]) => services.trustHost(request),
  } as unknown as TincanBridge;
  latest = settings.get();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function tlsHost(identity: TestIdentity, port = 0): Promise<HostServer> {
  const keys = { key: identity.key, cert: identity.cert };
  const server = new HostServer({ bind: '127.0.0.1', port, certificate: keys, tls: { ...keys, alsoPlain: true } });
  servers.push(server);
  return server.listen();
}

function trust(): HostTrust {
  return new HostTrust(
    bridge,
    () => latest.pins,
    (saved) => (latest = saved),
  );
}

describe('HostTrust (desktop)', () => {
  it('asks before a first join by address, showing the certificate; pins it when trusted, then asks no more', async () => {
    const identity = await testIdentity();
    const server = await tlsHost(identity);
    const address = { hostname: '127.0.0.1', port: server.port };
    const t = trust();
    const decided = t.secureFor(address);
    await until(() => t.question !== null, 'the question');
    expect(t.question).toMatchObject({ kind: 'new', fingerprint: identity.fingerprint, hostId: identity.id });
    t.answer(true);
    expect(await decided).toBe(true);
    expect(settings.get().pins).toEqual([
      expect.objectContaining({
        address: formatHostAddress(address),
        fingerprint: identity.fingerprint,
        hostId: identity.id,
      }),
    ]);
    expect(await t.secureFor(address)).toBe(true);
    expect(t.question).toBeNull();
  });

  it('pins nothing and does not join when declined', async () => {
    const server = await tlsHost(await testIdentity());
    const t = trust();
    const decided = t.secureFor({ hostname: '127.0.0.1', port: server.port });
    await until(() => t.question !== null, 'the question');
    t.answer(false);
    expect(await decided).toBeNull();
    expect(settings.get().pins).toEqual([]);
  });

  it('asks loudly when the certificate at a pinned address changed, and keeps the old pin unless trusted', async () => {
    const before = await testIdentity();
    const server = await tlsHost(before);
    const address = { hostname: '127.0.0.1', port: server.port };
    await bridge.trustHost({ address: formatHostAddress(address), fingerprint: before.fingerprint, hostId: before.id });
    latest = settings.get();
    await server.close();
    servers.length = 0;
    const after = await testIdentity();
    await tlsHost(after, address.port);
    const t = trust();
    // Pinned: the app joins over wss:// and the session refuses the new certificate (main's part)...
    expect(await t.secureFor(address)).toBe(true);
    // ... and comparing again says what changed.
    const rechecked = t.recheck(address);
    await until(() => t.question !== null, 'the question');
    expect(t.question).toMatchObject({ kind: 'changed', fingerprint: after.fingerprint, pinned: before.fingerprint });
    t.answer(false);
    expect(await rechecked).toBe(false);
    expect(settings.get().pins[0]!.fingerprint).toBe(before.fingerprint);
  });

  it('pins what an advert or invite says without asking, unless the advert poses as another host', async () => {
    const identity = await testIdentity();
    const server = await tlsHost(identity);
    const t = trust();
    const advert = advertFor(identity, { tls: true });
    expect(await t.secureFor({ hostname: '127.0.0.1', port: server.port }, { ...advert, hostId: advert.id })).toBe(
      true,
    );
    expect(settings.get().pins[0]).toMatchObject({ fingerprint: identity.fingerprint, hostId: identity.id });

    const posing = t.secureFor(
      { hostname: 'localhost', port: server.port },
      { fingerprint: identity.fingerprint, tls: true, claimedId: 'someoneelse0000000000000a' },
    );
    await until(() => t.question !== null, 'the question');
    expect(t.question?.kind).toBe('posing');
    t.answer(false);
    expect(await posing).toBeNull();
  });

  it('joins over plain ws:// a host without TLS, and one whose advert says so', async () => {
    const plain = new HostServer({ bind: '127.0.0.1' });
    servers.push(plain);
    await plain.listen();
    const t = trust();
    expect(await t.secureFor({ hostname: '127.0.0.1', port: plain.port })).toBe(false);
    expect(await t.secureFor({ hostname: '10.0.0.9', port: 4747 }, { fingerprint: 'ab'.repeat(32), tls: false })).toBe(
      false,
    );
    expect(t.question).toBeNull();
  });

  it('in a browser (no bridge) follows the page: ws:// from an http: page', async () => {
    const t = new HostTrust(
      undefined,
      () => [],
      () => {},
    );
    expect(await t.secureFor({ hostname: '10.0.0.9', port: 4747 })).toBe(false);
  });
});

describe('AppState on a refused certificate', () => {
  it('stops the wss:// connections to that host (no silent reconnect) and lists it for the warning', async () => {
    const storage = memoryStorage();
    const appSettings = new AppSettings(new LocalSettingsBackend(storage));
    await appSettings.load();
    const app = new AppState({ settings: appSettings, storage, languages: ['en-US'] });
    const secure = app.connect({ hostname: '127.0.0.1', port: 9 }, true);
    const other = app.connect({ hostname: '127.0.0.2', port: 9 }, true);
    expect(secure.url).toBe('wss://127.0.0.1:9/ws');
    app.certificateRefused({ hostname: '127.0.0.1', presented: 'cd'.repeat(32), pinned: ['ab'.repeat(32)] });
    expect([...app.hosts.keys()]).toEqual([other.key]);
    expect(app.trust.refused).toEqual([
      { hostname: '127.0.0.1', presented: 'cd'.repeat(32), pinned: ['ab'.repeat(32)], keys: ['127.0.0.1:9'] },
    ]);
    app.disconnect(other.key);
  });
});
