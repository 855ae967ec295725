/// <reference lib="dom" />
// Mention notifications for a browser guest, in Chromium against the headless host: nothing is
// asked on load; "Notify me of mentions" asks (a click); granted, a mention while the page is not
// focused makes a real Notification; denied, the page says how to allow it in the browser.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.ts';
import type { HostProcess } from '../helpers/host-process.ts';
import { startWebHost, stopWebHost } from '../helpers/web-host.ts';
import { joinFromHome, openNamed } from '../helpers/web-page.ts';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'tincan-notify-e2e-'));
let browser: Browser;
let host: HostProcess;

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  ({ browser, host } = await startWebHost(join(dir, 'data')));
});

afterAll(() => stopWebHost(browser, host, dir));

/**
 * Answer the page's permission prompt as the reader would ("Allow" or "Block"): headless Chromium
 * shows no prompt, so the page's request waits for `__answer`, which sets the permission through
 * the DevTools protocol for the page's context, then lets the real request read it.
 */
async function answerPromptWith(page: Page, setting: 'granted' | 'denied'): Promise<void> {
  const session = await page.context().newCDPSession(page);
  const { targetInfo } = await session.send('Target.getTargetInfo');
  const browserSession = await browser.newBrowserCDPSession();
  await page.exposeFunction('__answer', async () => {
    await browserSession.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting,
      origin: `http://127.0.0.1:${host.port}`,
      browserContextId: targetInfo.browserContextId,
    });
  });
}

/**
 * Count the page's permission requests and the notifications it makes (the real API still runs),
 * and let the test say whether the page has focus (headless pages always think they do).
 */
function watchNotifications(): void {
  const w = window as unknown as { __asked: number; __shown: string[]; __focused: boolean };
  w.__asked = 0;
  w.__shown = [];
  w.__focused = true;
  const Real = window.Notification;
  const request = Real.requestPermission.bind(Real);
  class Watched extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      w.__shown.push(`${title} | ${options?.body ?? ''}`);
    }
  }
  Object.defineProperty(Watched, 'requestPermission', {
    value: async () => {
      w.__asked++;
      await (window as unknown as { __answer?: () => Promise<void> }).__answer?.();
      return request();
    },
  });
  window.Notification = Watched as typeof Notification;
  document.hasFocus = () => w.__focused;
}

const asked = (page: Page) => page.evaluate(() => (window as unknown as { __asked: number }).__asked);
const control = (page: Page) => page.locator('.mention-notifications');

async function guest(nick: string, permissions: string[] = []): Promise<Page> {
  const page = await openNamed(browser, host.port, nick, { permissions });
  return page;
}

/** A watched page on the host's web client whose permission prompt will be answered with `setting`. */
async function watchedPage(setting: 'granted' | 'denied'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-US' });
  await context.addInitScript(watchNotifications);
  const page = await context.newPage();
  await answerPromptWith(page, setting);
  await page.goto(`http://127.0.0.1:${host.port}/`);
  return page;
}

describe.skipIf(!hasChromium && !process.env.CI)('mention notifications in the browser', () => {
  it('asks only on the click; once allowed, a mention while unfocused notifies', async () => {
    const ann = await watchedPage('granted');
    await ann.locator('#nick').fill('Ann');
    await ann.locator('#nick').press('Enter');
    await joinFromHome(ann, 'general');
    await expect.poll(() => control(ann).getAttribute('data-state')).toBe('default');
    expect(await asked(ann)).toBe(0); // nothing on load
    await ann.getByRole('button', { name: 'Notify me of mentions' }).click();
    await expect.poll(() => control(ann).getAttribute('data-state')).toBe('granted');
    expect(await asked(ann)).toBe(1);
    expect(await control(ann).textContent()).toContain('Mention notifications are on');

    await ann.evaluate(() => {
      (window as unknown as { __focused: boolean }).__focused = false;
      window.dispatchEvent(new Event('blur'));
    });
    const bob = await guest('Bob');
    await joinFromHome(bob, 'general');
    await bob.getByRole('textbox', { name: /Message general/ }).fill('no mention here');
    await bob.getByRole('textbox', { name: /Message general/ }).press('Enter');
    await bob.getByRole('textbox', { name: /Message general/ }).fill('hey @Ann, look');
    await bob.getByRole('textbox', { name: /Message general/ }).press('Enter');
    await expect
      .poll(() => ann.evaluate(() => (window as unknown as { __shown: string[] }).__shown))
      .toEqual([expect.stringMatching(/Bob.*general.*\| hey @Ann, look/)]);
    await ann.screenshot({ path: join(SHOTS, 'notify-granted-en.png') });
    await bob.context().close();
    await ann.context().close();
  }, 60_000);

  it('denied: says so and how to allow it in the browser, and offers no button that cannot work', async () => {
    const cat = await watchedPage('denied');
    await cat.getByRole('button', { name: 'Notify me of mentions' }).click();
    await expect.poll(() => control(cat).getAttribute('data-state')).toBe('denied');
    expect(await asked(cat)).toBe(1);
    expect(await control(cat).textContent()).toMatch(/blocked for this page.*site settings.*Notifications to Allow/);
    expect(await cat.getByRole('button', { name: 'Notify me of mentions' }).count()).toBe(0);
    await cat.screenshot({ path: join(SHOTS, 'notify-denied-en.png') });
    await cat.context().close();
  }, 60_000);

  it('already allowed for the site: shows it is on, without asking', async () => {
    const page = await guest('Dot', ['notifications']);
    await expect.poll(() => control(page).getAttribute('data-state')).toBe('granted');
    await page.context().close();
  });
});
