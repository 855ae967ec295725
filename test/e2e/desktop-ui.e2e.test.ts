/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The desktop UI end to end, without the Electron binary: the renderer runs in Chromium with a
// bridge whose every call goes to the real main-process services (settings store, host controller
// with its worker, invites), validated against the IPC contract exactly as src/main/ipc.ts does.
// Electron's IPC transport and sender checks are unit-tested in test/main/ipc.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { openDesktopPage, serveRenderer } from '../helpers/desktop-bridge.ts';
import { buildWebClient } from '../helpers/web-build.ts';

vi.mock('electron', async () => await import('../fakes/electron.ts'));

const { HostController } = await import('../../src/main/host-control/host-controller.ts');
const { SettingsStore } = await import('../../src/main/settings/settings-store.ts');
const { createIpcServices } = await import('../../src/main/services.ts');
const { PinStore } = await import('../../src/main/pins/index.ts');

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'tincan-desktop-'));
let browser: Browser;
let web: Server;
let webOrigin: string;
let host: InstanceType<typeof HostController>;
let services: ReturnType<typeof createIpcServices>;
const pages: Page[] = [];

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  const root = await buildWebClient();
  web = await serveRenderer(root);
  webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  const settings = await SettingsStore.open({ dir: join(dir, 'user-data') });
  host = new HostController({
    workerUrl: new URL('../../src/main/host-control/host-worker.ts', import.meta.url),
    dataDir: join(dir, 'user-data', 'host'),
    hostName: 'desk',
    bind: '127.0.0.1',
    allowedOrigins: [webOrigin],
    announce: false,
    addresses: () => [{ interface: 'lo', address: '127.0.0.1', family: 'IPv4', internal: true }],
  });
  host.onStatus((status) => {
    for (const page of pages)
      void page.evaluate(
        (s) =>
          (globalThis as unknown as { __tincanEmit: (e: string, p: unknown) => void }).__tincanEmit('onHostStatus', s),
        status,
      );
  });
  services = createIpcServices({
    settings,
    host,
    discovery: { hosts: () => [] },
    windows: () => [],
    interfaces: () => [],
    pins: new PinStore(settings),
  });
  await settings.update({ port: 47_471 });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  web?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A page with the desktop bridge: each function validates its arguments and result against the contract. */
async function desktopPage(): Promise<Page> {
  const { page } = await openDesktopPage(browser, `${webOrigin}/`, services);
  pages.push(page);
  return page;
}

describe.skipIf(!hasChromium && !process.env.CI)('desktop UI against the real main-process services', () => {
  it('hosts a room from the UI, chats with a browser guest, and makes an invite with a QR code', async () => {
    const desk = await desktopPage();
    await desk.getByRole('heading', { name: 'Host rooms on this computer' }).waitFor();
    await desk.screenshot({ path: join(SHOTS, 'desktop-home-en.png') });
    await desk.getByLabel('Room name').fill('team');
    await desk.getByRole('button', { name: 'Host room' }).click();
    const box = desk.getByRole('textbox', { name: /Message team/ });
    await box.waitFor();
    expect(host.status()).toMatchObject({ state: 'running', port: 47_471 });

    // A guest in a plain browser (no bridge) joins the desktop's host by its address.
    const guest = await browser.newPage({ locale: 'en-US' });
    await guest.goto(`${webOrigin}/?host=127.0.0.1:47471`);
    await guest.locator('li', { hasText: 'team' }).getByRole('button', { name: 'Join' }).click();
    // A fresh browser names itself before it joins (the desktop's operator did so in the settings).
    const prompt = guest.getByRole('dialog', { name: 'What should others call you?' });
    await prompt.getByRole('textbox').fill('Gus');
    await prompt.getByRole('button', { name: 'Continue' }).click();
    await guest.getByRole('textbox', { name: /Message team/ }).waitFor();
    await expect(guest.getByRole('heading', { name: 'Host rooms on this computer' }).count()).resolves.toBe(0);
    // The desktop's own room view asked its operator nothing: this computer's host is theirs.
    await expect(desk.getByRole('dialog').count()).resolves.toBe(0);
    await box.fill('welcome, guest');
    await box.press('Enter');
    await expect.poll(() => guest.locator('.spacer .message .text').allTextContents()).toEqual(['welcome, guest']);

    await desk.getByRole('button', { name: 'Invite' }).click();
    const dialog = desk.getByRole('dialog');
    await expect
      .poll(() => dialog.locator('input').inputValue())
      .toMatch(/^http:\/\/127\.0\.0\.1:47471\/#\/join\?room=team/);
    await expect.poll(() => dialog.locator('img').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await desk.screenshot({ path: join(SHOTS, 'desktop-invite-en.png') });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The operator announces from the host panel; the guest gets it in the room, stored like a message.
    await desk.getByRole('button', { name: 'Home', exact: false }).first().click();
    await desk.getByLabel('Announcement').fill('Pizza in the kitchen');
    await desk.getByLabel('Show as').selectOption('warning');
    await desk.getByRole('button', { name: 'Post' }).click();
    await desk.getByText('Posted in 1 room(s).').waitFor();
    await expect.poll(() => guest.getByText('Pizza in the kitchen').count()).toBeGreaterThan(0);

    // The operator runs a command in the room from the host panel; the guest sees its output.
    await desk.getByLabel('Command', { exact: true }).fill("echo 'from the panel; not a shell'");
    await desk.getByRole('button', { name: 'Start' }).click();
    await desk.getByText('Feed echo runs in team.').waitFor();
    await expect.poll(() => guest.getByText('from the panel; not a shell').count()).toBeGreaterThan(0);

    // Stopping from the UI stops the host; the guest sees the connection close.
    await desk.getByRole('button', { name: 'Stop hosting' }).click();
    await expect.poll(() => host.status().state).toBe('stopped');
    await expect
      .poll(() => guest.locator('.bar .state').first().textContent(), { timeout: 10_000 })
      .toContain('CLOSED');
    await guest.close();
  });
});
