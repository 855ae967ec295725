/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Code inside page.evaluate runs in Chromium, so this file also sees the DOM types.
//
// Issue 4 end to end, on a real virtual LAN: three network namespaces on a bridge. Host A (the real
// headless CLI serving the built web client) in the first, host B in the second, and the people in the
// third: Chromium itself runs inside that namespace (through a wrapper script that `ip netns exec`s
// it), so every page and WebSocket goes over the virtual LAN. The two hosts find each other with
// multicast allowed and with multicast dropped by nftables (the broadcast fallback), and the desktop
// UI's "Can't see a host?" panel explains the blocked network from a report produced inside it.
// Needs root, iproute2, nftables and Debian's Chromium; skipped with a message otherwise.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DiscoveredHost } from '../../src/main/discovery/discovery.ts';
import type { runDiagnostics, RunDiagnosticsOptions } from '../../src/main/discovery/diagnostics.ts';
import { toDiscoveredHostInfo } from '../../src/main/discovery-control/discovery-service.ts';
import { diagnosticsReport, type DiagnosticsReport } from '../../src/shared/ipc.ts';
import { CHROMIUM, CHROMIUM_FLAGS, hasChromium } from '../helpers/browser.ts';
import { openDesktopPage } from '../helpers/desktop-bridge.ts';
import {
  createLan,
  hasNft,
  netnsUnavailable,
  type LanNode,
  type NsProcess,
  type VirtualLan,
} from '../helpers/netns.ts';
import { buildWebClient } from '../helpers/web-build.ts';

vi.mock('electron', async () => await import('../fakes/electron.ts'));

const { HostController } = await import('../../src/main/host-control/host-controller.ts');
const { SettingsStore } = await import('../../src/main/settings/settings-store.ts');
const { createIpcServices } = await import('../../src/main/services.ts');
const { PinStore } = await import('../../src/main/pins/index.ts');

const unavailable = await netnsUnavailable();
const skip =
  unavailable ??
  (!(await hasNft())
    ? 'nft is missing (apt-get install nftables): the blocked-multicast half cannot run'
    : !hasChromium
      ? `${CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)`
      : null);
if (skip) console.warn(`[lan e2e] skipping the virtual-LAN end-to-end test: ${skip}`);

const CLI = fileURLToPath(new URL('../../src/main/cli/cli.ts', import.meta.url));
const AGENT = fileURLToPath(new URL('../main/discovery/fixtures/agent.ts', import.meta.url));
const NODE = [process.execPath, '--disable-warning=ExperimentalWarning'] as const;
const PORT = 4747;
const SUBNET = '10.213.4';
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

const tmp = mkdtempSync(join(tmpdir(), 'tincan-lan-e2e-'));
let lan: VirtualLan | undefined;
let a: LanNode; // host A, "alpha"
let b: LanNode; // host B, "bravo"
let c: LanNode; // the people's machine: Chromium runs here
let webRoot: string;
let browser: Browser | undefined;
let hostA: NsProcess;
let hostB: NsProcess;
const timings: { what: string; ms: number }[] = [];

function record(what: string, ms: number): void {
  timings.push({ what, ms });
  console.log(`[lan e2e] ${what}: ${ms} ms`);
}

function startHost(node: LanNode, name: string, rooms: string[], extra: string[] = []): NsProcess {
  const dir = join(tmp, name); // the same folder on a restart: the host keeps its id
  mkdirSync(dir, { recursive: true });
  const args = ['--port', String(PORT), '--bind', node.address, '--data', dir, '--name', name, '--web', webRoot];
  for (const room of rooms) args.push('--room', room);
  args.push(...extra);
  return node.spawn(NODE[0], [NODE[1], CLI, ...args]);
}

/**
 * Host B needs no flag to let in a browser on host A's web client: pages served from a LAN address
 * are accepted (only websites are refused), so a person can join B from A's page.
 */
const bravoExtra = (): string[] => [];

/** When the host said it announces on its namespace's adapter (Date.now() of reading it). */
async function hostUp(host: NsProcess, node: LanNode): Promise<number> {
  const announced = new RegExp(`Discovery: announcing on eth0 \\(${node.address.replaceAll('.', '\\.')}\\)`);
  return (await host.waitForOutput(announced, 15_000)).at;
}

