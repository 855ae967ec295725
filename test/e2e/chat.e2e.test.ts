/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Code inside page.evaluate runs in Chromium, so this file also sees the DOM types.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { spawnHost, type HostProcess } from '../helpers/host-process.ts';
import { TestClient } from '../helpers/test-client.ts';
import { buildWebClient } from '../helpers/web-build.ts';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'tincan-e2e-'));
let webRoot: string;
let browser: Browser;
let host: HostProcess;

function hostArgs(port: number): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--data',
    dataDir,
    '--room',
    'general',
    '--room',
    'ops',
    '--web',
    webRoot,
    // The burst test sends faster than a person would.
    '--limit',
    'ratePerSecond=500',
    '--limit',
    'rateBurst=500',
  ];
}

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  mkdirSync(SHOTS, { recursive: true });
  webRoot = await buildWebClient();
  browser = await launchChromium();
  host = await spawnHost(hostArgs(0));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  host?.child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function openAs(nick: string, language?: 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 720 },
    ...(language ? { locale: language } : { locale: 'en-US' }),
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`http://127.0.0.1:${host.port}/`);
  await page.locator('#nick').fill(nick);
  await page.locator('#nick').press('Enter');
  await expect.poll(() => page.locator('.bar .state').first().textContent()).toContain('OPEN');
  return page;
}

async function joinGeneral(page: Page): Promise<void> {
  await page.locator('li', { hasText: 'general' }).getByRole('button').first().click();
  await page.getByRole('textbox', { name: /general/ }).waitFor();
}

async function say(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /general/ });
  await box.fill(text);
  await box.press('Enter');
}

/** Texts of the stored messages in the open room, in order (pending ones excluded). */
function messageTexts(page: Page): Promise<string[]> {
  return page.locator('.spacer .message .text').allTextContents();
}

