/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Issue 14 in Chromium against the headless host: following the bottom of a long room, message
// kinds, dates in both languages, search, the phone layout, the name prompt, live counts and close
// reasons. Code inside page.evaluate runs in Chromium, so this file also sees the DOM types.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { spawnHost, type HostProcess } from '../helpers/host-process.ts';
import { TestClient } from '../helpers/test-client.ts';
import { buildWebClient } from '../helpers/web-build.ts';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'tincan-room-e2e-'));
/** Messages seeded into `long`; every tenth says "needle". */
const SEEDED = 300;
let webRoot: string;
let browser: Browser;
let host: HostProcess;
let bot: TestClient;

function hostArgs(port: number, data = dataDir): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--data',
    data,
    ...['general', 'ops', 'long', 'dates'].flatMap((r) => ['--room', r]),
    '--web',
    webRoot,
    '--limit',
    'ratePerSecond=500',
    '--limit',
    'rateBurst=500',
  ];
}

const wsUrl = () => `ws://127.0.0.1:${host.port}/ws`;

/**
 * Rows of varied height: mostly one line (shorter than the list's first estimate, the case that
 * broke following the bottom), some of several lines, some with a word too long for the row.
 */
function varied(i: number, label: string): string {
  if (i % 10 === 1) return `${label}\nsecond line\nthird line`;
  if (i % 10 === 2) return `${label} ${'y'.repeat(120 + (i % 7) * 20)}`;
  return label;
}

/** Send `texts` from `client` into `room` and wait until all are acknowledged. */
async function post(client: TestClient, room: string, texts: string[], idPrefix: string): Promise<void> {
  const before = client.all('ack').length;
  texts.forEach((text, i) => client.send({ type: 'send', room, id: `${idPrefix}${i}`, text }));
  const end = Date.now() + 15_000;
  while (client.all('ack').length - before < texts.length) {
    if (Date.now() > end) throw new Error(`only ${client.all('ack').length - before} of ${texts.length} acked`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  mkdirSync(SHOTS, { recursive: true });
  webRoot = await buildWebClient();
  browser = await launchChromium();
  host = await spawnHost(hostArgs(0), { stdin: 'pipe' });
  bot = await TestClient.greeted(wsUrl(), 'Bot', 'device-bot-room1');
  for (const room of ['long', 'dates']) {
    bot.send({ type: 'join', room });
    await bot.next('joined');
  }
  await post(
    bot,
    'long',
    Array.from({ length: SEEDED }, (_, i) => varied(i, i % 10 === 0 ? `seed ${i} needle` : `seed ${i}`)),
    'seed',
  );
}, 120_000);

afterAll(async () => {
  await bot?.close();
  await browser?.close();
  host?.child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-US', ...options });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return page;
}

/** A person with a nickname on the host's web client (so no name prompt). */
async function openAs(nick: string, options: BrowserContextOptions = {}, port = host.port): Promise<Page> {
  const page = await newPage(options);
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.locator('#nick').fill(nick);
  await page.locator('#nick').press('Enter');
  await expect.poll(() => page.locator('.bar .state').first().textContent()).toContain('OPEN');
  return page;
}

async function joinRoom(page: Page, room: string): Promise<void> {
  await page.locator('li', { hasText: room }).getByRole('button', { name: 'Join' }).click();
  await page.getByRole('textbox', { name: new RegExp(`Message ${room}`) }).waitFor();
}

/** Distance from the bottom of the message list to the bottom of its viewport, after layout settles. */
async function gapToBottom(page: Page): Promise<number> {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const v = document.querySelector<HTMLElement>('.viewport')!;
    return v.scrollHeight - v.scrollTop - v.clientHeight;
  });
}

const lastRowText = (page: Page) => page.locator('.spacer .message .text').last().textContent();

