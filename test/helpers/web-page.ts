import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';

/** A 390×844 touch phone, in English (the trial's phone). */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  hasTouch: true,
  isMobile: true,
  locale: 'en-US',
};

/**
 * A page of its own (a new context) on the web client the host at `port` serves, in English, with
 * `nick` saved on the home view (so no name prompt) and the connection open. A page error fails the
 * test. The caller closes `page.context()`.
 */
export async function openNamed(
  browser: Browser,
  port: number,
  nick: string,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-US', ...options });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.locator('#nick').fill(nick);
  await page.locator('#nick').press('Enter');
  await expect.poll(() => page.locator('.bar .state').first().textContent()).toContain('OPEN');
  return page;
}

/** Join `room` from the home view's room list and wait for its composer. */
export async function joinFromHome(page: Page, room: string): Promise<void> {
  await page.locator('li', { hasText: room }).getByRole('button', { name: 'Join' }).click();
  await page.getByRole('textbox', { name: new RegExp(`Message ${room}`) }).waitFor();
}
