import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DiscoveredHost } from '../../../src/main/discovery/discovery.ts';
import { fingerprintOf, hostIdOf, TLS_FOLDER } from '../../../src/main/tls/index.ts';
import { createLan, netnsUnavailable, type LanNode, type NsProcess, type VirtualLan } from '../../helpers/netns.ts';

/**
 * Spoofed adverts and goodbyes on a real virtual LAN: the headless host in one namespace, a joiner's
 * Discovery in a second, and an impostor (fixtures/rogue.ts) in a third that claims the host's id and
 * name with a certificate of its own, repeats its mDNS record, and sends goodbyes in its name.
 */
const unavailable = await netnsUnavailable();
if (unavailable) console.warn(`[spoofing netns] skipping: ${unavailable}`);

const CLI = fileURLToPath(new URL('../../../src/main/cli/cli.ts', import.meta.url));
const AGENT = fileURLToPath(new URL('./fixtures/agent.ts', import.meta.url));
const ROGUE = fileURLToPath(new URL('./fixtures/rogue.ts', import.meta.url));
const NODE = [process.execPath, '--disable-warning=ExperimentalWarning'] as const;
const PORT = 4747;

const dirs: string[] = [];
let lan: VirtualLan | undefined;
afterEach(async () => {
  await lan?.destroy();
  lan = undefined;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const hostsIn = (e: Record<string, unknown>) => (e.hosts as DiscoveredHost[] | undefined) ?? [];

describe.skipIf(unavailable)('spoofed adverts and goodbyes (network namespaces)', () => {
  it("an impostor claiming a host's id shows as another, unverified host, and its goodbyes never remove the real one", async () => {
    lan = await createLan(3);
    const [a, b, c] = lan.nodes as [LanNode, LanNode, LanNode];
    const data = mkdtempSync(join(tmpdir(), 'tincan-spoof-'));
    dirs.push(data);
    const host = a.spawn(NODE[0], [NODE[1], CLI, '--port', String(PORT), '--data', data, '--name', 'alpha', '--tls']);
    await host.waitForOutput(/Discovery: announcing on eth0/, 15_000);
    const cert = readFileSync(join(data, TLS_FOLDER, 'cert.pem'), 'utf8');
    const id = hostIdOf(cert);
    expect(host.stdout()).toContain(`Host id ${id} `);

    const joiner: NsProcess = b.spawn(NODE[0], [NODE[1], AGENT, 'discover']);
    await joiner.waitForEvent((e) => e.event === 'ready');
    const real = (e: Record<string, unknown>) => hostsIn(e).find((h) => h.id === id);
    const heard = await joiner.waitForEvent(
      (e) => e.event === 'change' && real(e)?.via.length === 2 && real(e)!.verified,
      15_000,
    );
    expect(real(heard)).toMatchObject({
      name: 'alpha',
      addresses: ['10.213.1.1'],
      fingerprint: fingerprintOf(cert),
      tls: true,
      verified: true,
    });

    const rogue = c.spawn(NODE[0], [NODE[1], ROGUE, id, 'alpha', String(PORT), join(data, TLS_FOLDER, 'cert.pem')]);
    const posing = await rogue.waitForEvent((e) => e.event === 'posing', 15_000);
    const rogueId = posing.ownId as string;
    expect(rogueId).not.toBe(id);

    // The impostor is listed apart, under its own key's id, as posing as the host, unverified...
    const impostor = (e: Record<string, unknown>) => hostsIn(e).find((h) => h.id === rogueId);
    const both = await joiner.waitForEvent(
      (e) => e.event === 'change' && impostor(e)?.via.length === 2 && real(e) !== undefined,
      15_000,
    );
    expect(impostor(both)).toMatchObject({ name: 'alpha', claimedId: id, verified: false, addresses: ['10.213.1.3'] });
    // ... while the host keeps its own address, certificate and standing, even with its mDNS record
    // repeated by the impostor from another address.
    expect(real(both)).toMatchObject({ addresses: ['10.213.1.1'], fingerprint: fingerprintOf(cert), verified: true });
    expect(real(both)).not.toHaveProperty('claimedId');

    // Its goodbyes: its own (signed) removes itself; one with the host's key and a forged signature,
    // and an unsigned mDNS goodbye for the host's id, do not remove the host.
    rogue.child.kill('SIGTERM');
    await rogue.waitForEvent((e) => e.event === 'goodbyes-sent', 10_000);
    const gone = await joiner.waitForEvent(
      (e) => e.event === 'change' && (e.removed as string[]).includes(rogueId),
      15_000,
    );
    expect(real(gone)).toBeDefined();
    // Two beacon intervals past the impostor's goodbyes, the host is still listed, never removed.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const events = joiner.events().filter((e) => e.event === 'change');
    expect(events.some((e) => (e.removed as string[]).includes(id))).toBe(false);
    expect(real(events.at(-1)!)).toMatchObject({ addresses: ['10.213.1.1'], verified: true });
    host.child.kill('SIGTERM');
    expect(await host.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
