import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { rankInterfaces } from '../../../src/main/discovery/interfaces.ts';
import { createInvite, inviteAddresses, type InviteHost } from '../../../src/main/discovery/invite.ts';
import { webSocketUrl } from '../../../src/shared/host-address.ts';
import { formatInvite, inviteHosts, parseInvite, type Invite } from '../../../src/shared/invite.ts';
import { inviteQrSvg } from '../../../src/renderer/src/lib/invite/invite-qr.ts';
import { testIdentity } from '../../helpers/identity.ts';

const identity = await testIdentity();

const TOKEN = '1.mx3k2p9a.q0J8pM2nVtZ6eDq3W1xYb4sKfL7hRcU9aGiE5oTvN-w';
const FP = '3f9a'.repeat(16);

describe('invite links', () => {
  it('are http URLs of the web client with the room, other addresses, name and token in the fragment', () => {
    const invite: Invite = {
      addresses: ['10.0.0.2', 'fd00::2'],
      port: 4747,
      room: 'general',
      name: 'lanbox',
      token: TOKEN,
    };
    const url = formatInvite(invite);
    expect(url).toBe(`http://10.0.0.2:4747/#/join?room=general&hosts=10.0.0.2,fd00::2&name=lanbox&token=${TOKEN}`);
    expect(parseInvite(url)).toEqual(invite);
  });

  it('carry the certificate fingerprint as fp, and are https:// for a TLS-only host', () => {
    const invite: Invite = { addresses: ['10.0.0.2'], port: 4747, room: 'general', fingerprint: FP };
    const url = formatInvite(invite);
    expect(url).toBe(`http://10.0.0.2:4747/#/join?room=general&fp=${FP}`);
    expect(parseInvite(url)).toEqual(invite);
    const secure = formatInvite({ ...invite, secure: true });
    expect(secure).toBe(`https://10.0.0.2:4747/#/join?room=general&fp=${FP}`);
    expect(parseInvite(secure)).toEqual({ ...invite, secure: true });
    // An upper-case fingerprint (typed from a printout) reads the same; anything else is no invite.
    expect(parseInvite(url.replace(FP, FP.toUpperCase()))?.fingerprint).toBe(FP);
    expect(parseInvite(url.replace(FP, FP.slice(1)))).toBeNull();
    expect(parseInvite(url.replace(FP, `${FP.slice(1)}g`))).toBeNull();
    expect(() => formatInvite({ ...invite, fingerprint: 'abc' })).toThrow(/invalid fingerprint/);
  });

  it('leave `hosts` out for a single address, and bracket an IPv6 first address', () => {
    const url = formatInvite({ addresses: ['fd00::2'], port: 80, room: 'ops' });
    expect(url).toBe('http://[fd00::2]:80/#/join?room=ops');
    expect(parseInvite(url)).toEqual({ addresses: ['fd00::2'], port: 80, room: 'ops' });
  });

  it('keep any room name intact', () => {
    const room = 'Nacht & Nebel #2 / 100% ✓';
    const invite = { addresses: ['10.0.0.2'], port: 4747, room, name: 'Büro?' };
    expect(parseInvite(formatInvite(invite))).toEqual(invite);
  });

  it('give addresses to try in order, as WebSocket URLs', () => {
    const invite = parseInvite('  http://10.0.0.2:4747/#/join?room=general&hosts=10.0.0.2,lanbox.local,fd00::2 ')!;
    expect(inviteHosts(invite).map((h) => webSocketUrl(h))).toEqual([
      'ws://10.0.0.2:4747/ws',
      'ws://lanbox.local:4747/ws',
      'ws://[fd00::2]:4747/ws',
    ]);
  });

  it.each([
    ['not a URL', 'general'],
    ['another scheme', 'ftp://10.0.0.2/#/join?room=general'],
    ['another path', 'http://10.0.0.2:4747/#/rooms?room=general'],
    ['no room', 'http://10.0.0.2:4747/#/join?hosts=10.0.0.2'],
    ['a bad room', 'http://10.0.0.2:4747/#/join?room=%20padded'],
    ['a bad token', 'http://10.0.0.2:4747/#/join?room=general&token=<script>'],
    ['a bad host', 'http://10.0.0.2:4747/#/join?room=general&hosts=10.0.0.2,not_a_host!'],
  ])('are refused with %s', (_what, link) => {
    expect(parseInvite(link)).toBeNull();
  });

  it('refuse to format without an address or with a bad token', () => {
    expect(() => formatInvite({ addresses: [], port: 1, room: 'a' })).toThrow(/at least one address/);
    expect(() => formatInvite({ addresses: ['1.2.3.4'], port: 1, room: 'a', token: 'a b' })).toThrow(/token/);
    expect(() => formatInvite({ addresses: ['1.2.3.4/x'], port: 1, room: 'a' })).toThrow(/address/);
  });

  it('render as an SVG QR code', async () => {
    const url = formatInvite({ addresses: ['192.168.1.20'], port: 4747, room: 'general', token: TOKEN });
    const svg = await inviteQrSvg(url);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    expect(svg).toContain('<path');
    expect(svg).not.toContain('general'); // paths only, never the link's text
    expect(await inviteQrSvg(url)).toBe(svg);
    const bigger = await inviteQrSvg(`${url}&hosts=192.168.1.20,fd00::1234:5678:9abc:def0`);
    const size = (s: string) => Number(/viewBox="0 0 (\d+)/.exec(s)![1]);
    expect(size(bigger)).toBeGreaterThan(size(svg));
    // The largest invite there is, fingerprint included, still makes a code: at most version 25
    // (117 modules), which phone cameras read from a screen.
    const largest = formatInvite({
      addresses: [
        '192.168.100.200',
        ...Array.from({ length: 5 }, (_, i) => `fd00:1234:5678:9abc:def0:1234:5678:9ab${i}`),
      ],
      port: 65535,
      room: 'r'.repeat(64),
      name: 'n'.repeat(64),
      token: TOKEN,
      fingerprint: FP,
    });
    expect(size(await inviteQrSvg(largest)) - 2 * 2).toBeLessThanOrEqual(117); // 2 modules of margin a side
  });
});

function v4(address: string): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: null };
}
function v6(address: string): NetworkInterfaceInfo {
  const netmask = 'ffff:ffff:ffff:ffff::';
  return { address, netmask, family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: null, scopeid: 0 };
}

