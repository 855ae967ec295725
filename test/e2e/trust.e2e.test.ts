/// <reference lib="dom" />
// Pinned certificates in the renderer, in Chromium: joining a TLS-only host by a typed address shows
// its fingerprint first (trust on first use), then joins over wss:// with the certificate pinned; a
// changed certificate stops the connection and warns loudly, showing both fingerprints. The bridge
// goes to the real desktop services (settings, pins, certificate probe). Chromium stands in for
// Electron's pinned session with --ignore-certificate-errors-spki-list (the first host's key only);
// main's refusal of another certificate (certificate-pinning.ts, tested against the fake electron)
// is pushed to the page as the event main sends.
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HostController } from '../../src/main/host-control/host-controller.ts';
import { HostServer } from '../../src/main/host/index.ts';
import { PinStore } from '../../src/main/pins/index.ts';
import { SettingsStore } from '../../src/main/settings/settings-store.ts';
import { readableFingerprint } from '../../src/shared/fingerprint.ts';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { openDesktopPage, serveRenderer } from '../helpers/desktop-bridge.ts';
import { testIdentity, type TestIdentity } from '../helpers/identity.ts';
import { buildWebClient } from '../helpers/web-build.ts';

vi.mock('electron', () => import('../fakes/electron.ts'));
const { createIpcServices } = await import('../../src/main/services.ts');

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'tincan-trust-e2e-'));
const first = await testIdentity('lanbox');
const second = await testIdentity('lanbox');
let browser: Browser;
let web: Server;
let webOrigin: string;

/** What Chromium's --ignore-certificate-errors-spki-list takes: base64 SHA-256 of the key's SPKI. */
const spkiHash = (id: TestIdentity) =>
  createHash('sha256')
    .update(new X509Certificate(id.cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  web = await serveRenderer(await buildWebClient());
  webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${spkiHash(first)}`]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  web?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A host whose port speaks nothing but TLS, so joining it at all means wss:// worked. */
async function tlsOnlyHost(id: TestIdentity, port = 0): Promise<HostServer> {
  const keys = { key: id.key, cert: id.cert };
  const host = new HostServer({ bind: '127.0.0.1', port, hostName: 'lanbox', certificate: keys, tls: keys });
  await host.createRoom('general');
  return host.listen();
}

describe.skipIf(!hasChromium && !process.env.CI)('pinned certificates in the desktop UI', () => {
  it('asks before a first join by address, pins, joins over wss://, and warns loudly when the certificate changes', async () => {
    const settings = await SettingsStore.open({ dir: join(dir, 'user-data') });
    const controller = new HostController({
      workerUrl: new URL('../../src/main/host-control/host-worker.ts', import.meta.url),
      dataDir: null,
    });
    const services = createIpcServices({
      settings,
      host: controller,
      discovery: { hosts: () => [] },
      windows: () => [],
      pins: new PinStore(settings),
    });
    let host = await tlsOnlyHost(first);
    const address = `127.0.0.1:${host.port}`;
    try {
      const { page, emit } = await openDesktopPage(browser, `${webOrigin}/`, {
        getSettings: () => settings.get(),
        updateSettings: (patch: never) => settings.update(patch),
        getHostStatus: () => controller.refresh(),
        getDiscoveredHosts: () => [],
        listInterfaces: () => [],
        probeHost: (request: never) => services.probeHost(request),
        trustHost: (request: never) => services.trustHost(request),
      });
      await page.locator('#address').fill(address);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();

      // Trust on first use: the fingerprint, readable, before anything is joined.
      const question = page.getByTestId('trust-question');
      await question.waitFor();
      expect(await question.getAttribute('data-kind')).toBe('new');
      expect(await page.getByTestId('trust-fingerprint').textContent()).toBe(readableFingerprint(first.fingerprint));
      expect(settings.get().pins).toEqual([]);
      await page.screenshot({ path: join(SHOTS, 'trust-first-use-en.png') });
      await page.getByRole('button', { name: 'Trust and join' }).click();
      const rooms = page.locator('section[aria-label="Rooms on lanbox"]');
      await rooms.locator('li', { hasText: 'general' }).waitFor({ timeout: 10_000 });
      expect(settings.get().pins).toEqual([
        expect.objectContaining({ address, fingerprint: first.fingerprint, hostId: first.id }),
      ]);

      // Another certificate on the same port: Chromium refuses it (as the pinned session does), main
      // says so, and the page stops that connection and warns with both fingerprints.
      await host.close();
      host = await tlsOnlyHost(second, Number(address.split(':')[1]));
      await emit('onCertificateRefused', {
        hostname: '127.0.0.1',
        presented: second.fingerprint,
        pinned: [first.fingerprint],
      });
      const warning = page.getByTestId('certificate-refused');
      await warning.waitFor();
      await expect(warning.textContent()).resolves.toContain(readableFingerprint(second.fingerprint));
      await expect(warning.textContent()).resolves.toContain(readableFingerprint(first.fingerprint));
      await expect.poll(() => rooms.count()).toBe(0); // the connection was stopped, not retried
      await page.screenshot({ path: join(SHOTS, 'trust-certificate-changed-en.png') });

      // Comparing asks again, loudly; declining keeps the old pin.
      await page.getByRole('button', { name: `Compare the certificates of ${address}` }).click();
      await question.waitFor();
      expect(await question.getAttribute('data-kind')).toBe('changed');
      await expect(question.textContent()).resolves.toContain('Warning: the certificate of');
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(settings.get().pins[0]!.fingerprint).toBe(first.fingerprint);
      await page.close();
    } finally {
      await host.close();
    }
  }, 60_000);
});
