import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { spawnHost, type HostProcess } from '../helpers/host-process.ts';
import { buildWebClient } from '../helpers/web-build.ts';
import { joinFromHome, openNamed } from '../helpers/web-page.ts';

/**
 * The host stops (SIGTERM) halfway through an upload: the sender's row says it is paused waiting
 * for the host, shows no rate, and keeps Cancel; a cancel while the host is away is shown at once
 * and reaches the host when it is back, so everyone sees the file cancelled.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'tincan-upload-outage-e2e-'));
const SIZE = 24 * 1024 * 1024;
let webRoot: string;
let browser: Browser;
let host: HostProcess | undefined;
const closers: (() => unknown)[] = [];

function start(port: number): Promise<HostProcess> {
  return spawnHost([
    ...['--port', String(port), '--bind', '127.0.0.1', '--data', dataDir, '--room', 'general', '--web', webRoot],
    // Slow enough that the upload is still going when the host is stopped.
    ...['--limit', 'binaryBytesPerSecond=4194304', '--limit', 'binaryBytesBurst=1048576'],
  ]);
}

async function stop(): Promise<void> {
  const running = host;
  host = undefined;
  running?.child.kill('SIGTERM');
  await running?.exited;
}

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  mkdirSync(SHOTS, { recursive: true });
  webRoot = await buildWebClient();
  browser = await launchChromium();
  host = await start(0);
}, 120_000);

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await browser?.close();
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function openAs(nick: string, port: number): Promise<Page> {
  const page = await openNamed(browser, port, nick, { viewport: { width: 1100, height: 800 } });
  closers.push(() => page.context().close());
  await joinFromHome(page, 'general');
  return page;
}

const rowOf = (page: Page, name: string) => page.locator('.file', { hasText: name }).last();

describe.skipIf(!hasChromium && !process.env.CI)('an upload while the host is down', () => {
  it('pauses without a rate, keeps Cancel, and a cancel made while the host is away reaches it when it is back', async () => {
    const port = host!.port;
    const ann = await openAs('Ann', port);
    const bo = await openAs('Bo', port);
    await ann
      .locator('[data-testid=attach-input]')
      .setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(SIZE) });
    const annRow = rowOf(ann, 'big.bin');
    const boRow = rowOf(bo, 'big.bin');
    await expect
      .poll(async () => Number((await boRow.locator('progress').getAttribute('value')) ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(SIZE / 6);
    expect(await annRow.getByRole('button', { name: 'Cancel' }).count()).toBe(1);

    await stop();
    await expect.poll(() => ann.locator('.bar .state').first().textContent(), { timeout: 10_000 }).toContain('CLOSED');
    await expect
      .poll(() => annRow.locator('.status').first().textContent(), { timeout: 10_000 })
      .toBe('Paused: waiting for the host; it goes on by itself when the host is back');
    // What the host last said it stored, and no rate: nothing is moving.
    await expect.poll(() => annRow.locator('.words').textContent()).toMatch(/^\d+% · .+ of 24 MiB$/);
    await expect.poll(() => boRow.locator('.words').textContent()).not.toContain('/s');
    // Bo, who only hears of it from the host, is not told it is still uploading.
    await expect
      .poll(() => boRow.locator('.status').first().textContent())
      .toBe('Paused: waiting for the host; it goes on by itself when the host is back');
    await ann.screenshot({ path: join(SHOTS, 'upload-host-down.png') });

    await annRow.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => annRow.getAttribute('data-state')).toBe('cancelled');
    expect(await annRow.locator('.status').allTextContents()).toEqual([
      'Cancelled by the sender',
      'The host is told as soon as it is back.',
    ]);
    expect(await annRow.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    // Back on the same port and data: Ann's page tells it, and Bo (who only learns from the host) sees it cancelled.
    host = await start(port);
    await expect.poll(() => boRow.getAttribute('data-state'), { timeout: 60_000 }).toBe('cancelled');
    await expect.poll(() => annRow.locator('.status').allTextContents()).toEqual(['Cancelled by the sender']);
  }, 120_000);
});
