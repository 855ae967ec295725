import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { spawnHost, type HostProcess } from '../helpers/host-process.ts';
import { buildWebClient } from '../helpers/web-build.ts';
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
  const webRoot = await buildWebClient();
  browser = await launchChromium();
  host = await spawnHost(
    [...['--port', '0', '--bind', '127.0.0.1', '--data', dataDir, '--room', 'general', '--web', webRoot]],
    { stdin: 'pipe' },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  host?.child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium && !process.env.CI)('a muted member in the web client', () => {
  it('sees the message refused as muted, with the time left, and a composer that says so', async () => {
    const carol = await openNamed(browser, host.port, 'Carol');
    await joinFromHome(carol, 'general');
    // The operator looks Carol up and mutes her from the console.
    host.child.stdin!.write('who\n');
    const line = /^\s*(\S+)\s+Carol \(device/m;
    await expect.poll(() => line.test(host.stdout())).toBe(true);
    const member = line.exec(host.stdout())![1]!;
    host.child.stdin!.write(`mute #general ${member} 10m calm down please\n`);
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
});
