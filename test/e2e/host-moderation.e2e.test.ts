/// <reference lib="dom" />
// The operator's controls end to end: the desktop host panel's Connected table (renderer in
// Chromium, its bridge going to the real host controller and worker), and a headless host's /admin
// page over the admin API. Members are real WebSocket clients.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostController } from '../../src/main/host-control/host-controller.ts';
import { HostServer } from '../../src/main/host/index.ts';
import { moderationServices } from '../../src/main/moderation-services.ts';
import { SettingsStore } from '../../src/main/settings/settings-store.ts';
import { CLOSE_CODES, PROTOCOL_VERSION } from '../../src/shared/protocol/index.ts';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { openDesktopPage, serveRenderer } from '../helpers/desktop-bridge.ts';
import { TestClient } from '../helpers/test-client.ts';
import { buildWebClient } from '../helpers/web-build.ts';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'tincan-moderation-e2e-'));
let browser: Browser;
let root: string;
let web: Server;
let webOrigin: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  root = await buildWebClient();
  web = await serveRenderer(root);
  webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await browser?.close();
  web?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A member in `room`, from a loopback address of its own. */
async function member(port: number, nick: string, room: string, localAddress = '127.0.0.1'): Promise<TestClient> {
  const c = await TestClient.open(`ws://127.0.0.1:${port}/ws`, { localAddress });
  clients.push(c);
  c.send({ type: 'hello', protocol: PROTOCOL_VERSION, client: { name: 'e2e' }, deviceId: `device-${nick}-e2e`, nick });
  await c.next('welcome');
  c.send({ type: 'join', room });
  await c.next('joined');
  return c;
}