async function discoverer(node: LanNode, ...args: string[]): Promise<{ p: NsProcess; readyAt: number }> {
  const p = node.spawn(NODE[0], [NODE[1], AGENT, 'discover', ...args]);
  const ready = await p.waitForEvent((e) => e.event === 'ready');
  return { p, readyAt: ready.t as number };
}

/** The hosts a discoverer's `change` event lists (sorted by name). */
const hostsOf = (e: Record<string, unknown> | undefined) => (e?.hosts as DiscoveredHost[] | undefined) ?? [];

/** What the discoverer lists now: its latest `change` event. */
const latestHosts = (p: NsProcess) => hostsOf(p.events().findLast((e) => e.event === 'change'));

/** The first `change` event listing a host named `name` that matches `where`. */
async function listed(
  p: NsProcess,
  name: string,
  where: (h: DiscoveredHost) => boolean = () => true,
): Promise<{ t: number; host: DiscoveredHost }> {
  const find = (e: Record<string, unknown>) => hostsOf(e).find((h) => h.name === name && where(h));
  const event = await p.waitForEvent((e) => e.event === 'change' && find(e) !== undefined);
  return { t: event.t as number, host: find(event)! };
}

const viaMdns = (h: DiscoveredHost) => h.via.includes('mdns');

/** Chromium, started inside `node`'s namespace: playwright runs a wrapper that `ip netns exec`s it. */
async function launchChromiumIn(node: LanNode): Promise<Browser> {
  const wrapper = join(tmp, 'chromium-in-netns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${node.ns}' '${CHROMIUM}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return chromium.launch({ executablePath: wrapper, args: [...CHROMIUM_FLAGS] });
}

beforeAll(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  const [root, created] = await Promise.all([buildWebClient(), createLan(3, { subnet: SUBNET })]);
  webRoot = root;
  lan = created;
  [a, b, c] = lan.nodes as [LanNode, LanNode, LanNode];
  browser = await launchChromiumIn(c);
}, 60_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  // Anything of ours still in the people's namespace (a Chromium helper that outlived close).
  if (lan) {
    const pids = await c.run('ip', ['netns', 'pids', c.ns]).catch(() => '');
    for (const pid of pids.split('\n').map(Number).filter(Boolean)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  // Stop the hosts cleanly (they store what is pending); destroy() kills whatever is left.
  for (const host of [hostA, hostB]) host?.child.kill('SIGTERM');
  await Promise.race([
    Promise.all([hostA, hostB].map((h) => h?.exited)),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
  await lan?.destroy();
  rmSync(tmp, { recursive: true, force: true });
  if (timings.length > 0) {
    console.log(`[lan e2e] measured times:\n${timings.map((t) => `  ${t.what}: ${t.ms} ms`).join('\n')}`);
  }
}, 20_000);

/** A fresh browser context (its own storage: another person) on host A's web client, with a nickname. */
async function openAs(nick: string): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1100, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`http://${a.address}:${PORT}/`);
  await page.locator('#nick').fill(nick);
  await page.locator('#nick').press('Enter');
  await expect.poll(() => page.locator('.bar .state').first().textContent()).toContain('OPEN');
  return page;
}

const roomsOn = (page: Page, hostName: string) => page.locator(`section[aria-label="Rooms on ${hostName}"]`);

async function joinRoom(page: Page, hostName: string, room: string): Promise<void> {
  await roomsOn(page, hostName).locator('li', { hasText: room }).getByRole('button', { name: 'Join' }).click();
  await page.getByRole('textbox', { name: new RegExp(room) }).waitFor();
}

async function say(page: Page, room: string, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: new RegExp(room) });
  await box.fill(text);
  await box.press('Enter');
}

const messageTexts = (page: Page) => page.locator('.spacer .message .text').allTextContents();

