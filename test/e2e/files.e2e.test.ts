/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Code inside page.evaluate runs in Chromium, so this file also sees the DOM types.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { cuttingProxy } from '../helpers/cutting-proxy.ts';
import { spawnHost, type HostProcess } from '../helpers/host-process.ts';
import { buildWebClient } from '../helpers/web-build.ts';

/**
 * Files between two people in Chromium, through a headless host: attach, paste and drop; an image
 * drawn inline with its lightbox; a download checked byte for byte; a download that resumes after
 * the receiver's connection drops; an upload that resumes after the sender's does.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'tincan-e2e-files-'));
const scratch = mkdtempSync(join(tmpdir(), 'tincan-e2e-files-out-'));
let webRoot: string;
let browser: Browser;
let host: HostProcess;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  mkdirSync(SHOTS, { recursive: true });
  webRoot = await buildWebClient();
  browser = await launchChromium();
  host = await spawnHost([
    ...['--port', '0', '--bind', '127.0.0.1', '--data', dataDir, '--room', 'general', '--web', webRoot],
    // Slow enough that an upload of a few MiB is still going when the test cuts the sender off.
    ...['--limit', 'binaryBytesPerSecond=6291456', '--limit', 'binaryBytesBurst=1048576'],
  ]);
}, 120_000);

// Each test's pages close after it: the host takes at most 16 connections from one address.
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await browser?.close();
  host?.child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function openAs(nick: string, port = host.port): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 800 },
    locale: 'en-US',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  closers.push(() => context.close());
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.locator('#nick').fill(nick);
  await page.locator('#nick').press('Enter');
  await expect.poll(() => page.locator('.bar .state').first().textContent()).toContain('OPEN');
  await page.locator('li', { hasText: 'general' }).getByRole('button').first().click();
  await page.getByRole('textbox', { name: /general/ }).waitFor();
  return page;
}

/** The row of the file named `name` (the newest one of that name). */
const rowOf = (page: Page, name: string) => page.locator('.file', { hasText: name }).last();

async function attach(page: Page, name: string, bytes: Uint8Array, mimeType = 'application/octet-stream') {
  await page.locator('[data-testid=attach-input]').setInputFiles({ name, mimeType, buffer: Buffer.from(bytes) });
}

/** Click Download on `page`'s row of `name` and return the saved file's bytes. */
async function download(page: Page, name: string): Promise<Buffer> {
  const row = rowOf(page, name);
  await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
  const [saved] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    row.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(saved.suggestedFilename()).toBe(name);
  const path = join(scratch, `${Date.now()}-${name}`);
  await saved.saveAs(path);
  await expect.poll(() => row.locator('.verified').textContent()).toContain('SHA-256 verified');
  return readFileSync(path);
}

/** A PNG of `width`×`height` drawn by Chromium. */
async function png(page: Page, width: number, height: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    ([w, h]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w!;
      canvas.height = h!;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#2f6fde';
      g.fillRect(0, 0, w!, h!);
      g.fillStyle = '#ffcc00';
      g.fillRect(w! / 4, h! / 4, w! / 2, h! / 2);
      return canvas.toDataURL('image/png').split(',')[1]!;
    },
    [width, height],
  );
  return Buffer.from(base64, 'base64');
}