describe.skipIf(!hasChromium && !process.env.CI)('the host operator moderates', () => {
  it('from the desktop host panel: the Connected table lists members live, and kick, ban and mute act', async () => {
    const settings = await SettingsStore.open({ dir: join(dir, 'user-data') });
    const host = new HostController({
      workerUrl: new URL('../../src/main/host-control/host-worker.ts', import.meta.url),
      dataDir: join(dir, 'user-data', 'host'),
      hostName: 'desk',
      bind: '127.0.0.1',
      announce: false,
      addresses: () => [{ interface: 'lo', address: '127.0.0.1', family: 'IPv4', internal: true }],
    });
    try {
      const { port } = await host.start({ port: 0, rooms: [{ name: 'team' }] });
      const { page } = await openDesktopPage(browser, `${webOrigin}/`, {
        getSettings: () => settings.get(),
        updateSettings: (patch: never) => settings.update(patch),
        getHostStatus: () => host.refresh(),
        getDiscoveredHosts: () => [],
        listInterfaces: () => [],
        ...moderationServices(host),
      });
      await page.getByRole('heading', { name: 'Connected (0)' }).waitFor();

      const ann = await member(port!, 'ann', 'team');
      const bob = await member(port!, 'bob', 'team', '127.0.1.9');
      // Live: the table picks them up without a reload.
      await page.getByRole('heading', { name: 'Connected (2)' }).waitFor({ timeout: 10_000 });
      const annRow = page.locator('tr', { hasText: 'ann' });
      await expect
        .poll(() => annRow.locator('td').allTextContents())
        .toEqual([
          'ann',
          expect.stringMatching(/^[0-9a-f]{16}$/),
          '127.0.0.1',
          'team',
          expect.stringMatching(/^\d+s$/),
          expect.stringMatching(/^\d+(\.\d+)? ms$/), // from the ping at accept, long before the first heartbeat (30 s)
          '0 B',
          expect.stringMatching(/\/s · .*\/s$/),
          expect.stringMatching(/\/s · .*\/s$/),
          expect.stringMatching(/^Kick\s*Ban\s*Mute$/),
        ]);
      await page.locator('.connected').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, 'host-panel-connected-en.png') });

      // Mute bob in team for 10 minutes: his send there is refused.
      await page.getByRole('button', { name: 'Mute bob' }).click();
      await page.getByLabel('Reason (shown in the room)').fill('cool off');
      await page.getByRole('button', { name: 'Mute', exact: true }).click();
      await page
        .getByText('Muted in team: what they send there is refused until the mute ends. Noted in team.')
        .waitFor();
      // The list names the muted device by its nickname, with its tag beside it.
      await expect
        .poll(() => page.locator('li', { hasText: 'Unmute' }).innerText())
        .toMatch(/^team:\s+bob\s+[0-9a-f]{16}\s+until/);
      await page.getByRole('heading', { name: 'Mutes' }).waitFor();
      bob.send({ type: 'send', ref: 'b', room: 'team', id: 'b-1', text: 'let me speak' });
      expect(await bob.next('error', (e) => e.ref === 'b')).toMatchObject({ code: 'muted', room: 'team' });
      expect((await ann.next('message', (m) => m.kind === 'moderation')).text).toBe(
        'bob was muted in this room for 10 minutes: cool off',
      );
      await page.getByRole('button', { name: 'Unmute' }).click();
      await expect.poll(() => page.getByRole('heading', { name: 'Mutes' }).count()).toBe(0);

      // Kick ann with a reason: her connection closes with 4003 and the reason.
      await page.getByRole('button', { name: 'Kick ann' }).click();
      await page.getByLabel('Reason (shown in the room)').fill('time out');
      await page.getByRole('button', { name: 'Kick', exact: true }).click();
      expect(await ann.closed).toEqual({ code: CLOSE_CODES.kicked, reason: 'kicked: time out' });
      await page.getByRole('heading', { name: 'Connected (1)' }).waitFor({ timeout: 10_000 });

      // Ban bob's address for an hour: closed with 4004, refused when he comes back, lifted from the list.
      await page.getByRole('button', { name: 'Ban bob' }).click();
      await page.getByLabel('What to ban').selectOption('address');
      await page.getByLabel('For').selectOption({ label: '1 hour' });
      await page.getByRole('button', { name: 'Ban', exact: true }).click();
      expect((await bob.closed).code).toBe(CLOSE_CODES.banned);
      await page.getByText('127.0.1.9/32').waitFor();
      await expect(TestClient.open(`ws://127.0.0.1:${port}/ws`, { localAddress: '127.0.1.9' })).rejects.toThrow(
        'HTTP 403',
      );
      await page.screenshot({ path: join(SHOTS, 'host-panel-banned-en.png') });
      await page.getByRole('button', { name: 'Lift ban' }).click();
      await expect.poll(() => page.getByText('127.0.1.9/32').count()).toBe(0);
      await member(port!, 'bob', 'team', '127.0.1.9');
      await page.getByRole('heading', { name: 'Connected (1)' }).waitFor({ timeout: 10_000 });
      await page.close();
    } finally {
      await host.stop();
    }
  }, 90_000);

  it('from a headless host’s /admin page: nothing without the secret, the table and a kick with it', async () => {
    const secret = 'e2e-admin-secret-0123456789abcdef';
    const host = new HostServer({ port: 0, bind: '127.0.0.1', webRoot: root, adminSecret: secret });
    await host.createRoom('general');
    await host.listen();
    try {
      const cy = await member(host.port, 'cy', 'general');
      const page = await browser.newPage({ locale: 'en-US' });
      page.on('pageerror', (error) => {
        throw error;
      });
      await page.goto(`http://127.0.0.1:${host.port}/admin`);
      await page.getByRole('heading', { name: 'Host admin' }).waitFor();
      await page.getByLabel('Admin secret').fill('not-the-secret');
      await page.getByRole('button', { name: 'Open' }).click();
      await page
        .getByText('That secret is wrong. Copy it from the file admin-secret in the host’s data folder.')
        .waitFor();
      await page.getByText(/prints the secret at start only when its output is a terminal/).waitFor();
      await expect(page.getByText('cy').count()).resolves.toBe(0);

      await page.getByLabel('Admin secret').fill(secret);
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByRole('heading', { name: 'Connected (1)' }).waitFor();
      expect(page.url()).not.toContain(secret);

      // Ban by range: checked in the form, with a warning for everyone else it covers and for the operator.
      await member(host.port, 'dee', 'general', '127.0.1.5');
      await member(host.port, 'ed', 'general', '127.0.1.6');
      await page.getByRole('heading', { name: 'Connected (3)' }).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Ban dee' }).click();
      await page.getByLabel('What to ban').selectOption('address');
      expect(await page.getByRole('status').filter({ hasText: 'also bans' }).count()).toBe(0); // 127.0.1.5 alone
      await page.getByLabel('What to ban').selectOption('range');
      const range = page.getByLabel('Range', { exact: true });
      expect(await range.inputValue()).toBe('127.0.1.0/24');
      await page.getByText('This also bans 1 other connection: ed.').waitFor();
      await range.fill('127.0.1.0/33');
      await page.getByText('The number after “/” must be 0 to 32.').waitFor();
      expect(await page.getByRole('button', { name: 'Ban', exact: true }).isDisabled()).toBe(true);
      await range.fill('127.0.1');
      await page.getByText(/Write an IP address or a CIDR range/).waitFor();
      await range.fill('127.0.0.0/8');
      await page.getByText('This also bans 2 other connections: cy, ed.').waitFor();
      await page.getByText('It covers your own address (127.0.0.1) too').waitFor();
      await page.screenshot({ path: join(SHOTS, 'admin-ban-range-warning-en.png') });
      await page.getByLabel('What to ban').selectOption('device');
      await page.getByLabel('Reason (shown in the room)').fill('ban test');
      await page.getByRole('button', { name: 'Ban', exact: true }).click();
      await page.getByText('Banned: 1 connection was closed. Noted in general.').waitFor();
      await expect
        .poll(() => page.locator('li', { hasText: 'Lift ban' }).innerText())
        .toMatch(/^dee\s+[0-9a-f]{16}\s+until .* — ban test/);
      await page.screenshot({ path: join(SHOTS, 'admin-bans-named-en.png') });
      await page.getByRole('button', { name: 'Kick ed' }).click();
      await page.getByRole('button', { name: 'Kick', exact: true }).click();
      await page.getByText('Kicked: the connection was closed. Noted in general.').waitFor();
      await page.getByRole('heading', { name: 'Connected (1)' }).waitFor({ timeout: 10_000 });

      await page.getByRole('button', { name: 'Kick cy' }).click();
      await page.getByRole('button', { name: 'Kick', exact: true }).click();
      expect(await cy.closed).toEqual({ code: CLOSE_CODES.kicked, reason: 'kicked by the host' });
      await page.getByRole('heading', { name: 'Connected (0)' }).waitFor({ timeout: 10_000 });
      await page.screenshot({ path: join(SHOTS, 'admin-page-en.png') });

      // A range ban that covers the browser: the app is a readable page saying why, /admin still opens.
      await host.moderation.ban({ range: '127.0.0.0/8', durationMs: 30 * 60_000, reason: 'range test' });
      const banned = await page.goto(`http://127.0.0.1:${host.port}/`);
      expect(banned!.status()).toBe(403);
      await page.getByText('You are banned from this host for 30 minutes: range test').waitFor();
      await page.screenshot({ path: join(SHOTS, 'banned-page-en.png') });
      await page.goto(`http://127.0.0.1:${host.port}/admin`);
      await page.getByLabel('Admin secret').fill(secret);
      await page.getByRole('button', { name: 'Open' }).click();
      await page.locator('li', { hasText: '127.0.0.0/8' }).getByRole('button', { name: 'Lift ban' }).click();
      await page.getByText(/^Ban lifted\. Noted in general\.$/).waitFor();
      expect((await page.goto(`http://127.0.0.1:${host.port}/`))!.status()).toBe(200);
      await page.close();
    } finally {
      await host.close();
    }
  }, 60_000);
});
