/// <reference lib="dom" />
// The WebSocket workbench in Chromium, against the host's /echo and against servers nobody here
// wrote (websocketd, Python websockets, Tornado, the `websocket` npm package), all on loopback.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import {
  pythonWebsocketsEcho,
  tornadoEcho,
  websocketdEcho,
  websocketNpmEcho,
  type ForeignServer,
} from '../helpers/foreign-servers.ts';
import { freePort } from '../helpers/free-port.ts';
import { spawnHost, type HostProcess } from '../helpers/host-process.ts';
import { PHONE } from '../helpers/web-page.ts';
import { buildWebClient } from '../helpers/web-build.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tincan-wb-e2e-'));
let webRoot: string;
let browser: Browser;
let host: HostProcess;
const servers: Record<string, ForeignServer> = {};

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  webRoot = await buildWebClient();
  browser = await launchChromium();
  host = await spawnHost(['--port', '0', '--bind', '127.0.0.1', '--data', dataDir, '--web', webRoot]);
  const started = await Promise.all([pythonWebsocketsEcho(), tornadoEcho(), websocketdEcho(), websocketNpmEcho()]);
  for (const s of started) servers[s.name] = s;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  host?.child.kill('SIGTERM');
  await Promise.all(Object.values(servers).map((s) => s.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

interface Exported {
  dir: 'in' | 'out' | 'event';
  type: string;
  size: number;
  data?: string;
  encoding?: string;
}

async function openWorkbench(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    locale: 'en-US',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`http://127.0.0.1:${host.port}/`);
  await page.getByRole('button', { name: 'WebSocket workbench' }).click();
  await page.locator('article.panel').first().waitFor();
  return page;
}

/** Open the panel's connection settings (subprotocols, binaryType, reconnect, import), folded by default. */
async function openSettings(panel: Locator): Promise<void> {
  const details = panel.locator('details.settings');
  if (!(await details.evaluate((el) => (el as HTMLDetailsElement).open))) await details.locator('summary').click();
}

async function connect(panel: Locator, url?: string, protocols = ''): Promise<void> {
  if (url !== undefined) await panel.locator('input.url').fill(url);
  await openSettings(panel);
  await panel.locator('input.protocols').fill(protocols);
  await panel.locator('button.connect').click();
  await expect.poll(() => panel.getByTestId('ready-state').textContent()).toContain('1 OPEN');
}

async function send(panel: Locator, mode: 'text' | 'json' | 'hex' | 'base64', text: string): Promise<void> {
  await panel.locator('select.mode').selectOption(mode);
  await panel.locator('textarea.draft').fill(text);
  await panel.locator('button.send').click();
}

/** The panel's timeline as exported (NDJSON), without the header line. */
async function exported(page: Page, panel: Locator): Promise<Exported[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export NDJSON' }).click(),
  ]);
  const text = readFileSync((await download.path())!, 'utf8');
  const [header, ...lines] = text.trim().split('\n');
  expect(JSON.parse(header!)).toMatchObject({ format: 'tincan-timeline', version: 1 });
  return lines.map((l) => JSON.parse(l) as Exported);
}

async function trimmed(locator: Locator): Promise<string | undefined> {
  return (await locator.textContent())?.trim();
}

function messages(frames: Exported[], dir: 'in' | 'out'): Exported[] {
  return frames.filter((f) => f.dir === dir && (f.type === 'text' || f.type === 'binary'));
}

async function countIn(panel: Locator): Promise<number> {
  return panel.locator('.timeline li[data-direction="in"]').count();
}

