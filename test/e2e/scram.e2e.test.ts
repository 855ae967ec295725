import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.ts';
import type { HostProcess } from '../helpers/host-process.ts';
import { startWebHost, stopWebHost } from '../helpers/web-host.ts';

/**
 * A browser guest on plain http from a LAN name is not a secure context: it has no `crypto.subtle`.
 * Chromium maps the name `scram-guest.local` to loopback, so the page is exactly that (a `.local`
 * name over http), and still joins a password room by SCRAM without sending the password.
 */
const GUEST = 'scram-guest.local';
const dataDir = mkdtempSync(join(tmpdir(), 'tincan-scram-e2e-'));
let browser: Browser;
let host: HostProcess;

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  writeFileSync(join(dataDir, 'vault.pw'), 'correct horse\n');
  ({ browser, host } = await startWebHost(
    join(dataDir, 'data'),
    ['--room', 'lobby', '--password-file', `vault=${join(dataDir, 'vault.pw')}`],
    { chromiumArgs: [`--host-resolver-rules=MAP ${GUEST} 127.0.0.1`] },
  ));
}, 120_000);

afterAll(() => stopWebHost(browser, host, dataDir));

describe.skipIf(!hasChromium && !process.env.CI)('password rooms from a plain-http LAN page', () => {
  it('joins by SCRAM without WebCrypto, and no frame carries the password', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
    await page.goto(`http://${GUEST}:${host.port}/#/join?room=vault`);
    expect(await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle }))).toEqual({
      secure: false,
      subtle: 'undefined',
    });
    const prompt = page.getByRole('dialog', { name: 'What should others call you?' });
    await prompt.waitFor();
    await prompt.getByRole('textbox').fill('Dana');
    await prompt.getByRole('button', { name: 'Continue' }).click();
    const field = page.getByLabel('vault needs a password');
    await field.waitFor();
    await field.fill('correct horse');
    const started = Date.now();
    await field.press('Enter');
    // The proof goes out once PBKDF2 is done: that is the cost of a join on such a page.
    await expect.poll(() => sent.some((f) => f.includes('"auth-proof"')), { timeout: 20_000 }).toBe(true);
    console.log(`SCRAM proof without WebCrypto (600000 iterations, @noble/hashes): ${Date.now() - started} ms`);
    await field.waitFor({ state: 'detached' });
    const box = page.getByRole('textbox', { name: /vault/ });
    await box.fill('hello from http');
    await box.press('Enter');
    await expect.poll(() => page.locator('.spacer .message .text').allTextContents()).toEqual(['hello from http']);
    expect(sent.some((f) => f.includes('"auth-proof"'))).toBe(true);
    for (const secret of ['correct horse', 'correct%20horse', btoa('correct horse').replace(/=+$/, '')])
      expect(sent.filter((f) => f.includes(secret))).toEqual([]);
    await context.close();
  }, 60_000);
});
