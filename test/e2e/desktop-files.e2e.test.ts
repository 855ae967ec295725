/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Saving a host's file in the desktop UI, without the Electron binary: the renderer runs in Chromium
// with a bridge whose saveFile / showInFolder calls go to the real main-process glue (file-saving.ts,
// against the fake electron's dialog and shell) and its DownloadService, validated against the IPC
// contract. The page comes from its own origin, as app://tincan does, so images come cross-origin
// from the host under the CSP of index.html.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { openDesktopPage, serveRenderer } from '../helpers/desktop-bridge.ts';
import { spawnHost, type HostProcess } from '../helpers/host-process.ts';
import { buildWebClient } from '../helpers/web-build.ts';
import { dialog, shell } from '../fakes/electron.ts';

vi.mock('electron', async () => await import('../fakes/electron.ts'));

const { createFileSaving } = await import('../../src/main/file-saving.ts');
const { DownloadService } = await import('../../src/main/downloads/index.ts');

const dir = mkdtempSync(join(tmpdir(), 'tincan-desktop-files-'));
let browser: Browser;
let web: Server;
let host: HostProcess;
const pages: Page[] = [];

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  const root = await buildWebClient();
  web = await serveRenderer(root);
  const webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  host = await spawnHost([
    ...['--port', '0', '--bind', '127.0.0.1', '--data', join(dir, 'host'), '--room', 'general', '--web', root],
    ...['--allow-origin', webOrigin],
  ]);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const page of pages) await page.context().close();
  await browser?.close();
  host?.child.kill('SIGTERM');
  web?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium && !process.env.CI)('saving files in the desktop UI', () => {
  it('draws a host’s image inline, saves a file through the dialog with its SHA-256 checked, and shows it in its folder', async () => {
    // The guest: a plain browser on the host's own web client.
    const guest = await browser.newPage({ locale: 'en-US' });
    pages.push(guest);
    await guest.goto(`http://127.0.0.1:${host.port}/`);
    await guest.locator('#nick').fill('Guest1');
    await guest.locator('#nick').press('Enter');
    await guest.locator('li', { hasText: 'general' }).getByRole('button', { name: 'Join' }).click();
    await guest.getByRole('textbox', { name: /general/ }).waitFor();

    // The desktop page, its save calls going to the main process's glue.
    // Progress events reach the page once it is open.
    const events: { emit?: (event: 'onDownloadProgress', payload: unknown) => Promise<void> } = {};
    const saving = createFileSaving({
      downloads: new DownloadService({
        onProgress: (id, received, size) => void events.emit?.('onDownloadProgress', { id, received, size }),
      }),
      window: () => undefined,
      downloadsDir: () => dir,
    });
    const settings = {
      nickname: 'Desk',
      deviceId: 'desk-device-0001',
      port: 47_480,
      hostedRooms: [],
      recentHosts: [],
      language: 'en' as const,
      announceInterfaces: [],
      hostTls: false,
      pins: [],
    };
    const opened = await openDesktopPage(browser, `http://127.0.0.1:${(web.address() as AddressInfo).port}/`, {
      getSettings: () => settings,
      updateSettings: (patch: object) => Object.assign(settings, patch),
      getHostStatus: () => ({ state: 'stopped', port: null, urls: [], rooms: [] }),
      getDiscoveredHosts: () => [],
      listInterfaces: () => [],
      probeHost: () => ({ tls: false }),
      saveFile: saving.saveFile,
      cancelDownload: saving.cancelDownload,
      showInFolder: saving.showInFolder,
    });
    events.emit = opened.emit;
    const desk = opened.page;
    pages.push(desk);
    await desk.locator('#address').fill(`127.0.0.1:${host.port}`);
    await desk.getByRole('button', { name: 'Connect', exact: true }).click();
    await desk.locator('li', { hasText: 'general' }).getByRole('button', { name: 'Join' }).click();
    await desk.getByRole('textbox', { name: /general/ }).waitFor();

    // An image and a file from the guest.
    const png = Buffer.from(
      await guest.evaluate(() => {
        const canvas = document.createElement('canvas');
        canvas.width = 120;
        canvas.height = 80;
        canvas.getContext('2d')!.fillRect(10, 10, 50, 30);
        return canvas.toDataURL('image/png').split(',')[1]!;
      }),
      'base64',
    );
    await guest
      .locator('[data-testid=attach-input]')
      .setInputFiles({ name: 'plot.png', mimeType: 'image/png', buffer: png });
    const bytes = new Uint8Array(randomBytes(2 * 1024 * 1024 + 1));
    await guest
      .locator('[data-testid=attach-input]')
      .setInputFiles({ name: 'data.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

    const image = desk.locator('.file', { hasText: 'plot.png' }).locator('img');
    await expect
      .poll(() => image.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 30_000 })
      .toBe(120);

    const row = desk.locator('.file', { hasText: 'data.bin' });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    const target = join(dir, 'chosen-data.bin');
    dialog.nextSave = { canceled: false, filePath: target };
    await row.getByRole('button', { name: 'Save…' }).click();
    await expect
      .poll(() => row.locator('.verified').textContent(), { timeout: 30_000 })
      .toContain(`Saved to ${target} · SHA-256 verified`);
    expect(dialog.showSaveDialog).toHaveBeenCalledWith({ defaultPath: join(dir, 'data.bin') });
    expect(sha256(readFileSync(target))).toBe(sha256(bytes));
    await row.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => shell.showItemInFolder.mock.calls.at(-1)?.[0]).toBe(target);
  }, 90_000);
});