describe.skipIf(!hasChromium && !process.env.CI)('WebSocket workbench in Chromium', () => {
  it("opens on the host's /echo, which returns text and binary byte for byte, empty ones and the frame limit too", async () => {
    const page = await openWorkbench();
    const panel = page.locator('article.panel').first();
    await expect(panel.locator('input.url').inputValue()).resolves.toBe(`ws://127.0.0.1:${host.port}/echo`);
    await connect(panel, undefined, 'first.v1, second.v1');
    await expect(panel.locator('.negotiated-protocol').textContent()).resolves.toBe('first.v1'); // the first offered
    await expect(panel.locator('.negotiated-extensions').textContent()).resolves.toBe('(none)');

    const texts = ['héllo 🌍 世界', '', '{"a":[1,2]}', 'x'.repeat(64 * 1024)];
    for (const text of texts) await send(panel, 'text', text);
    await send(panel, 'hex', '00 ff 10 80');
    await send(panel, 'hex', '');
    await send(panel, 'base64', 'AAECAwQ=');
    await expect.poll(() => countIn(panel)).toBe(7);
    // Sizes are UTF-8 bytes: 'héllo 🌍 世界' is 18 bytes (16 UTF-16 units).
    await expect(panel.locator('.timeline li[data-direction="in"]').first().getAttribute('data-size')).resolves.toBe(
      '18',
    );
    const frames = await exported(page, panel);
    const out = messages(frames, 'out');
    const back = messages(frames, 'in');
    expect(back.map((f) => [f.type, f.size])).toEqual(out.map((f) => [f.type, f.size]));
    expect(back.map((f) => f.data ?? '')).toEqual(out.map((f) => f.data ?? ''));
    expect(back.map((f) => f.size)).toEqual([18, 0, 11, 65536, 4, 0, 5]);
    expect(back[3]!.data).toBe('x'.repeat(64 * 1024)); // exactly maxFrameBytes: echoed, kept whole

    // One byte over the limit: the host closes with 1009.
    await send(panel, 'text', 'x'.repeat(64 * 1024 + 1));
    await expect.poll(() => panel.locator('.last-close').getAttribute('data-code')).toBe('1009');
    await expect(panel.getByTestId('ready-state').textContent()).resolves.toContain('3 CLOSED');
    await page.context().close();
  });

  it('says "not connected" until the first connect, offers Connect only while closed, and explains a refused connection', async () => {
    const page = await openWorkbench();
    const panel = page.locator('article.panel').first();
    const state = panel.getByTestId('ready-state');
    const empty = panel.locator('.timeline li.empty');
    await expect(state.textContent()).resolves.toContain('not connected'); // not a red "3 CLOSED"
    await expect(empty.textContent()).resolves.toBe('No frames yet.');
    await connect(panel);
    await expect(panel.locator('button.connect').isDisabled()).resolves.toBe(true);
    await panel.locator('input.url').press('Enter'); // submitting the form another way opens nothing either
    await send(panel, 'text', 'still the first socket');
    await expect.poll(() => countIn(panel)).toBe(1);
    await expect(panel.locator('.timeline li[data-type="connecting"]').count()).resolves.toBe(1);
    await panel.locator('.timeline').getByRole('searchbox').fill('matches-nothing');
    await expect.poll(() => empty.textContent()).toBe('No frames match.');
    await panel.locator('.timeline').getByRole('searchbox').fill('');

    await panel.locator('button.close-button').click();
    await expect.poll(() => state.textContent()).toContain('3 CLOSED');
    await expect(trimmed(panel.locator('.last-close'))).resolves.toBe('close 1000 · wasClean true'); // no “”
    await expect(panel.locator('button.connect').isDisabled()).resolves.toBe(false);

    await panel.locator('input.url').fill(`ws://127.0.0.1:${await freePort()}/nothing`);
    await panel.locator('button.connect').click();
    await expect.poll(() => panel.locator('.last-close').getAttribute('data-code')).toBe('1006');
    await expect(trimmed(panel.locator('.last-close'))).resolves.toBe('close 1006 · wasClean false');
    await expect(panel.locator('.close-hint').textContent()).resolves.toMatch(
      /No connection was made, and browsers never say why: the server may be down, the port wrong or blocked/,
    );
    await page.context().close();
  });

  it('shows how binary arrives for each binaryType, and changes it on an open socket', async () => {
    const page = await openWorkbench();
    const panel = page.locator('article.panel').first();
    await connect(panel);
    await expect(panel.locator('select.binary-type').inputValue()).resolves.toBe('blob'); // the browser's default
    await send(panel, 'hex', 'cafe');
    await expect
      .poll(() => panel.locator('.timeline li[data-direction="in"] .as').last().textContent())
      .toBe('as Blob');
    // A Blob's bytes are read after it is logged: its row shows them once read, like any other.
    await expect
      .poll(() => panel.locator('.timeline li[data-direction="in"] .preview').last().textContent())
      .toBe('ca fe');
    await panel.locator('select.binary-type').selectOption('arraybuffer');
    await send(panel, 'hex', 'beef');
    await expect
      .poll(() => panel.locator('.timeline li[data-direction="in"] .as').last().textContent())
      .toBe('as ArrayBuffer');
    const back = messages(await exported(page, panel), 'in');
    expect(back.map((f) => Buffer.from(f.data!, 'base64').toString('hex'))).toEqual(['cafe', 'beef']);
    // Hex view of a binary frame.
    await panel.locator('.timeline li[data-direction="in"] button.row').last().click();
    await expect(panel.locator('.timeline pre.detail').textContent()).resolves.toContain('be ef');
    await page.context().close();
  });

  it('closes with a chosen code and reason, refusing what the browser API would refuse', async () => {
    const page = await openWorkbench();
    const panel = page.locator('article.panel').first();
    await connect(panel);
    await panel.locator('input.close-code').fill('1001');
    await panel.locator('button.close-button').click();
    await expect(panel.locator('.close-problem').textContent()).resolves.toContain('1000 or 3000–4999');
    await panel.locator('input.close-code').fill('4321');
    await panel.locator('input.close-reason').fill('é'.repeat(62)); // 124 bytes
    await panel.locator('button.close-button').click();
    await expect(panel.locator('.close-problem').textContent()).resolves.toContain('123 bytes');
    await expect(panel.getByTestId('ready-state').textContent()).resolves.toContain('1 OPEN');
    await panel.locator('input.close-reason').fill('done, thanks ✓');
    await panel.locator('button.close-button').click();
    const close = panel.locator('.last-close');
    await expect.poll(() => close.getAttribute('data-code')).toBe('4321');
    await expect(close.getAttribute('data-reason')).resolves.toBe('done, thanks ✓');
    await expect(close.getAttribute('data-clean')).resolves.toBe('true');
    await page.context().close();
  });

  it('hides heartbeats and filters the host connection’s own timeline; an invalid regex is a message', async () => {
    const page = await openWorkbench();
    await page.getByRole('button', { name: 'Home' }).click();
    await page.locator('.bar .inspect').first().click();
    const timeline = page.locator('.inspector .timeline');
    await expect.poll(() => timeline.locator('li[data-direction="out"]').count()).toBeGreaterThan(0);
    await expect(timeline.locator('li .type', { hasText: /^hello$/ }).count()).resolves.toBe(1);
    await expect(timeline.locator('li .type', { hasText: /^ping$/ }).count()).resolves.toBe(0);
    await timeline.getByRole('checkbox', { name: 'Heartbeats' }).check();
    await expect.poll(() => timeline.locator('li .type', { hasText: /^ping$/ }).count()).toBeGreaterThan(0);
    await timeline.getByRole('searchbox').fill('welcome');
    await expect.poll(() => timeline.locator('li').count()).toBe(1);
    await timeline.getByRole('searchbox').fill('([');
    await expect(timeline.getByRole('alert').textContent()).resolves.toContain('Not a valid regular expression');
    await expect(timeline.locator('li').count()).resolves.toBe(1); // the last good result stays
    await page.context().close();
  });

  it('talks to servers nobody here wrote, side by side: subprotocols, echo, closes', async () => {
    const page = await openWorkbench();
    const cases: { server: string; protocols: string; protocol: string; binary: boolean }[] = [
      { server: 'python-websockets', protocols: 'other.v9, chat.v2', protocol: 'chat.v2', binary: true }, // one it knows
      { server: 'tornado', protocols: 'chat.v2', protocol: 'chat.v2', binary: true },
      { server: 'websocket (npm)', protocols: 'b.v1, chat.v2', protocol: 'b.v1', binary: true },
      { server: 'websocketd', protocols: '', protocol: '(none)', binary: false }, // text lines only
    ];
    for (let i = 1; i < cases.length; i++) await page.getByRole('button', { name: 'New connection' }).click();
    const panels = page.locator('article.panel');
    await expect(panels.count()).resolves.toBe(4);
    for (const [i, c] of cases.entries()) {
      const panel = panels.nth(i);
      await connect(panel, servers[c.server]!.url, c.protocols);
      await expect(panel.locator('.negotiated-protocol').textContent(), c.server).resolves.toBe(c.protocol);
      await send(panel, 'text', `hello ${c.server} ✓`);
      if (c.binary) await send(panel, 'base64', '3q2+7w==');
    }
    for (const [i, c] of cases.entries()) {
      const panel = panels.nth(i);
      await expect.poll(() => countIn(panel), { message: c.server }).toBe(c.binary ? 2 : 1);
      const back = messages(await exported(page, panel), 'in');
      expect(back[0], c.server).toMatchObject({ type: 'text', data: `hello ${c.server} ✓` });
      if (c.binary) expect(back[1], c.server).toMatchObject({ type: 'binary', data: '3q2+7w==', size: 4 });
    }
    // A subprotocol websocketd does not know: the browser fails the handshake. (Connect is offered
    // again once the open socket is closed.)
    const websocketd = panels.nth(3);
    await websocketd.locator('button.close-button').click();
    await expect.poll(() => websocketd.locator('.last-close').getAttribute('data-code')).toBe('1000');
    await openSettings(websocketd);
    await websocketd.locator('input.protocols').fill('chat.v2');
    await websocketd.locator('button.connect').click();
    await expect.poll(() => websocketd.locator('.last-close').getAttribute('data-code')).toBe('1006');
    await expect(websocketd.locator('.conn-error').count()).resolves.toBe(1);
    // Servers close with their own code and reason.
    await send(panels.nth(0), 'text', 'close 4002 python says bye');
    await send(panels.nth(2), 'text', 'close 4003 npm says bye');
    await expect.poll(() => panels.nth(0).locator('.last-close').getAttribute('data-code')).toBe('4002');
    await expect(panels.nth(0).locator('.last-close').getAttribute('data-reason')).resolves.toBe('python says bye');
    await expect.poll(() => panels.nth(2).locator('.last-close').getAttribute('data-code')).toBe('4003');
    await expect(panels.nth(2).locator('.last-close').getAttribute('data-reason')).resolves.toBe('npm says bye');
    await page.context().close();
  });

  it('exports a timeline, imports it and replays it against another endpoint: the same frames come back', async () => {
    const page = await openWorkbench();
    const first = page.locator('article.panel').first();
    await connect(first);
    await send(first, 'json', '{"n": 1, "text": "ünïcode"}');
    await send(first, 'hex', '000102fffe');
    await send(first, 'text', 'last');
    await expect.poll(() => countIn(first)).toBe(3);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      first.getByRole('button', { name: 'Export NDJSON' }).click(),
    ]);
    const file = join(dataDir, 'recording.ndjson');
    writeFileSync(file, readFileSync((await download.path())!));
    const recorded = messages(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as Exported),
      'out',
    );

    await page.getByRole('button', { name: 'New connection' }).click();
    const second = page.locator('article.panel').nth(1);
    await connect(second, servers['python-websockets']!.url);
    await openSettings(second);
    await second.locator('input.import-file').setInputFiles(file);
    await expect(second.locator('.imported').textContent()).resolves.toContain('(3 outgoing)');
    await second.locator('button.replay-fast').click();
    await expect.poll(() => second.locator('.replay-result').textContent()).toContain('Replayed 3 frames');
    await expect.poll(() => countIn(second)).toBe(3);
    const replayed = await exported(page, second);
    const strip = (f: Exported) => ({ type: f.type, size: f.size, data: f.data ?? '' });
    expect(messages(replayed, 'out').map(strip)).toEqual(recorded.map(strip));
    expect(messages(replayed, 'in').map(strip)).toEqual(recorded.map(strip));
    await page.context().close();
  });

  it('says a chat address is not a Tincan host within seconds and opens it in the workbench', async () => {
    const server = servers['websocket (npm)']!;
    const address = new URL(server.url).host;
    const page = await openWorkbench();
    await page.getByRole('button', { name: 'Home' }).click();
    const started = Date.now();
    await page.locator('#address').fill(address);
    await page.locator('#address').press('Enter');
    const warning = page.locator('.not-tincan');
    await warning.first().waitFor({ timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(warning.first().textContent()).resolves.toContain('not a Tincan host');
    await warning.first().locator('button.open-workbench').click();
    const panel = page.locator('article.panel').last();
    await expect(panel.locator('input.url').inputValue()).resolves.toBe(`ws://${address}/ws`);
    await expect.poll(() => panel.getByTestId('ready-state').textContent()).toContain('1 OPEN');
    await page.context().close();
  });
});

