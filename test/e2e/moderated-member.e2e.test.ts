import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.ts';
import type { HostProcess } from '../helpers/host-process.ts';
import { startWebHost, stopWebHost } from '../helpers/web-host.ts';
import { joinFromHome, openNamed } from '../helpers/web-page.ts';

/**
 * What the person the operator muted sees: their message fails at once with why and until when,
 * and the composer says they are muted, instead of a message stuck on "Sending…".
 */

const dataDir = mkdtempSync(join(tmpdir(), 'tincan-muted-e2e-'));
let browser: Browser;
let host: HostProcess;

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  ({ browser, host } = await startWebHost(dataDir, ['--room', 'general'], { stdin: 'pipe' }));
}, 120_000);

afterAll(() => stopWebHost(browser, host, dataDir));

/** The member id the console's `who` lists for `nick`. */
async function memberId(nick: string): Promise<string> {
  host.child.stdin!.write('who\n');
  const line = new RegExp(`^\\s*(\\S+)\\s+${nick} \\(device`, 'm');
  await expect.poll(() => line.test(host.stdout())).toBe(true);
  return line.exec(host.stdout())![1]!;
}

describe.skipIf(!hasChromium && !process.env.CI)('a moderated member in the web client', () => {
  it('sees the message refused as muted, with the time left, and a composer that says so', async () => {
    const carol = await openNamed(browser, host.port, 'Carol');
    await joinFromHome(carol, 'general');
    // The operator looks Carol up and mutes her from the console.
    host.child.stdin!.write(`mute #general ${await memberId('Carol')} 10m calm down please\n`);
    await expect.poll(() => carol.getByText('Carol was muted in this room').count()).toBeGreaterThan(0);

    const box = carol.getByRole('textbox', { name: /Message general/ });
    await box.fill('can I still talk?');
    await box.press('Enter');
    const row = carol.locator('.outgoing', { hasText: 'can I still talk?' });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 5000 }).toBe('failed');
    await expect(row.textContent()).resolves.toContain('The host muted you in this room');
    // The composer says so too, with when it ends.
    await expect
      .poll(() => carol.locator('.composer .muted-note').textContent())
      .toMatch(/muted you in this room until \d/);
    await carol.context().close();
  }, 60_000);

  it('kicked or banned: told in the room, with the reason and for a ban until when; the history stays', async () => {
    const bob = await openNamed(browser, host.port, 'Bob');
    await joinFromHome(bob, 'general');
    const box = bob.getByRole('textbox', { name: /Message general/ });
    await box.fill('before the kick');
    await box.press('Enter');
    await expect.poll(() => bob.locator('.spacer .message .text').allTextContents()).toContain('before the kick');
    host.child.stdin!.write(`kick ${await memberId('Bob')} spamming links\n`);
    const removed = bob.locator('.removed');
    await expect.poll(() => removed.textContent()).toContain('The host removed you from this host.');
    await expect(removed.textContent()).resolves.toContain('Reason: spamming links');
    await expect(bob.locator('.composer').count()).resolves.toBe(0);
    await expect(bob.locator('.spacer .message .text').allTextContents()).resolves.toContain('before the kick');
    await bob.context().close();

    const dave = await openNamed(browser, host.port, 'Dave');
    await joinFromHome(dave, 'general');
    host.child.stdin!.write(`ban ${await memberId('Dave')} 1h ban test\n`);
    await expect.poll(() => dave.locator('.removed').textContent()).toMatch(/banned from this host until \d/);
    await expect(dave.locator('.removed').textContent()).resolves.toContain('Reason: ban test');
    await expect(dave.locator('.removed button').count()).resolves.toBe(0); // no reconnect offered: it would be refused
    await dave.context().close();
  }, 60_000);
});