describe.skipIf(skip)(
  'two hosts and their people on a virtual LAN (network namespaces, Chromium inside one)',
  { timeout: 30_000 },
  () => {
    it('the hosts find each other over mDNS within seconds', async () => {
      // Each host's machine browses before the hosts start, like a desktop app left open.
      const [{ p: onA }, { p: onB }] = await Promise.all([discoverer(a), discoverer(b)]);
      hostA = startHost(a, 'alpha', ['general']);
      hostB = startHost(b, 'bravo', ['lobby'], bravoExtra());
      const [upA, upB] = await Promise.all([hostUp(hostA, a), hostUp(hostB, b)]);

      const [bravoOnA, alphaOnB] = await Promise.all([listed(onA, 'bravo', viaMdns), listed(onB, 'alpha', viaMdns)]);
      record('multicast allowed, host B starts: announce → listed over mDNS on A', bravoOnA.t - upB);
      record('multicast allowed, host A starts: announce → listed over mDNS on B', alphaOnB.t - upA);
      expect(bravoOnA.t - upB).toBeLessThan(5000);
      expect(alphaOnB.t - upA).toBeLessThan(5000);
      expect(bravoOnA.host).toMatchObject({
        addresses: [b.address],
        port: PORT,
        rooms: ['lobby'],
        interfaces: ['eth0'],
      });
      expect(alphaOnB.host).toMatchObject({
        addresses: [a.address],
        port: PORT,
        rooms: ['general'],
        interfaces: ['eth0'],
      });
      // Both sources hear each host here (the beacon too).
      await listed(onA, 'bravo', (h) => h.via.length === 2);
      await listed(onB, 'alpha', (h) => h.via.length === 2);

      // A machine that opens its list while both hosts run (mDNS only: its first query is answered).
      const { p: onC, readyAt } = await discoverer(c, '--no-broadcast');
      const both = await onC.waitForEvent(
        (e) => e.event === 'change' && (e.hosts as DiscoveredHost[]).filter((h) => h.via.includes('mdns')).length === 2,
      );
      record(
        'multicast allowed, joiner opens the list while both run: start → both listed (mDNS)',
        (both.t as number) - readyAt,
      );
      expect((both.t as number) - readyAt).toBeLessThan(3000);
      for (const p of [onA, onB, onC]) p.child.kill('SIGTERM');
    });

    it('two people in a third namespace chat through the web UI on host A, then on host B by its typed address', async () => {
      // Chromium really runs in the people's namespace: it is among the namespace's processes, and the
      // test machine's own loopback is out of its reach (only the virtual LAN and its own loopback are).
      const inNs = (await c.run('ip', ['netns', 'pids', c.ns])).split('\n').filter(Boolean);
      const commands = inNs.map((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          return ''; // gone meanwhile
        }
      });
      expect(commands).toContain('chromium');
      const outside = createServer((_req, res) => res.end('outside'));
      await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
      try {
        const probe = await browser!.newPage();
        await expect(probe.goto(`http://127.0.0.1:${(outside.address() as AddressInfo).port}/`)).rejects.toThrow(
          /ERR_CONNECTION_REFUSED/,
        );
        await probe.close();
        const lanProbe = await browser!.newPage();
        const health = await lanProbe.goto(`http://${a.address}:${PORT}/health`);
        expect(health?.ok()).toBe(true);
        await lanProbe.close();
      } finally {
        outside.close();
      }

      const ann = await openAs('Ann');
      const bo = await openAs('Bo');
      await joinRoom(ann, 'alpha', 'general');
      await joinRoom(bo, 'alpha', 'general');
      await say(ann, 'general', 'hello from Ann on alpha');
      await expect.poll(() => messageTexts(bo)).toEqual(['hello from Ann on alpha']);
      await say(bo, 'general', 'hi Ann, Bo here');
      await expect.poll(() => messageTexts(ann)).toEqual(['hello from Ann on alpha', 'hi Ann, Bo here']);

      // Home, "Join a host": B's address, typed. Its rooms appear; both join one and chat there.
      for (const page of [ann, bo]) {
        await page.getByRole('button', { name: /Home/ }).first().click();
        await page.locator('#address').fill(`${b.address}:${PORT}`);
        await page.getByRole('button', { name: 'Connect', exact: true }).click();
        await roomsOn(page, 'bravo').waitFor({ timeout: 10_000 });
        await joinRoom(page, 'bravo', 'lobby');
      }
      await say(bo, 'lobby', 'Bo in the lobby on bravo');
      await expect.poll(() => messageTexts(ann)).toEqual(['Bo in the lobby on bravo']);
      await say(ann, 'lobby', 'Ann followed');
      await expect.poll(() => messageTexts(bo)).toEqual(['Bo in the lobby on bravo', 'Ann followed']);
      // Each is in a room on each host.
      await expect(ann.getByRole('navigation').locator('.room .host').allTextContents()).resolves.toEqual([
        'alpha',
        'bravo',
      ]);
      await ann.screenshot({ path: join(SHOTS, 'lan-two-hosts-room.png') });
      await ann.context().close();
      await bo.context().close();
    });

    it('with multicast dropped by nftables, the hosts still find each other through the broadcast fallback', async () => {
      const { p: onA } = await discoverer(a);
      const { host: bravo } = await listed(onA, 'bravo', viaMdns);
      // Host B stops (goodbye), its machine starts filtering multicast, and it comes back.
      const stoppedAt = Date.now();
      hostB.child.kill('SIGTERM');
      const gone = await onA.waitForEvent(
        (e) => e.event === 'change' && (e.removed as string[]).includes(bravo.id),
        5000,
      );
      record('host B stopped (SIGTERM): stop → unlisted on A', (gone.t as number) - stoppedAt);
      expect(await hostB.exited).toEqual({ code: 0, signal: null });
      await lan!.dropMulticast(b);
      await lan!.dropMulticast(c);

      // B's machine opens its list: A is heard by its next beacon only.
      const { p: onB, readyAt } = await discoverer(b);
      const alphaOnB = await listed(onB, 'alpha');
      record('multicast dropped on B, joiner opens the list: start → A listed (broadcast)', alphaOnB.t - readyAt);
      expect(alphaOnB.t - readyAt).toBeLessThan(3000);
      expect(alphaOnB.host).toMatchObject({ addresses: [a.address], via: ['broadcast'], announcesMdns: true });

      hostB = startHost(b, 'bravo', ['lobby'], bravoExtra());
      const upB = await hostUp(hostB, b);
      const back = await onA.waitForEvent(
        (e) => e.event === 'change' && (e.t as number) > (gone.t as number) && (e.added as string[]).includes(bravo.id),
      );
      const bravoOnA = { t: back.t as number, host: hostsOf(back).find((h) => h.id === bravo.id)! };
      record('multicast dropped on B, host B starts: announce → listed on A (broadcast)', bravoOnA.t - upB);
      expect(bravoOnA.t - upB).toBeLessThan(3000);
      expect(bravoOnA.host).toMatchObject({ addresses: [b.address], via: ['broadcast'], announcesMdns: true });

      // A few seconds on, neither has heard the other over mDNS: the rule really blocks it.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(latestHosts(onA).find((h) => h.name === 'bravo')?.via).toEqual(['broadcast']);
      expect(latestHosts(onB).find((h) => h.name === 'alpha')?.via).toEqual(['broadcast']);
      const heardOverMdns = (p: NsProcess, name: string, after = 0) =>
        p.events().some((e) => (e.t as number) > after && hostsOf(e).some((h) => h.name === name && viaMdns(h)));
      expect(heardOverMdns(onB, 'alpha')).toBe(false);
      expect(heardOverMdns(onA, 'bravo', gone.t as number)).toBe(false);
      for (const p of [onA, onB]) p.child.kill('SIGTERM');
    });

    it('the desktop diagnostics panel explains the blocked multicast, from checks run inside that namespace', async () => {
      // The people's machine, multicast dropped: what its desktop app hears, and its real diagnostics.
      const { p: onC } = await discoverer(c);
      await onC.waitForEvent(
        (e) => e.event === 'change' && hostsOf(e).filter((h) => h.via.includes('broadcast')).length === 2,
      );
      const runs: DiagnosticsReport[] = [];
      const raw: Awaited<ReturnType<typeof runDiagnostics>>[] = [];
      /** `runDiagnostics` of src/main/discovery, run by the agent in the namespace; its result back here. */
      const runInNamespace = async (options: RunDiagnosticsOptions): ReturnType<typeof runDiagnostics> => {
        const args = ['diagnose', '--listen-ms', String(options.listenMs ?? 3000)];
        if (options.target) args.push('--target', `${options.target.address}:${options.target.port}`);
        const agent = c.spawn(NODE[0], [NODE[1], AGENT, ...args]);
        const { event: _event, t: _t, ...result } = await agent.waitForEvent((e) => e.event === 'diagnosis', 15_000);
        raw.push(result as unknown as Awaited<ReturnType<typeof runDiagnostics>>);
        return raw.at(-1)!;
      };

      const settings = await SettingsStore.open({ dir: join(tmp, 'desktop') });
      const controller = new HostController({
        workerUrl: new URL('../../src/main/host-control/host-worker.ts', import.meta.url),
        dataDir: join(tmp, 'desktop', 'host'),
        hostName: 'desk',
        bind: '127.0.0.1',
        announce: false,
      });
      const services = createIpcServices({
        settings,
        host: controller,
        discovery: { hosts: () => latestHosts(onC).flatMap((h) => toDiscoveredHostInfo(h) ?? []) },
        windows: () => [],
        interfaces: () => [],
        diagnostics: { run: runInNamespace },
        pins: new PinStore(settings),
      });

      // Tall enough for the whole report (the home view scrolls inside the window, not the page).
      const { page } = await openDesktopPage(
        browser!,
        `http://${a.address}:${PORT}/`,
        {
          ...services,
          runDiagnostics: async (...args: Parameters<typeof services.runDiagnostics>) => {
            const report = diagnosticsReport.parse(await services.runDiagnostics(...args));
            runs.push(report);
            return report;
          },
        },
        { width: 1100, height: 1300 },
      );

      // The list the desktop app shows: both hosts, heard by broadcast only.
      const heard = page.locator('section[aria-labelledby="discover-title"] li');
      await expect.poll(() => heard.count()).toBe(2);
      const squeeze = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());
      await expect(heard.allTextContents().then(squeeze)).resolves.toEqual([
        `alpha ${a.address}:${PORT} broadcast Rooms: general Connect`,
        `bravo ${b.address}:${PORT} broadcast Rooms: lobby Connect`,
      ]);

      await page.getByRole('button', { name: 'Can’t see a host?' }).click();
      await page.getByLabel('Host address (optional)').fill(`${a.address}:${PORT}`);
      const started = Date.now();
      await page.getByRole('button', { name: 'Run checks' }).click();
      await page.getByText('Listening to the network for a few seconds…').waitFor();
      const panel = page.locator('.report');
      await panel.waitFor({ timeout: 15_000 });
      record('diagnostics in the blocked namespace: Run checks → report shown', Date.now() - started);

      expect(runs).toHaveLength(1);
      const report = runs[0]!;
      console.log(`[lan e2e] the report shown:\n${JSON.stringify(report, null, 2)}`);
      expect(report.verdict).toBe('multicast-blocked');
      expect(report.headline).toMatch(
        /^Multicast \(mDNS\) is blocked on this network, but Tincan.s broadcast fallback works/,
      );
      await expect(panel.getAttribute('data-verdict')).resolves.toBe('multicast-blocked');
      await expect(panel.locator('.headline').textContent()).resolves.toBe(report.headline);
      // What each check found, in the panel's words: multicast on eth0 a problem, broadcast heard both hosts.
      const checks = panel.locator('.checks li');
      await expect(checks.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')))).resolves.toEqual(
        report.checks.map((ch) => ch.status),
      );
      expect(report.checks.map((ch) => [ch.check, ch.status])).toEqual([
        ['multicast', 'fail'],
        ['broadcast', 'ok'],
        ['route', 'ok'],
        ['reach', 'ok'],
      ]);
      await expect(checks.first().textContent()).resolves.toMatch(/^Problem/);
      await expect(checks.nth(1).textContent()).resolves.toMatch(/alpha.*bravo|bravo.*alpha/);
      // Its advice: nothing to do for Tincan, other mDNS apps suffer too, how to fix multicast.
      const advice = await panel.locator('ol li').allTextContents();
      expect(advice).toEqual(report.advice);
      expect(advice).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Nothing to do for Tincan: finding hosts works through the fallback/),
          expect.stringMatching(/printers, AirPlay/),
          expect.stringMatching(/IGMP snooping.*allow UDP port 5353/),
        ]),
      );
      // The evidence behind the verdict: both hosts say they announce over mDNS, and none of it arrives.
      const evidence = /^(alpha, bravo|bravo, alpha) announce over mDNS too, yet nothing of it arrives here/;
      expect(raw[0]!.diagnosis.findings).toContainEqual(expect.stringMatching(evidence));
      await expect(panel.locator('.evidence').allTextContents()).resolves.toContainEqual(
        expect.stringMatching(evidence),
      );
      await page.screenshot({ path: join(SHOTS, 'diagnostics-multicast-blocked.png') });
      await page.close();
      await controller.stop();
      onC.child.kill('SIGTERM');
    });
  },
);