describe.skipIf(!hasChromium && !process.env.CI)('files end to end (Chromium + headless host)', () => {
  it('a 3 MiB file attached by Ann downloads byte-exact on Bo’s page, its SHA-256 checked', async () => {
    const ann = await openAs('Ann');
    const bo = await openAs('Bo');
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024));
    await attach(ann, 'notes.bin', bytes);
    await expect.poll(() => rowOf(ann, 'notes.bin').getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    const got = await download(bo, 'notes.bin');
    expect(got.length).toBe(bytes.length);
    expect(sha256(got)).toBe(sha256(bytes));
  }, 90_000);

  it('an image is drawn inline in a box reserved from its size, opens at full size, and Esc closes it', async () => {
    const ann = await openAs('Ann');
    const bo = await openAs('Bo');
    await attach(ann, 'chart.png', await png(ann, 800, 400), 'image/png');
    const row = rowOf(bo, 'chart.png');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    const img = row.locator('img');
    // 800×400 fits the 360×260 box at 360×180.
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(800);
    expect(await img.getAttribute('width')).toBe('360');
    expect(await img.getAttribute('height')).toBe('180');
    await row.getByRole('button', { name: /Open chart\.png/ }).click();
    const box = bo.getByRole('dialog', { name: 'chart.png' });
    await box.waitFor();
    await bo.screenshot({ path: join(SHOTS, 'files-lightbox.png') });
    // Modal: Tab never reaches the page behind (past the dialog's last button it may go to the
    // browser's own UI, where the document has no focused element).
    const focusOutside = () =>
      box.evaluate((el) => {
        const active = document.activeElement;
        return active !== null && active !== document.body && !el.contains(active);
      });
    expect(await box.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    for (let i = 0; i < 4; i++) {
      await bo.keyboard.press('Tab');
      expect(await focusOutside()).toBe(false);
    }
    await bo.keyboard.press('Escape');
    await expect.poll(() => box.count()).toBe(0);
    // Focus is back on the image it opened from, so the keyboard user is where they were.
    await expect
      .poll(() => bo.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Open chart.png at full size');
    await bo.screenshot({ path: join(SHOTS, 'files-room.png') });
  }, 90_000);

  it('a very large image is drawn only when asked, so a phone does not decode it for a small box', async () => {
    const ann = await openAs('Ann');
    const bo = await openAs('Bo');
    await attach(ann, 'poster.png', await png(ann, 4100, 4000), 'image/png'); // 16.4 megapixels
    const row = rowOf(bo, 'poster.png');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    const show = row.getByRole('button', { name: /^Show image/ });
    await show.waitFor();
    expect(await row.locator('img').count()).toBe(0);
    await show.click();
    await expect.poll(() => row.locator('img').evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(4100);
  }, 90_000);

  it('a very long file name takes at most three lines, and the whole name is its title', async () => {
    const ann = await openAs('Ann');
    const name = `${'quarterly report final '.repeat(10)}v2.txt`;
    await attach(ann, name, new Uint8Array(10), 'text/plain');
    const label = rowOf(ann, 'v2.txt').locator('.name');
    await label.waitFor();
    const { height, line } = await label.evaluate((el) => ({
      height: el.getBoundingClientRect().height,
      line: parseFloat(getComputedStyle(el).lineHeight) || 20,
    }));
    expect(height).toBeLessThanOrEqual(line * 3 + 1);
    expect(await label.getAttribute('title')).toBe(name);
  }, 60_000);

  it('an SVG is never drawn inline, nor bytes that are not the image they claim: both are downloads', async () => {
    const ann = await openAs('Ann');
    const bo = await openAs('Bo');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"><script>window.__xss=1</script></svg>';
    await attach(ann, 'logo.svg', new TextEncoder().encode(svg), 'image/svg+xml');
    const row = rowOf(bo, 'logo.svg');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    expect(await row.locator('img, svg, object, iframe').count()).toBe(0);
    await row.getByRole('button', { name: 'Download' }).waitFor();
    expect(await bo.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();

    // Text that says it is a PNG is not drawn either, and the row says why.
    await attach(ann, 'fake.png', new TextEncoder().encode('not a png at all'), 'image/png');
    const fake = rowOf(bo, 'fake.png');
    await expect.poll(() => fake.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    await expect.poll(() => fake.textContent()).toContain('its bytes are not the image type it says it is');
    expect(await fake.locator('img').count()).toBe(0);
  }, 90_000);

  it('a pasted image and dropped files are sent; the drop target shows while dragging', async () => {
    const ann = await openAs('Ann');
    const bo = await openAs('Bo');
    const image = [...(await png(ann, 40, 30))];
    await ann.getByRole('textbox', { name: /general/ }).evaluate((box, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, image);
    // Shown first, sent only when asked: the next key decides (Escape: not sent).
    const pastedBar = ann.getByRole('group', { name: 'Pasted files, not sent yet' });
    await pastedBar.waitFor();
    expect(await pastedBar.locator('img').count()).toBe(1);
    await ann.screenshot({ path: join(SHOTS, 'files-pasted.png') });
    await ann.keyboard.press('Escape');
    await expect.poll(() => pastedBar.count()).toBe(0);
    await ann.getByRole('textbox', { name: /general/ }).evaluate((box, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, image);
    await ann.getByRole('button', { name: 'Send pasted' }).waitFor();
    await ann.keyboard.press('Enter');
    await expect.poll(() => rowOf(bo, 'pasted.png').getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    expect(await bo.locator('.file', { hasText: 'pasted.png' }).count()).toBe(1); // the one not sent never was
    await expect
      .poll(() =>
        rowOf(bo, 'pasted.png')
          .locator('img')
          .evaluate((el: HTMLImageElement) => el.naturalWidth),
      )
      .toBe(40);

    const dropped = new TextEncoder().encode('dropped on the room\n'.repeat(1000));
    const area = ann.locator('.messages');
    const transfer = await ann.evaluateHandle(
      (bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'dropped.txt', { type: 'text/plain' }));
        return data;
      },
      [...dropped],
    );
    await area.dispatchEvent('dragenter', { dataTransfer: transfer });
    await ann.locator('.drop-target').waitFor();
    await ann.screenshot({ path: join(SHOTS, 'files-drop-target.png') });
    await area.dispatchEvent('dragover', { dataTransfer: transfer });
    await area.dispatchEvent('drop', { dataTransfer: transfer });
    await expect.poll(() => ann.locator('.drop-target').count()).toBe(0);
    const got = await download(bo, 'dropped.txt');
    expect(sha256(got)).toBe(sha256(dropped));
  }, 90_000);

  it('a download resumes with Range after the receiver’s connection drops midway', async () => {
    const proxy = await cuttingProxy(host.port, { afterBytes: 1024 * 1024, cuts: 0, holdMs: 1500 });
    closers.push(() => proxy.close());
    const ann = await openAs('Ann');
    const bo = await openAs('Bo', proxy.port);
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024));
    await attach(ann, 'resumed.bin', bytes);
    const row = rowOf(bo, 'resumed.bin');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
    const path = `/files/${await row.getAttribute('data-file')}`;
    proxy.cutOnly(path);
    const got = await download(bo, 'resumed.bin');
    expect(sha256(got)).toBe(sha256(bytes));
    const asked = proxy.fileRequests.filter((r) => r.path === path);
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({ cut: true, range: null });
    expect(asked[1]?.range).toMatch(/^bytes=\d+-$/);
    const from = Number(/\d+/.exec(asked[1]!.range!)![0]);
    expect(from).toBeGreaterThan(512 * 1024);
    expect(from).toBeLessThan(1024 * 1024);
  }, 90_000);

  it('an upload resumes after the sender’s connection drops, without sending again what the host stored', async () => {
    const proxy = await cuttingProxy(host.port, { afterBytes: 0, cuts: 0 });
    closers.push(() => proxy.close());
    const ann = await openAs('Ann', proxy.port);
    const bo = await openAs('Bo');
    const size = 24 * 1024 * 1024;
    const bytes = new Uint8Array(randomBytes(size));
    const before = proxy.upBytes;
    await attach(ann, 'big.bin', bytes);
    const progress = rowOf(bo, 'big.bin').locator('progress');
    await expect
      .poll(async () => Number((await progress.getAttribute('value')) ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(size / 2);
    // Progress, rate and time left, a space on each side of each '·'.
    await expect
      .poll(() => rowOf(bo, 'big.bin').locator('.transfer .words').textContent())
      .toMatch(/^\d+% · [\d.]+ MiB of 24 MiB · [\d.]+ (MiB|KiB|bytes)\/s · \d+ (s|min) left$/);
    proxy.dropAll(); // Ann's network goes away mid-upload
    await expect
      .poll(() => ann.locator('.bar .state').first().textContent(), { timeout: 10_000 })
      .not.toContain('OPEN');
    await expect
      .poll(() => rowOf(ann, 'big.bin').locator('.status').textContent(), { timeout: 10_000 })
      .toMatch(/Waiting for the connection|Sending|Re-checking|Waiting for the host|Paused: waiting for the host/);
    // Complete means the host's SHA-256 of what it stored equals Ann's of her file.
    await expect.poll(() => rowOf(bo, 'big.bin').getAttribute('data-state'), { timeout: 60_000 }).toBe('complete');
    await expect.poll(() => rowOf(ann, 'big.bin').getAttribute('data-state')).toBe('complete');
    // Restarting from 0 would have sent at least 1.5× the file; resuming sends the rest and what was in flight.
    expect(proxy.upBytes - before).toBeLessThan(size * 1.4);
  }, 90_000);

  it('after a reload mid-upload the sender is told, picks the file again, and it continues where the host was', async () => {
    const ann = await openAs('Ann');
    const bo = await openAs('Bo');
    const size = 24 * 1024 * 1024;
    const bytes = new Uint8Array(randomBytes(size));
    await attach(ann, 'reloaded.bin', bytes);
    const progress = rowOf(bo, 'reloaded.bin').locator('progress');
    await expect
      .poll(async () => Number((await progress.getAttribute('value')) ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(size / 4);
    await ann.reload(); // the page, and the File it held, are gone
    const row = rowOf(ann, 'reloaded.bin');
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('Pick the file again to continue');
    await ann.screenshot({ path: join(SHOTS, 'files-reloaded-unfinished.png') });
    await row.locator('input[type=file]').setInputFiles({
      name: 'reloaded.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    });
    await expect.poll(() => rowOf(bo, 'reloaded.bin').getAttribute('data-state'), { timeout: 60_000 }).toBe('complete');
    // One message for the file, not a second one from the new page.
    expect(await bo.locator('.file', { hasText: 'reloaded.bin' }).count()).toBe(1);
    expect(sha256(await download(bo, 'reloaded.bin'))).toBe(sha256(bytes));
  }, 120_000);
});