describe.skipIf(!hasChromium && !process.env.CI)('a room that feels finished (issue 14)', () => {
  it('follows the bottom of a 300-message room through live messages of varied height, theirs and ours', async () => {
    const page = await openAs('Reader');
    await joinRoom(page, 'long');
    await expect.poll(() => lastRowText(page)).toContain(`seed ${SEEDED - 1}`);
    expect(await gapToBottom(page)).toBeLessThanOrEqual(1);

    for (let i = 0; i < 12; i++) {
      if (i % 4 === 3) {
        const box = page.getByRole('textbox', { name: /Message long/ });
        await box.fill(varied(i, `mine ${i}`));
        await box.press('Enter');
        await expect.poll(() => page.locator('.outgoing').count()).toBe(0);
      } else {
        await post(bot, 'long', [varied(i, `live ${i}`)], `live${i}-`);
      }
      await expect.poll(() => lastRowText(page)).toContain(`${i % 4 === 3 ? 'mine' : 'live'} ${i}`);
      // The bug was a gap growing by one row per message (0 → 49 → 98 px): it must stay at 0.
      expect(await gapToBottom(page)).toBeLessThanOrEqual(1);
      expect(await page.locator('.latest').count()).toBe(0);
    }

    // Scrolling up (the reader's wheel) stops following: new messages do not move what is read.
    await page.locator('.viewport').hover();
    await page.mouse.wheel(0, -1500);
    await expect.poll(() => page.locator('.latest').count()).toBe(1);
    const readingBefore = await page.evaluate(() => {
      const v = document.querySelector<HTMLElement>('.viewport')!;
      const row = [...document.querySelectorAll<HTMLElement>('.spacer > .row')].find(
        (r) => r.getBoundingClientRect().top >= v.getBoundingClientRect().top,
      )!;
      return { seq: row.dataset.seq, top: row.getBoundingClientRect().top };
    });
    await post(bot, 'long', ['while reading 1', 'while reading 2\nwith\nlines'], 'reading');
    // The list's live region announces the newest message: it has arrived, below what is read.
    await expect.poll(() => page.locator('p[aria-live]').first().textContent()).toContain('while reading 2');
    const readingAfter = await page.evaluate(
      (seq) => document.querySelector<HTMLElement>(`.spacer > .row[data-seq="${seq}"]`)!.getBoundingClientRect().top,
      readingBefore.seq!,
    );
    expect(Math.abs(readingAfter - readingBefore.top)).toBeLessThanOrEqual(1);
    await page.getByRole('button', { name: /Jump to latest/ }).click();
    await expect.poll(() => lastRowText(page)).toContain('while reading 2');
    expect(await gapToBottom(page)).toBeLessThanOrEqual(1);
    await page.context().close();
  });

  it('shows each message kind with its own row: announcements as banners, unknown kinds as text with a note, operator posts never as ours', async () => {
    const page = await newPage();
    // Frames from a newer host, simulated on the wire: a kind this version does not know, and an
    // operator post carrying our own device tag.
    let myDevice = '';
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((data) => {
        const frame = JSON.parse(String(data)) as Record<string, unknown> & { from?: Record<string, unknown> };
        if (frame.type === 'welcome') myDevice = String(frame.device);
        if (frame.type === 'message' && frame.text === 'make me a poll') {
          Object.assign(frame, { kind: 'poll', text: 'Lunch? (poll)', body: { options: ['yes', 'no'] } });
        }
        if (frame.type === 'message' && frame.text === 'make me the operator') {
          frame.from = { nick: 'Operator', device: myDevice, source: 'operator' };
          frame.text = 'posted by the operator with my device tag';
        }
        ws.send(JSON.stringify(frame));
      });
    });
    await page.goto(`http://127.0.0.1:${host.port}/`);
    await page.locator('#nick').fill('Kim');
    await page.locator('#nick').press('Enter');
    await joinRoom(page, 'general');
    await expect(page.locator('#composer-hint .keys').isVisible()).resolves.toBe(true); // a keyboard and a mouse
    const box = page.getByRole('textbox', { name: /Message general/ });
    for (const text of ['my own words', 'make me a poll', 'make me the operator']) {
      await box.fill(text);
      await box.press('Enter');
    }
    host.child.stdin!.write('warn #general: Maintenance at noon\n');

    const announcement = page.locator('.spacer .announcement');
    await announcement.waitFor();
    await expect(announcement.getAttribute('data-level')).resolves.toBe('warning');
    await expect(announcement.textContent()).resolves.toMatch(/Warning.*from .+Maintenance at noon/s);
    const unknown = page.locator('.spacer .message.unknown');
    await expect(unknown.locator('.text').textContent()).resolves.toBe('Lunch? (poll)');
    await expect(unknown.locator('.note').textContent()).resolves.toBe('Not supported by this version (poll)');
    const operator = page.locator('.spacer .message', { hasText: 'posted by the operator' });
    await operator.waitFor();
    await expect(operator.evaluate((el) => el.classList.contains('mine'))).resolves.toBe(false);
    await expect(
      page.locator('.spacer .message', { hasText: 'my own words' }).evaluate((el) => el.classList.contains('mine')),
    ).resolves.toBe(true);
    // Every message is bidi-isolated, so a right-to-left message cannot reorder the next one.
    const isolation = await page
      .locator('.spacer .message .text')
      .first()
      .evaluate((el) => [el.getAttribute('dir'), getComputedStyle(el).unicodeBidi]);
    expect(isolation).toEqual(['auto', 'isolate']);
    await page.screenshot({ path: join(SHOTS, 'message-kinds-en.png') });
    await page.context().close();
  });

  it('shows a feed post as the feed’s lines, stderr marked, colour codes dropped, never as ours', async () => {
    const script = "console.log('\\x1b[32mgreen\\x1b[0m build ok'); console.error('disk almost full')";
    const feeds = await spawnHost([
      ...hostArgs(0, join(dataDir, 'feeds')),
      '--room',
      'builds',
      '--feed',
      `builds=${process.execPath} -e "${script}"`,
    ]);
    try {
      const page = await openAs('Fay', {}, feeds.port);
      await joinRoom(page, 'builds');
      const feed = page.locator('.spacer .feed').first();
      await feed.waitFor({ timeout: 10_000 });
      await expect
        .poll(() => page.locator('.spacer .feed .line').allTextContents())
        .toEqual(expect.arrayContaining(['green build ok', 'disk almost full']));
      await expect(page.locator('.spacer .feed .line[data-stream="err"]').allTextContents()).resolves.toContain(
        'disk almost full',
      );
      await expect(page.locator('.spacer .message.unknown').count()).resolves.toBe(0);
      await expect(page.locator('.spacer .mine').count()).resolves.toBe(0);
      await page.screenshot({ path: join(SHOTS, 'feed-en.png') });
      await page.context().close();
    } finally {
      feeds.child.kill('SIGTERM');
      await feeds.exited;
    }
  });

  it('separates days and shows times in the UI language, the full date on hover', async () => {
    await post(bot, 'dates', ['two days ago', 'yesterday', 'today'], 'dates');
    const day = 86_400_000;
    for (const language of ['en-US', 'zh-CN'] as const) {
      const page = await newPage({ locale: language });
      // The host stamps messages with its clock: move two of them into the past on the wire.
      await page.routeWebSocket(/\/ws$/, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((data) => {
          const frame = JSON.parse(String(data)) as { type: string; messages?: { text: string; ts: number }[] };
          for (const m of frame.type === 'history' ? frame.messages! : []) {
            if (m.text === 'two days ago') m.ts -= 2 * day;
            if (m.text === 'yesterday') m.ts -= day;
          }
          ws.send(JSON.stringify(frame));
        });
      });
      await page.goto(`http://127.0.0.1:${host.port}/`);
      await page.locator('#nick').fill(language === 'zh-CN' ? '小明' : 'Lee');
      await page.locator('#nick').press('Enter');
      await page.locator('li', { hasText: 'dates' }).getByRole('button').first().click();
      await expect.poll(() => page.locator('.spacer .message').count()).toBe(3);
      const separators = await page.locator('.spacer .day').allTextContents();
      const times = await page.locator('.spacer time').allTextContents();
      const titles = await page.locator('.spacer time').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
      expect(separators).toHaveLength(3);
      if (language === 'zh-CN') {
        expect(separators[0]).toMatch(/\d+年\d+月\d+日星期./);
        expect(separators.slice(1)).toEqual(['昨天', '今天']);
        for (const time of times) expect(time).toMatch(/^\d{2}:\d{2}$/); // 24-hour: no AM, no 上午
        for (const title of titles) expect(title).toMatch(/\d+年\d+月\d+日.*\d{2}:\d{2}:\d{2}/);
      } else {
        expect(separators[0]).toMatch(/^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}$/);
        expect(separators.slice(1)).toEqual(['Yesterday', 'Today']);
        for (const time of times) expect(time).toMatch(/^\d{2}:\d{2}( [AP]M)?$/);
        for (const title of titles) expect(title).toMatch(/day, .* \d{4}/);
      }
      await page.screenshot({ path: join(SHOTS, `dates-${language}.png`) });
      await page.context().close();
    }
  });

  it('searches with a count, more results, highlights, and jumps to a message in its context', async () => {
    const page = await openAs('Seeker');
    await joinRoom(page, 'long');
    await expect.poll(() => lastRowText(page)).toBeTruthy();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const search = page.getByRole('region', { name: 'Search' });
    await search.getByRole('searchbox').fill('needle');
    await search.getByRole('searchbox').press('Enter');
    // 30 messages match; the first page holds 20, and the host reports no total: "20+".
    await expect.poll(() => search.getByRole('status').textContent()).toBe('20+ results');
    await expect(search.locator('li').count()).resolves.toBe(20);
    await search.getByRole('button', { name: 'Show more results' }).click();
    await expect.poll(() => search.getByRole('status').textContent()).toBe('30 results');
    await expect(search.locator('li').count()).resolves.toBe(30);
    await expect(search.getByRole('button', { name: 'Show more results' }).count()).resolves.toBe(0);
    const marks = await search.locator('mark').allTextContents();
    expect(marks.length).toBe(30);
    expect(new Set(marks.map((m) => m.toLowerCase()))).toEqual(new Set(['needle']));

    // seed 0 is far older than the page the room opened with: jumping loads the page around it.
    const oldest = search.locator('li', { hasText: /seed 0 needle/ });
    const seq = await oldest.getAttribute('data-seq');
    await expect(page.locator(`.spacer > .row[data-seq="${seq}"]`).count()).resolves.toBe(0);
    await oldest.getByRole('button', { name: 'Show in conversation' }).click();
    const row = page.locator(`.spacer > .row[data-seq="${seq}"]`);
    await row.waitFor();
    await expect(row.evaluate((el) => el.classList.contains('focus'))).resolves.toBe(true);
    const inView = await row.evaluate((el) => {
      const v = document.querySelector('.viewport')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.top >= v.top && r.bottom <= v.bottom;
    });
    expect(inView).toBe(true);
    // Its context came with it: the messages just before and after are there too.
    for (const next of [Number(seq) + 1, Number(seq) + 2])
      await expect(page.locator(`.spacer > .row[data-seq="${next}"]`).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: /Jump to latest/ }).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SHOTS, 'search-jump-en.png') });
    await page.context().close();
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('phones, names, counts and closes', () => {
  it('gives a phone (390×844, touch) the whole screen for the room, with drawers for rooms and members', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await page.goto(`http://127.0.0.1:${host.port}/`);
    const nav = page.locator('nav'); // not by role: a closed drawer is hidden from the accessibility tree
    const onScreen = () =>
      nav.evaluate((el) => el.getBoundingClientRect().right > 0 && getComputedStyle(el).visibility !== 'hidden');
    await expect.poll(onScreen).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'phone-home-en.png') });
    await page.getByRole('button', { name: 'Rooms and settings' }).first().tap();
    await expect.poll(onScreen).toBe(true);
    await page.waitForTimeout(300); // the slide-in, for the picture
    await page.screenshot({ path: join(SHOTS, 'phone-drawer-en.png') });
    await expect.poll(onScreen).toBe(true);
    await page.locator('#nick').fill('Pat');
    await page.locator('#nick').press('Enter');
    await page.getByRole('button', { name: 'Close menu' }).tap({ position: { x: 370, y: 400 } });
    await expect.poll(onScreen).toBe(false);
    await page.locator('li', { hasText: 'long' }).getByRole('button', { name: 'Join' }).tap();
    await page.getByRole('textbox', { name: /Message long/ }).waitFor();
    await expect.poll(() => lastRowText(page)).toBeTruthy();
    // No Shift+Enter on an on-screen keyboard: the key hint is not shown on a touch-only device.
    await expect(page.locator('#composer-hint .keys').count()).resolves.toBe(1);
    await expect(page.locator('#composer-hint .keys').isVisible()).resolves.toBe(false);

    const layout = await page.evaluate(() => {
      const h1 = document.querySelector('h1')!;
      const list = document.querySelector('.viewport')!.getBoundingClientRect();
      return {
        titleFits: h1.scrollWidth <= h1.clientWidth,
        title: h1.textContent,
        listShare: list.height / window.innerHeight,
        pageScrollsSideways: document.documentElement.scrollWidth > window.innerWidth,
      };
    });
    expect(layout).toMatchObject({ titleFits: true, title: 'long', pageScrollsSideways: false });
    expect(layout.listShare).toBeGreaterThan(0.6);
    await page.screenshot({ path: join(SHOTS, 'phone-room-en.png') });

    // A finger scrolling the list up, then the fling going on after it lifts (the events a phone's
    // browser delivers; headless Chromium does not scroll a sub-scroller from a synthetic touch
    // gesture): following stops, and a message arriving meanwhile leaves the rows being read in place.
    const jumps = await page.evaluate(async () => {
      const v = document.querySelector<HTMLElement>('.viewport')!;
      const frame = () => new Promise((r) => setTimeout(r, 50)); // room for measuring and settling
      // The row at the top of the view, and where it is: between two steps of 30 px it must move
      // by 30 px, never be pulled back to an earlier position by the list.
      const topRow = () => {
        const top = v.getBoundingClientRect().top;
        const row = [...v.querySelectorAll<HTMLElement>('.spacer > .row')].find(
          (r) => r.getBoundingClientRect().bottom > top,
        )!;
        return { seq: row.dataset.seq!, top: row.getBoundingClientRect().top };
      };
      const moves: number[] = [];
      const touch = (x: number, y: number) => new Touch({ identifier: 2, target: v, clientX: x, clientY: y });
      v.dispatchEvent(new TouchEvent('touchstart', { bubbles: true, touches: [touch(200, 300)] }));
      for (let i = 0; i < 5; i++) {
        v.dispatchEvent(new TouchEvent('touchmove', { bubbles: true, touches: [touch(200, 300 + i * 40)] }));
        v.scrollTop -= 40;
        await frame();
      }
      v.dispatchEvent(new TouchEvent('touchend', { bubbles: true, changedTouches: [touch(200, 500)] }));
      for (let i = 0; i < 30; i++) {
        const before = topRow();
        v.scrollTop -= 30; // the fling: 1.5 s of it, well past the touch itself
        await frame();
        const after = v.querySelector<HTMLElement>(`.spacer > .row[data-seq="${before.seq}"]`);
        if (after) moves.push(Math.round(after.getBoundingClientRect().top - before.top));
      }
      return moves.filter((m) => Math.abs(m - 30) > 2);
    });
    expect(jumps).toEqual([]);
    await expect.poll(() => page.locator('.latest').count()).toBe(1);
    const readTop = () =>
      page.evaluate(() => {
        const v = document.querySelector<HTMLElement>('.viewport')!.getBoundingClientRect().top;
        const row = [...document.querySelectorAll<HTMLElement>('.spacer > .row')].find(
          (r) => r.getBoundingClientRect().top >= v,
        )!;
        return `${row.dataset.seq}@${Math.round(row.getBoundingClientRect().top)}`;
      });
    const before = await readTop();
    await post(bot, 'long', ['while Pat reads'], 'phone-reading');
    await expect.poll(() => page.locator('p[aria-live]').first().textContent()).toContain('while Pat reads');
    expect(await readTop()).toBe(before);
    await page.getByRole('button', { name: /Jump to latest/ }).tap();
    await expect.poll(() => lastRowText(page)).toContain('while Pat reads');

    // Members: a drawer from the header.
    await page.getByRole('button', { name: /^Members \(\d+\)$/ }).tap();
    const members = page.locator('#members-title');
    await expect.poll(() => members.evaluate((el) => el.getBoundingClientRect().left < window.innerWidth)).toBe(true);
    await expect(page.locator('aside li', { hasText: 'Pat' }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Close the member list' }).last().tap();
    await expect.poll(() => members.evaluate((el) => el.getBoundingClientRect().left < window.innerWidth)).toBe(false);

    // A swipe from the left edge opens the rooms drawer; a tap on a room closes it.
    await page.evaluate(() => {
      const at = (x: number) => new Touch({ identifier: 1, target: document.body, clientX: x, clientY: 400 });
      window.dispatchEvent(new TouchEvent('touchstart', { touches: [at(5)], changedTouches: [at(5)] }));
      window.dispatchEvent(new TouchEvent('touchend', { touches: [], changedTouches: [at(200)] }));
    });
    await expect.poll(onScreen).toBe(true);
    await nav.getByRole('button', { name: /long/ }).tap();
    await expect.poll(onScreen).toBe(false);
    await page.context().close();
  });

  it('asks for a name on the first join to a host, keeps it per host, and never loses a typed but unsaved name', async () => {
    const page = await newPage();
    await page.goto(`http://127.0.0.1:${host.port}/`);
    await page.locator('li', { hasText: 'general' }).getByRole('button', { name: 'Join' }).click();
    const prompt = page.getByRole('dialog', { name: 'What should others call you?' });
    await prompt.waitFor();
    // Asked before the join: no room behind it, nothing else takes input, nobody sees a "Guest".
    await expect(page.locator('section.room').count()).resolves.toBe(0);
    await expect(page.locator('.shell').evaluate((el) => (el as HTMLElement).inert)).resolves.toBe(true);
    // Escape declines: no join. Asking again brings the prompt back.
    await page.keyboard.press('Escape');
    await expect.poll(() => prompt.count()).toBe(0);
    await expect(page.locator('section.room').count()).resolves.toBe(0);
    await page.locator('li', { hasText: 'general' }).getByRole('button', { name: 'Join' }).click();
    await prompt.waitFor();
    await prompt.getByRole('textbox').fill('Dana');
    await prompt.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => prompt.count()).toBe(0);
    await expect.poll(() => page.locator('aside li', { hasText: 'Dana' }).count()).toBe(1);

    // A name typed in the menu and not saved survives what re-renders it (a language switch here).
    await page.locator('#nick').fill('Dana the second');
    await page.locator('#language').selectOption('zh-CN');
    await expect(page.locator('#nick').inputValue()).resolves.toBe('Dana the second');
    await expect(page.locator('.unsaved').textContent()).resolves.toContain('尚未保存');
    await page.locator('#language').selectOption('en');

    // Kept per host, and so is the room: a reload is back in general, under the saved name, unasked.
    await page.reload();
    await page.getByRole('textbox', { name: /Message general/ }).waitFor();
    await expect.poll(() => page.locator('aside li', { hasText: 'Dana' }).count()).toBe(1);
    await expect(prompt.count()).resolves.toBe(0);
    await page.context().close();
  });

  it('follows an invite link opened in a tab that already shows the app (only the hash changes)', async () => {
    const page = await newPage();
    await page.goto(`http://127.0.0.1:${host.port}/`);
    await expect.poll(() => page.locator('.bar .state').first().textContent()).toContain('OPEN');
    await page.goto(`http://127.0.0.1:${host.port}/#/join?room=general&name=box`); // no reload
    const prompt = page.getByRole('dialog', { name: 'What should others call you?' });
    await prompt.getByRole('textbox').fill('Hana');
    await prompt.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('textbox', { name: /Message general/ }).waitFor();
    expect(page.url()).not.toContain('#/join'); // followed once, not left for a reload to follow again
    await page.context().close();
  });

  it('keeps "N here" live: from presence in joined rooms, and by asking again for the others', async () => {
    const page = await openAs('Counter');
    const here = (room: string) =>
      page.locator(`section[aria-label^="Rooms on"] li`, { hasText: room }).locator('.here').textContent();
    await expect.poll(() => here('ops')).toBe('0 here');
    const visitor = await TestClient.greeted(wsUrl(), 'Visitor', 'device-visitor-01');
    visitor.send({ type: 'join', room: 'ops' });
    await visitor.next('joined');
    // Not a member of ops: no presence reaches us. Focusing the window asks for the list again.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => here('ops')).toBe('1 here');

    // In a joined room the count follows presence at once.
    await joinRoom(page, 'general');
    await page.getByRole('button', { name: /Home/ }).first().click();
    const before = Number((await here('general'))!.split(' ')[0]);
    visitor.send({ type: 'join', room: 'general' });
    await expect.poll(() => here('general')).toBe(`${before + 1} here`);
    await visitor.close();
    await expect.poll(() => here('general')).toBe(`${before} here`);
    await page.context().close();
  });

  it('keeps a clean shutdown as the close reason through failed retries, and says the host is restarting', async () => {
    const own = join(dataDir, 'restart');
    let restartable = await spawnHost(hostArgs(0, own));
    const port = restartable.port;
    try {
      const page = await openAs('Sam', {}, port);
      await joinRoom(page, 'general');
      restartable.child.kill('SIGTERM'); // a clean shutdown: 1001 "host shutting down"
      await restartable.exited;
      const close = page.locator('.bar .close').first();
      await expect.poll(() => close.getAttribute('data-close-code'), { timeout: 10_000 }).toBe('1001');
      await expect(page.locator('.bar .restarting').first().textContent()).resolves.toContain('restarting');
      // Retries fail meanwhile (1006 each): they are counted, and do not replace the reason.
      await expect
        .poll(async () => Number(/(\d+) reconnect attempts failed/.exec((await close.textContent()) ?? '')?.[1] ?? 0), {
          timeout: 15_000,
        })
        .toBeGreaterThanOrEqual(2);
      await expect(close.textContent()).resolves.toContain('host shutting down');
      expect(await close.getAttribute('data-close-code')).toBe('1001');
      await page.screenshot({ path: join(SHOTS, 'host-restarting-en.png') });

      restartable = await spawnHost(hostArgs(port, own));
      await expect.poll(() => page.locator('.bar .state').first().textContent(), { timeout: 40_000 }).toContain('OPEN');
      await expect.poll(() => page.locator('.bar .restarting').count()).toBe(0);
      await page.context().close();
    } finally {
      restartable.child.kill('SIGTERM');
      await restartable.exited;
    }
  }, 90_000);
});