describe.skipIf(!hasChromium && !process.env.CI)('web client end to end (Chromium + headless host)', () => {
  it('two browsers chat; the host dies and comes back; the outbox flushes once; nothing is lost or doubled', async () => {
    const ann = await openAs('Ann');
    const bo = await openAs('Bo');
    await joinGeneral(ann);
    await joinGeneral(bo);
    await say(ann, 'hello from Ann');
    await expect.poll(() => messageTexts(bo)).toEqual(['hello from Ann']);
    await say(bo, 'hi Ann, @Ann look');
    await expect.poll(() => messageTexts(ann)).toEqual(['hello from Ann', 'hi Ann, @Ann look']);
    await expect(ann.locator('.members-title, #members-title').textContent()).resolves.toContain('2');

    // The host goes down hard.
    const port = host.port;
    host.child.kill('SIGKILL');
    await host.exited;
    await expect.poll(() => ann.locator('.bar .state').first().textContent(), { timeout: 10_000 }).toContain('CLOSED');
    await expect.poll(() => ann.locator('.countdown').count()).toBeGreaterThan(0);
    // The bar counts the retries that failed, in words that fit the count, spaced around each '·'.
    const closeWords = ann.locator('.bar .close').first();
    await expect
      .poll(async () => Number(await closeWords.getAttribute('data-failed-attempts')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    const down = (await closeWords.textContent())!;
    const failed = Number(await closeWords.getAttribute('data-failed-attempts'));
    expect(down).toMatch(/^last close 1006 · not clean · (\d+) reconnect attempts? failed$/);
    const counted = Number(/(\d+) reconnect/.exec(down)![1]);
    expect(down.includes('attempts')).toBe(counted !== 1);
    expect(counted).toBeGreaterThanOrEqual(failed);
    await say(ann, 'written offline 1');
    await say(ann, 'written offline 2');
    await say(bo, 'Bo offline too');
    await expect.poll(() => ann.locator('.outgoing').count()).toBe(2);
    await expect(ann.locator('.outgoing').first().textContent()).resolves.toContain('Waiting for connection');
    // Search needs the host: while it is down, the room says the search did not run (not "no match").
    await ann.getByRole('button', { name: 'Search', exact: true }).click();
    const search = ann.getByRole('region', { name: 'Search' });
    await search.getByRole('searchbox').fill('hello');
    await search.getByRole('searchbox').press('Enter');
    await expect.poll(() => search.getByRole('status').textContent()).toContain('Could not search');
    await search.getByRole('button', { name: 'Close search' }).click();

    host = await spawnHost(hostArgs(port));
    const expected = [
      'hello from Ann',
      'hi Ann, @Ann look',
      'written offline 1',
      'written offline 2',
      'Bo offline too',
    ];
    // Back: a note says so, and the failures before this connection are no longer counted.
    await expect.poll(() => ann.locator('.bar .reconnected').count(), { timeout: 40_000 }).toBe(1);
    await expect(closeWords.textContent()).resolves.toBe('last close 1006 · not clean');
    for (const page of [ann, bo]) {
      await expect.poll(() => page.locator('.bar .state').first().textContent(), { timeout: 40_000 }).toContain('OPEN');
      await expect.poll(() => page.locator('.outgoing').count(), { timeout: 10_000 }).toBe(0);
    }
    // Order between Ann's and Bo's offline messages depends on who reconnects first; each appears once.
    for (const page of [ann, bo]) {
      await expect
        .poll(async () => (await messageTexts(page)).slice().sort(), { timeout: 10_000 })
        .toEqual([...expected].sort());
    }
    const annOrder = await messageTexts(ann);
    expect(annOrder.indexOf('written offline 1')).toBeLessThan(annOrder.indexOf('written offline 2'));
    expect(await messageTexts(bo)).toEqual(annOrder); // both see the host's one order

    await ann.screenshot({ path: join(SHOTS, 'room-en.png') });
    await ann.context().close();
    await bo.context().close();
  });

  it('renders XSS payloads in messages and nicknames as inert text', async () => {
    const evil = await openAs('<img src=x onerror=alert(1)>');
    const victim = await openAs('Victim');
    await joinGeneral(evil);
    await joinGeneral(victim);
    const payloads = [
      '<img src=x onerror="window.__xss=1">',
      '<svg onload="window.__xss=1"></svg>',
      'javascript:window.__xss=1',
      '[click](javascript:window.__xss=1) <a href="javascript:window.__xss=1">x</a>',
      '<script>window.__xss=1</script>',
    ];
    for (const p of payloads) await say(evil, p);
    await expect.poll(async () => (await messageTexts(victim)).slice(-payloads.length)).toEqual(payloads);
    for (const page of [victim, evil]) {
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('.spacer img, .spacer svg, .spacer script').count()).toBe(0);
      const hrefs = await page.locator('.spacer a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs.every((h) => h === null || /^https?:/.test(h))).toBe(true);
    }
    await expect(victim.locator('.spacer .nick').last().textContent()).resolves.toBe('<img src=x onerror=alert(1)>');
    await evil.context().close();
    await victim.context().close();
  });

  it('keeps following the newest message through a burst, with rows that never overlap', async () => {
    const page = await openAs('Reader');
    await joinGeneral(page);
    const bot = await TestClient.greeted(`ws://127.0.0.1:${host.port}/ws`, 'Bot', 'device-bot-0001');
    bot.send({ type: 'join', room: 'general' });
    await bot.next('joined');
    for (let i = 0; i < 120; i++) {
      bot.send({
        type: 'send',
        room: 'general',
        id: `burst${i}`,
        text: `burst ${i}\nsecond line\n${'word '.repeat(i % 40)}`,
      });
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 25)); // ~400 messages/s
    }
    await expect.poll(() => page.locator('.spacer .message .text').last().textContent()).toContain('burst 119');
    await page.waitForTimeout(300);
    const layout = await page.evaluate(() => {
      const v = document.querySelector('.viewport')!;
      const rows = [...document.querySelectorAll<HTMLElement>('.spacer > .row')]
        .map((el) => ({
          top: Number(/translateY\(([-\d.]+)px\)/.exec(el.style.transform)?.[1]),
          h: el.getBoundingClientRect().height,
        }))
        .sort((a, b) => a.top - b.top);
      const overlaps = rows.slice(1).filter((r, i) => Math.abs(r.top - (rows[i]!.top + rows[i]!.h)) > 1).length;
      return {
        atBottom: v.scrollTop + v.clientHeight >= v.scrollHeight - 40,
        jumpShown: !!document.querySelector('.latest'),
        overlaps,
        domNodes: document.querySelectorAll('*').length,
      };
    });
    expect(layout).toMatchObject({ atBottom: true, jumpShown: false, overlaps: 0 });
    expect(layout.domNodes).toBeLessThan(600); // virtualized: rows on screen only, whatever the room holds
    expect(bot.all('error')).toEqual([]);
    await bot.close();
    await page.context().close();
  });

  it('shows home and room views in English and Chinese (screenshots)', async () => {
    for (const language of [undefined, 'zh-CN'] as const) {
      const page = await openAs(language ? '小明' : 'Ann', language);
      const suffix = language ?? 'en';
      if (language) {
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tincan');
        await expect(page.locator('body').textContent()).resolves.toContain('加入主机');
      }
      await page.screenshot({ path: join(SHOTS, `home-${suffix}.png`) });
      await joinGeneral(page);
      await say(page, language ? '大家好！请看 https://example.com' : 'Hello everyone, see https://example.com');
      await expect.poll(() => page.locator('.spacer .message').count()).toBeGreaterThan(0);
      if (language) await page.screenshot({ path: join(SHOTS, `room-${suffix}.png`) });
      await page.context().close();
    }
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('invite links in the browser', () => {
  it('an invite with a join token opens the locked room without the password; a tampered one asks for it', async () => {
    const pwFile = join(dataDir, 'vault.pw');
    writeFileSync(pwFile, 'sesame\n');
    const locked = await spawnHost(
      [
        '--port',
        '0',
        '--bind',
        '127.0.0.1',
        '--data',
        join(dataDir, 'invites'),
        '--room',
        'lobby',
        '--password-file',
        `vault=${pwFile}`,
        '--web',
        webRoot,
        '--no-discovery',
      ],
      { stdin: 'pipe' },
    );
    try {
      // The host prints a password room's link (with a join token) when its operator asks for one.
      locked.child.stdin!.write('invite vault\n');
      const pattern = /(http:\/\/127\.0\.0\.1:\d+\/#\/join\?room=vault\S*token=\S+)/;
      await expect.poll(() => pattern.test(locked.stdout())).toBe(true);
      const link = pattern.exec(locked.stdout())?.[1];
      expect(link, locked.stdout()).toBeTruthy();
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(link!);
      // Someone arriving by invite in a fresh browser is asked for a name before writing.
      const prompt = page.getByRole('dialog', { name: 'What should others call you?' });
      await prompt.waitFor();
      await prompt.getByRole('textbox').fill('Carol');
      await prompt.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => prompt.count()).toBe(0);
      const box = page.getByRole('textbox', { name: /vault/ });
      await box.fill('in through the invite');
      await box.press('Enter');
      await expect
        .poll(() => page.locator('.spacer .message .text').allTextContents())
        .toEqual(['in through the invite']);
      await expect(page.locator('.spacer .message .nick').textContent()).resolves.toBe('Carol');
      expect(page.url()).not.toContain('token='); // the token is not left in the address bar

      const tampered = link!.replace(/token=([^&]+)/, (_, t: string) => `token=${t.slice(0, -2)}xx`);
      const other = await context.newPage();
      // Every frame the page sends, as the page's own WebSocket hands it over (before masking).
      const sent: string[] = [];
      other.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
      await other.goto(tampered);
      const field = other.getByLabel('vault needs a password');
      await field.waitFor();
      // The password prompt still works, by SCRAM: a wrong password says so (each refusal numbered,
      // the tampered token's included), Join waits out the host's back-off, and the right one joins.
      await other.waitForTimeout(600); // past the 500 ms backoff the tampered token earned
      const submit = async (password: string) => {
        await field.fill(password);
        await field.press('Enter');
      };
      await submit('not it');
      await expect.poll(() => sent.filter((f) => f.includes('"auth-proof"')).length).toBe(1);
      await other.getByText(/^Wrong password \(attempt [12]\)\. Try again\.$/).waitFor();
      const joinButton = other.locator('form.password').getByRole('button', { name: 'Join' });
      // Two wrong tries: 1 s of back-off, counted down with Join disabled.
      await expect.poll(() => joinButton.isDisabled(), { timeout: 10_000 }).toBe(false);
      await submit('sesame');
      await expect
        .poll(() => other.locator('.spacer .message .text').allTextContents())
        .toEqual(['in through the invite']);
      expect(sent.some((f) => f.includes('"auth-proof"'))).toBe(true);
      for (const secret of ['sesame', 'not it', btoa('sesame').replace(/=+$/, '')])
        expect(sent.filter((f) => f.includes(secret))).toEqual([]);
      // WebCrypto's PBKDF2 at the host's default cost, in this Chromium: what a join with a password costs.
      const ms = await other.evaluate(async () => {
        const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('x'), 'PBKDF2', false, [
          'deriveBits',
        ]);
        const t = performance.now();
        await crypto.subtle.deriveBits(
          { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: 600_000 },
          key,
          256,
        );
        return performance.now() - t;
      });
      console.log(`PBKDF2-SHA-256 600000 iterations in Chromium: ${ms.toFixed(0)} ms`);
      await context.close();
    } finally {
      locked.child.kill('SIGTERM');
      await locked.exited;
    }
  });
});