describe('createInvite', () => {
  const ranked = rankInterfaces({
    eth0: [v4('192.168.1.20'), v6('fd00::20'), v6('fe80::20')],
    docker0: [v4('172.17.0.1')],
    tun0: [v4('10.8.0.2')],
  });
  const host = (
    bind: string,
    locked: boolean,
    tls: InviteHost['options']['tls'] = null,
  ): InviteHost & { issued: unknown[] } => {
    const issued: unknown[] = [];
    return {
      issued,
      identity: { id: 'abcd1234', name: 'lanbox' },
      port: 4747,
      options: { bind, tls },
      certificate: identity,
      rooms: () => [{ name: 'general', locked, head: 0, members: 0 }],
      issueJoinToken(room, ttlMs) {
        issued.push([room, ttlMs]);
        return locked ? { token: TOKEN, expiresAt: 123 } : null;
      },
    };
  };

  it('uses the physical adapters’ addresses, IPv4 first, and a token for a locked room', () => {
    const h = host('::', true);
    const created = createInvite(h, { room: 'general', ttlMs: 60_000, ranked });
    expect(created).toEqual({
      url: `http://192.168.1.20:4747/#/join?room=general&hosts=192.168.1.20,fd00::20&name=lanbox&token=${TOKEN}`,
      invite: { addresses: ['192.168.1.20', 'fd00::20'], port: 4747, room: 'general', name: 'lanbox', token: TOKEN },
      expiresAt: 123,
    });
    expect(h.issued).toEqual([['general', 60_000]]);
  });

  it("carries the host's fingerprint when it speaks TLS, in an https:// link when only TLS", () => {
    expect(createInvite(host('::', false), { room: 'general', ranked }).invite.fingerprint).toBeUndefined();
    const shared = createInvite(host('::', false, { alsoPlain: true }), { room: 'general', ranked });
    expect(shared.invite.fingerprint).toBe(identity.fingerprint);
    expect(shared.url).toMatch(new RegExp(`^http://192\\.168\\.1\\.20:4747/.*&fp=${identity.fingerprint}$`));
    const only = createInvite(host('::', false, {}), { room: 'general', ranked });
    expect(only.url).toMatch(/^https:\/\//);
    expect(parseInvite(only.url)).toMatchObject({ secure: true, fingerprint: identity.fingerprint });
  });

  it('has no token and no expiry for an open room', () => {
    const created = createInvite(host('::', false), { room: 'general', ranked });
    expect(created.invite.token).toBeUndefined();
    expect(created.expiresAt).toBeNull();
  });

  it('follows the bind address and the adapters asked for', () => {
    expect(inviteAddresses('0.0.0.0', ranked)).toEqual(['192.168.1.20']);
    expect(inviteAddresses('192.168.1.20', ranked)).toEqual(['192.168.1.20']);
    expect(inviteAddresses('::', ranked, ['docker0', 'eth0'])).toEqual(['172.17.0.1', '192.168.1.20', 'fd00::20']);
    expect(
      createInvite(host('::', false), { room: 'general', addresses: ['10.1.1.1'], ranked }).invite.addresses,
    ).toEqual(['10.1.1.1']);
  });

  it('refuses an unknown room, and a machine without a usable address', () => {
    expect(() => createInvite(host('::', false), { room: 'nope', ranked })).toThrow(/no room named "nope"/);
    expect(() => createInvite(host('::', false), { room: 'general', ranked: rankInterfaces({}) })).toThrow(
      /no network address/,
    );
  });
});