describe.skipIf(!hasChromium && !process.env.CI)('the workbench layout', () => {
  async function sendSome(panel: Locator): Promise<void> {
    await connect(panel);
    for (const text of ['one', 'two', 'three']) await send(panel, 'text', text);
    await expect.poll(() => countIn(panel)).toBe(3);
  }

  it('at 1280×800 the frame log sits beside the send form, on screen while sending', async () => {
    const page = await openWorkbench();
    await page.setViewportSize({ width: 1280, height: 800 });
    const panel = page.locator('article.panel').first();
    // The rarely changed settings are folded away, one click from view.
    expect(await panel.locator('input.protocols').isVisible()).toBe(false);
    expect(await panel.locator('select.binary-type').isVisible()).toBe(false);
    await sendSome(panel); // opens them, to connect with no subprotocol
    expect(await panel.locator('select.binary-type').isVisible()).toBe(true);
    const draft = (await panel.locator('textarea.draft').boundingBox())!;
    const log = (await panel.locator('.timeline').boundingBox())!;
    expect(log.x).toBeGreaterThanOrEqual(draft.x + draft.width); // beside, not below
    expect(log.y).toBeLessThan(400);
    const last = (await panel.locator('.timeline li[data-direction="in"]').last().boundingBox())!;
    expect(last.y + last.height).toBeLessThanOrEqual(800);
    await page.screenshot({ path: join(process.cwd(), 'test-results', 'screenshots', 'wb-desk-layout.png') });
    await page.context().close();
  });

  it('on a 390×844 phone a Frames tab brings the log up without scrolling past the form', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${host.port}/`);
    await page.getByRole('button', { name: 'Rooms and settings' }).first().tap();
    await page.getByRole('button', { name: 'WebSocket workbench' }).tap();
    const panel = page.locator('article.panel').first();
    await panel.waitFor();
    await sendSome(panel);
    const frames = panel.getByRole('tab', { name: /Frames/ });
    expect(await frames.textContent()).toMatch(/Frames \(\d+\)/);
    expect(await panel.getByRole('tab', { name: 'Send' }).getAttribute('aria-selected')).toBe('true');
    await frames.tap();
    expect(await frames.getAttribute('aria-selected')).toBe('true');
    expect(await panel.locator('textarea.draft').isVisible()).toBe(false);
    const row = panel.locator('.timeline li[data-direction="in"]').last();
    const box = (await row.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    expect(await page.evaluate(() => document.querySelector('.workbench')!.scrollTop)).toBe(0);
    await page.screenshot({ path: join(process.cwd(), 'test-results', 'screenshots', 'wb-phone-frames.png') });
    await panel.getByRole('tab', { name: 'Send' }).tap();
    expect(await panel.locator('textarea.draft').isVisible()).toBe(true);
    await context.close();
  });
});
