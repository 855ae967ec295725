/// <reference lib="dom" />
// A room with feeds in Chromium against the headless host: the messages keep most of the room
// (charts capped and collapsible, remembered, closed by default on a phone; one line per feed in
// the status strip), the host's metrics are charted per unit with their newest values shown, the
// charts keep their order, and feed output is not read out by a screen reader (state changes are).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser.ts';
import type { HostProcess } from '../helpers/host-process.ts';
import { startWebHost, stopWebHost } from '../helpers/web-host.ts';
import { joinFromHome, openNamed, PHONE } from '../helpers/web-page.ts';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const dir = mkdtempSync(join(tmpdir(), 'tincan-feed-room-e2e-'));
const LONG = `--comment=${'x'.repeat(300)}`;
let browser: Browser;
let host: HostProcess;

beforeAll(async () => {
  if (!hasChromium && !process.env.CI) return;
  // A gauge printing key=value numbers five times a second (with a long command line), a command
  // that is not there (failed once), one that keeps exiting (its state keeps changing), and the
  // host's own metrics.
  const gauge = join(dir, 'gauge.js');
  writeFileSync(
    gauge,
    `let i = 0; setInterval(() => console.log('tick ' + i + ' cpu=' + (i % 50) + ' mem=' + ((i++ * 3) % 100)), 200);`,
  );
  ({ browser, host } = await startWebHost(join(dir, 'data'), [
    ...['--feed', `ops=${process.execPath} ${gauge} ${LONG}`, '--feed', 'ops=no-such-command-xyz --flag'],
    ...['--feed', `ops=sh -c 'sleep 1; exit 3'`],
    ...['--metrics', 'ops'],
  ]));
});

afterAll(() => stopWebHost(browser, host, dir));

async function height(page: Page, selector: string): Promise<number> {
  return (await page.locator(selector).first().boundingBox())?.height ?? 0;
}

async function openOps(nick: string): Promise<Page> {
  const page = await openNamed(browser, host.port, nick, { viewport: { width: 1280, height: 800 } });
  await joinFromHome(page, 'ops');
  return page;
}

