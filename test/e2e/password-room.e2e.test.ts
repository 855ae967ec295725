/// <reference lib="dom" />
// Code inside page.evaluate runs in Chromium, so this file also sees the DOM types.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.ts';
import type { HostProcess } from '../helpers/host-process.ts';
import { startWebHost, stopWebHost } from '../helpers/web-host.ts';
import { openNamed } from '../helpers/web-page.ts';

/**
 * A password room from the home view, as a new user meets it: until the host lets them in, the room
 * shows only its (labelled) password form — no composer, attach, search or invite, and the sidebar
 * does not call it online — and every refused try is a new, numbered answer with the host's back-off
 * counted down.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'tincan-password-e2e-'));
/** The host's first wait after a wrong password, ms: long enough to see the countdown on a loaded machine. */
const BACKOFF_MS = 3000;
let browser: Browser;
let host: HostProcess;

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(dataDir, 'secret.pw'), 'open sesame\n');
  ({ browser, host } = await startWebHost(join(dataDir, 'data'), [
    ...['--room', 'general', '--password-file', `secret=${join(dataDir, 'secret.pw')}`],
    ...['--limit', `passwordBackoffBaseMs=${BACKOFF_MS}`],
  ]));
}, 120_000);

afterAll(() => stopWebHost(browser, host, dataDir));

const openAs = (nick: string): Promise<Page> => openNamed(browser, host.port, nick);

/** What of the room can be used now, by the names people see. */
async function usable(page: Page) {
  return {
    composer: await page.getByRole('textbox', { name: /Message secret/ }).count(),
    attach: await page.locator('[data-testid=attach-input]').count(),
    search: await page.getByRole('button', { name: 'Search' }).count(),
    invite: await page.getByRole('button', { name: 'Invite' }).count(),
  };
}

const sidebarDot = (page: Page) => page.getByRole('navigation').locator('.room', { hasText: 'secret' }).locator('.dot');

describe.skipIf(!hasChromium && !process.env.CI)('a password room before and after the host lets you in', () => {
  it('shows only a labelled password form until admitted, numbers every refusal and counts the back-off down', async () => {
    const page = await openAs('Pat');
    await page.locator('li', { hasText: 'secret' }).getByRole('button', { name: 'Join' }).click();

    // Home: the password box has a visible label, not only an accessible name.
    const label = page.locator('label', { hasText: 'secret needs a password' });
    await label.waitFor();
    expect(await label.isVisible()).toBe(true);
    await page.getByLabel('secret needs a password').fill('wrong one');
    await page.getByLabel('secret needs a password').press('Enter');

    // The room view: the password form and nothing else of the room.
    const field = page.getByLabel('secret needs a password');
    await field.waitFor();
    const alert = page.locator('form.password [role=alert]');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('Wrong password (attempt 1)');
    expect(await usable(page)).toEqual({ composer: 0, attach: 0, search: 0, invite: 0 });
    expect(await sidebarDot(page).getAttribute('data-state')).not.toBe('1');
    // Ctrl+F opens no search either.
    await page.keyboard.press('Control+f');
    expect(await page.locator('section.search').count()).toBe(0);

    // The host's back-off, counted down; the button waits for it.
    const submit = page.locator('form.password').getByRole('button', { name: 'Join' });
    await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/You can try again in [1-3] s/);
    expect(await submit.isDisabled()).toBe(true);
    await expect.poll(() => submit.isDisabled(), { timeout: BACKOFF_MS + 5000 }).toBe(false);
    expect(await page.getByRole('timer').count()).toBe(0);

    // A second wrong try: a fresh alert with its number, not the same words left standing.
    const before = await alert.elementHandle();
    await field.fill('still wrong');
    await field.press('Enter');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('Wrong password (attempt 2)');
    expect(await before!.evaluate((el) => el.isConnected)).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'password-room-refused.png') });
    expect(await usable(page)).toEqual({ composer: 0, attach: 0, search: 0, invite: 0 });

    // The right one, once the (doubled) back-off is over: the room opens, and is online in the sidebar.
    await expect.poll(() => submit.isDisabled(), { timeout: 2 * BACKOFF_MS + 5000 }).toBe(false);
    await field.fill('open sesame');
    await field.press('Enter');
    await page.getByRole('textbox', { name: /Message secret/ }).waitFor({ timeout: 20_000 });
    expect(await field.count()).toBe(0);
    expect(await usable(page)).toEqual({ composer: 1, attach: 1, search: 1, invite: 1 });
    await expect.poll(() => sidebarDot(page).getAttribute('data-state')).toBe('1');

    // A reload re-joins by the session ticket: the room opens without the password form, not even for a moment.
    await page.addInitScript(() => {
      new MutationObserver(() => {
        if (document.getElementById('room-password')) (window as { sawPasswordForm?: boolean }).sawPasswordForm = true;
      }).observe(document, { childList: true, subtree: true });
    });
    await page.reload();
    await page.getByRole('textbox', { name: /Message secret/ }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as { sawPasswordForm?: boolean }).sawPasswordForm)).toBeUndefined();
    await page.context().close();
  }, 90_000);
});
