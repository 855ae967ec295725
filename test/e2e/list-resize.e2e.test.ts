/// <reference lib="dom" />
// Code inside page.evaluate runs in Chromium, so this file also sees the DOM types.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.ts';
import type { HostProcess } from '../helpers/host-process.ts';
import { startWebHost, stopWebHost } from '../helpers/web-host.ts';
import { TestClient } from '../helpers/test-client.ts';
import { joinFromHome, openNamed } from '../helpers/web-page.ts';

/**
 * A list that follows the bottom stays at the bottom when its viewport shrinks without a scroll:
 * the search bar opening above it (the trial saw the newest message slide under the composer, and
 * out of sight at 390 px), or its results growing.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'tincan-list-resize-e2e-'));
const SEEDED = 60;
let browser: Browser;
let host: HostProcess;
let bot: TestClient;

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  ({ browser, host } = await startWebHost(dataDir, [
    ...['--room', 'general', '--limit', 'ratePerSecond=500', '--limit', 'rateBurst=500'],
  ]));
  bot = await TestClient.greeted(`ws://127.0.0.1:${host.port}/ws`, 'Bot', 'device-bot-resize');
  bot.send({ type: 'join', room: 'general' });
  await bot.next('joined');
  for (let i = 0; i < SEEDED; i++)
    bot.send({ type: 'send', room: 'general', id: `seed${i}`, text: `seed ${i} banana` });
  const end = Date.now() + 15_000;
  while (bot.all('ack').length < SEEDED) {
    if (Date.now() > end) throw new Error(`only ${bot.all('ack').length} of ${SEEDED} acked`);
    await new Promise((r) => setTimeout(r, 10));
  }
}, 120_000);

afterAll(async () => {
  await bot?.close();
  await stopWebHost(browser, host, dataDir);
});

/** Reader's page in `general`, at `viewport` (named and joined on a wide screen, where the settings are in view). */
async function openRoom(viewport: { width: number; height: number }): Promise<Page> {
  const page = await openNamed(browser, host.port, 'Reader');
  await joinFromHome(page, 'general');
  await page.setViewportSize(viewport);
  return page;
}

/**
 * How far the newest message's bottom is below the list's visible bottom (px; ≤ 0 means fully in
 * view), after layout settles.
 */
function newestBelowFold(page: Page): Promise<number> {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const viewport = document.querySelector<HTMLElement>('.viewport')!;
    const rows = [...document.querySelectorAll<HTMLElement>('.spacer .row')];
    const newest = rows.reduce((a, b) => (Number(b.dataset.seq) > Number(a.dataset.seq) ? b : a));
    return newest.getBoundingClientRect().bottom - viewport.getBoundingClientRect().bottom;
  });
}

describe.skipIf(!hasChromium && !process.env.CI)('following the bottom while the list’s viewport changes', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(`keeps the newest message in view when Search opens and shows results (${viewport.width} px)`, async () => {
      const page = await openRoom(viewport);
      await expect
        .poll(() => page.locator('.spacer .message .text').last().textContent())
        .toContain(`seed ${SEEDED - 1}`);
      expect(await newestBelowFold(page)).toBeLessThanOrEqual(1);

      await page.getByRole('button', { name: 'Search', exact: true }).click();
      const search = page.getByRole('region', { name: 'Search' });
      await search.waitFor();
      expect(await newestBelowFold(page)).toBeLessThanOrEqual(1);
      expect(await page.locator('.viewport').getAttribute('data-following')).toBe('true');

      // Results take more of the height: still following.
      await search.getByRole('searchbox').fill('banana');
      await search.getByRole('searchbox').press('Enter');
      await expect.poll(() => search.locator('li').count()).toBeGreaterThan(0);
      expect(await newestBelowFold(page)).toBeLessThanOrEqual(1);

      // Closed again: the list grows back, and the newest message is still at its bottom.
      await page.keyboard.press('Escape');
      await expect.poll(() => search.count()).toBe(0);
      expect(await newestBelowFold(page)).toBeLessThanOrEqual(1);
      expect(await newestBelowFold(page)).toBeGreaterThan(-40);
      await page.context().close();
    }, 60_000);
  }
});