/** A 390×844 touch phone in ops: the name is saved in the rooms drawer, as on a phone. */
async function openOpsOnPhone(nick: string): Promise<Page> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${host.port}/`);
  await page.getByRole('button', { name: 'Rooms and settings' }).first().tap();
  await page.locator('#nick').fill(nick);
  await page.locator('#nick').press('Enter');
  await page.getByRole('button', { name: 'Close menu' }).tap({ position: { x: 370, y: 400 } });
  await page.locator('li', { hasText: 'ops' }).getByRole('button', { name: 'Join' }).tap();
  await page.getByRole('textbox', { name: /Message ops/ }).waitFor();
  return page;
}

describe.skipIf(!hasChromium && !process.env.CI)('a room with feeds in the browser', () => {
  it('at 1280×800 the messages keep most of the room; charts are capped, grouped by unit, in a stable order', async () => {
    const page = await openOps('Ann');
    const charts = page.locator('.feed-chart');
    await expect.poll(() => charts.count(), { timeout: 15_000 }).toBe(2);
    const room = await height(page, 'section.room');
    expect(await height(page, '.feed-charts')).toBeLessThanOrEqual(room / 3 + 1);
    expect(await height(page, '.feed-bar')).toBeLessThanOrEqual(room / 6);
    expect(await height(page, '.body')).toBeGreaterThanOrEqual(room * 0.45);

    // One line per feed: the long command is cut, whole in its title and when focused.
    const command = page.locator('.feed-bar .feed[data-feed="node"] .command');
    expect(await height(page, '.feed-bar .feed[data-feed="node"]')).toBeLessThan(40);
    expect(await command.getAttribute('title')).toContain(LONG);
    expect(await command.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await command.focus();
    expect(await command.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await command.blur();

    // In name order, whichever printed last.
    for (let i = 0; i < 6; i++) {
      expect(await charts.evaluateAll((els) => els.map((el) => el.getAttribute('data-feed')))).toEqual([
        'host-metrics',
        'node',
      ]);
      await page.waitForTimeout(250);
    }

    // host-metrics: one small chart per unit, each labelled; the legend shows the newest values.
    const metrics = page.locator('.feed-chart[data-feed="host-metrics"]');
    const scales = await metrics
      .locator('.unit-plot')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-scale')));
    expect(scales).toEqual(expect.arrayContaining(['percent', 'size', 'count']));
    expect(scales.slice(0, 2)).toEqual(['percent', 'size']);
    const percent = metrics.locator('.unit-plot[data-scale="percent"]');
    expect(await percent.locator('.axis').textContent()).toBe('%');
    expect(
      await percent.locator('.legend li').evaluateAll((els) => els.map((el) => el.getAttribute('data-field'))),
    ).toEqual(['cpu', 'mem']);
    expect(await metrics.locator('.unit-plot[data-scale="size"] .axis').textContent()).toBe('MiB');
    expect(await metrics.locator('.unit-plot[data-scale="count"] .legend li').count()).toBe(2);
    await expect.poll(() => percent.locator('li[data-field="cpu"] .value').textContent()).toMatch(/^\d+(\.\d+)? %$/);
    expect(await metrics.locator('.unit-plot[data-scale="size"] li[data-field="rss"] .value').textContent()).toMatch(
      /^\d+(\.\d+)? MiB$/,
    );
    // Hovering a plot shows that moment's values in the legend; leaving it, the newest again.
    const box = (await percent.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => percent.locator('.legend').getAttribute('data-hovered')).toBe('true');
    await page.mouse.move(5, 5);
    await expect.poll(() => percent.locator('.legend').getAttribute('data-hovered')).toBe('false');
    // Paused, the legend stays with the picture while lines keep coming.
    const node = page.locator('.feed-chart[data-feed="node"]');
    await node.getByRole('button', { name: 'Pause' }).click();
    const held = await node.locator('li[data-field="cpu"] .value').textContent();
    const newest = () => page.locator('.spacer .feed .line', { hasText: 'tick' }).last().textContent();
    const before = await newest();
    await expect.poll(newest).not.toBe(before);
    expect(await node.locator('li[data-field="cpu"] .value').textContent()).toBe(held);
    await node.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => node.locator('li[data-field="cpu"] .value').textContent()).not.toBe(held);
    await page.screenshot({ path: join(SHOTS, 'feed-room-1280.png') });
    await page.context().close();
  }, 60_000);

  it('feed lines are not read out; state changes are, politely', async () => {
    const page = await openOps('Bea');
    await expect.poll(() => page.locator('.spacer .feed .line').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    const live = () =>
      page.locator('[aria-live]').evaluateAll((els) => els.map((el) => el.textContent ?? '').join('\n'));
    // The feed that keeps exiting: each change is announced (no countdown in the words).
    await expect
      .poll(() => page.locator('.feed-changes').textContent(), { timeout: 30_000 })
      .toMatch(/^\s*sh (failed \(3\); it will restart|started)\s*$/);
    // A command that is not there says so, once (the host does not restart it).
    expect(await page.locator('.feed-bar .feed[data-feed="no-such-command-xyz"] .state').textContent()).toBe(
      'command not found: no-such-command-xyz',
    );
    for (let i = 0; i < 5; i++) {
      expect(await live()).not.toMatch(/tick \d+|"cpu"/);
      await page.waitForTimeout(200);
    }
    // A member's message is still announced.
    const other = await openOps('Cid');
    await other.getByRole('textbox', { name: /Message ops/ }).fill('hello from Cid');
    await other.getByRole('textbox', { name: /Message ops/ }).press('Enter');
    await expect.poll(live).toContain('hello from Cid');
    await other.context().close();
    await page.context().close();
  }, 60_000);

  it('the charts fold away with a toggle, and stay folded after a reload', async () => {
    const page = await openOps('Dee');
    const toggle = page.locator('.feed-charts .toggle');
    await toggle.waitFor({ timeout: 15_000 });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await toggle.textContent()).toMatch(/Charts \(2\)/);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('.feed-chart').count()).toBe(0);
    expect(await height(page, '.feed-charts')).toBeLessThan(40);
    await page.reload();
    await page.locator('.feed-charts .toggle').waitFor({ timeout: 15_000 });
    expect(await page.locator('.feed-charts .toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('.feed-chart').count()).toBe(0);
    await page.locator('.feed-charts .toggle').click();
    await expect.poll(() => page.locator('.feed-chart').count()).toBe(2);
    await page.context().close();
  }, 60_000);

  it('on a 390×844 phone the charts start folded and the messages fill most of the screen', async () => {
    const page = await openOpsOnPhone('Eli');
    await expect.poll(() => page.locator('.spacer .feed .line').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    const toggle = page.locator('.feed-charts .toggle');
    await toggle.waitFor({ timeout: 15_000 });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await height(page, '.feed-bar')).toBeLessThanOrEqual(100);
    expect(await height(page, '.body')).toBeGreaterThanOrEqual(844 * 0.5);
    // Open, they take a quarter of the screen at most.
    await toggle.click();
    await expect.poll(() => page.locator('.feed-chart').count()).toBe(2);
    expect(await height(page, '.feed-charts .charts')).toBeLessThanOrEqual(844 * 0.25);
    expect(await height(page, '.body')).toBeGreaterThanOrEqual(844 * 0.3);
    await page.screenshot({ path: join(SHOTS, 'feed-room-390.png') });
    await page.context().close();
  }, 60_000);
});
