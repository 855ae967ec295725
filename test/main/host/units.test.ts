import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ws from 'ws';
import { parseCliArgs, UsageError } from '../../../src/main/cli/cli-args.ts';
import { httpUrl, lanAddresses, listeningAddresses } from '../../../src/main/host/lan-addresses.ts';
import { resolveHostOptions } from '../../../src/main/host/options.ts';
import { hostnameOf, isAllowedHost, isAllowedOrigin } from '../../../src/main/host/request-guard.ts';
import { encodeTextFrame } from '../../../src/main/host/text-frame.ts';
import { TokenBucket } from '../../../src/shared/token-bucket.ts';
import { DEFAULT_LIMITS } from '../../../src/shared/protocol/index.ts';

describe('TokenBucket', () => {
  it('grants a burst, then refills at the rate', () => {
    const bucket = new TokenBucket(4, 2, 0);
    expect([bucket.take(0), bucket.take(0)]).toEqual([0, 0]);
    expect(bucket.take(0)).toBe(250);
    expect(bucket.take(249)).toBeGreaterThan(0); // 1 ms left, give or take float rounding
    expect(bucket.take(250)).toBe(0);
    expect(bucket.take(10_000)).toBe(0); // refill never exceeds the burst
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBeGreaterThan(0);
  });
});

// ws's own frame parser, to check our encoder against an independent decoder (untyped in @types/ws).
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => NodeJS.EventEmitter & { write(chunk: Buffer): void };
};

describe('encodeTextFrame', () => {
  it.each([0, 1, 125, 126, 65535, 65536, 200_000])('produces a frame ws decodes back, for %i bytes', async (n) => {
    const payload = 'é'.repeat(Math.floor(n / 2)) + (n % 2 ? 'a' : '');
    const receiver = new Receiver({ isServer: false });
    const got = new Promise<string>((resolve) => receiver.on('message', (data: Buffer) => resolve(data.toString())));
    receiver.write(encodeTextFrame(payload));
    expect(await got).toBe(payload);
  });
});

describe('request guard', () => {
  it('parses Host headers', () => {
    expect(hostnameOf('Box.Local:4747')).toBe('box.local');
    expect(hostnameOf('[fd00::2]:4747')).toBe('fd00::2');
    expect(hostnameOf('10.0.0.2')).toBe('10.0.0.2');
    expect(hostnameOf(undefined)).toBe('');
  });

  it('allows addresses and local names only', () => {
    const ok = (h: string | undefined) => isAllowedHost(h, 'lanbox', ['chat.home.arpa']);
    expect(
      [
        '127.0.0.1:1',
        '[::1]:1',
        '192.168.1.9',
        'localhost:5',
        'a.localhost',
        'lanbox',
        'LANBOX.local:1',
        'printer.local',
        'chat.home.arpa',
      ].every(ok),
    ).toBe(true);
    expect(['evil.example', 'lanbox.evil.example', '127.0.0.1.nip.io', '', undefined].some(ok)).toBe(false);
  });

  it('allows no Origin, same origin and listed origins', () => {
    expect(isAllowedOrigin(undefined, 'x', [])).toBe(true);
    expect(isAllowedOrigin('http://10.0.0.2:4747', '10.0.0.2:4747', [])).toBe(true);
    expect(isAllowedOrigin('http://10.0.0.2:4748', '10.0.0.2:4747', [])).toBe(true); // another LAN host's web client
    expect(isAllowedOrigin('http://192.168.1.9:4747', '10.0.0.2:4747', [])).toBe(true);
    expect(isAllowedOrigin('http://[fd00::9]:4747', '10.0.0.2:4747', [])).toBe(true);
    expect(isAllowedOrigin('http://lanbox.local:4747', '10.0.0.2:4747', [])).toBe(true);
    expect(isAllowedOrigin('https://evil.example', '10.0.0.2:4747', [])).toBe(false); // a website
    expect(isAllowedOrigin('http://203.0.113.5', '10.0.0.2:4747', [])).toBe(false); // a public address
    expect(isAllowedOrigin('http://172.32.0.1', '10.0.0.2:4747', [])).toBe(false); // just outside 172.16/12
    expect(isAllowedOrigin('file://', '10.0.0.2:4747', [])).toBe(false);
    expect(isAllowedOrigin('app://tincan', '10.0.0.2:4747', ['app://tincan'])).toBe(true);
    expect(isAllowedOrigin('null', '10.0.0.2:4747', [])).toBe(false);
    expect(isAllowedOrigin('app://tincan', '10.0.0.2:4747', [])).toBe(true); // the desktop app, on every host
  });
});

describe('host options', () => {
  it('merge limits over the defaults', () => {
    const o = resolveHostOptions({ limits: { rateBurst: 7 } });
    expect(o.limits).toEqual({ ...DEFAULT_LIMITS, rateBurst: 7 });
    expect(o.port).toBe(0);
    expect(o.dataDir).toBeNull();
  });

  it('fail up front naming the bad option', () => {
    expect(() => resolveHostOptions({ port: 70000 })).toThrow(/invalid host option port/);
    expect(() => resolveHostOptions({ limits: { maxConnections: 0 } })).toThrow(
      /invalid host option limits.maxConnections/,
    );
    expect(() => resolveHostOptions({ limits: { nope: 1 } as never })).toThrow(/invalid host option limits/);
    expect(() => resolveHostOptions({ durability: 'eventually' as never })).toThrow(/durability/);
    expect(() => resolveHostOptions({ limits: { historyPageSize: 10.5 } })).toThrow(/limits.historyPageSize/);
    expect(resolveHostOptions({ limits: { ratePerSecond: 0.5 } }).limits.ratePerSecond).toBe(0.5);
  });

  it('hold the host name to the rules of room names, which it is advertised and posted under', () => {
    for (const hostName of ['', 'a\nb', '\u202eevil', ' box', 'x'.repeat(65), 'a\ud800']) {
      expect(() => resolveHostOptions({ hostName }), JSON.stringify(hostName)).toThrow(/invalid host option hostName/);
    }
    expect(resolveHostOptions({ hostName: '机房 lab' }).hostName).toBe('机房 lab');
  });
});

describe('cli args', () => {
  it('parse every flag', () => {
    const web = mkdtempSync(join(tmpdir(), 'tincan-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html>');
    const c = parseCliArgs([
      '--port',
      '0',
      '--data',
      '/d',
      '--room',
      'a',
      '--room',
      'b c',
      '--password-file',
      'a=/pw',
      '--bind',
      '127.0.0.1',
      '--name',
      'box',
      '--web',
      web,
      '--allow-origin',
      'app://tincan',
      '--durability',
      'normal',
      '--limit',
      'ratePerSecond=50',
    ]);
    expect(c).toMatchObject({
      port: 0,
      dataDir: '/d',
      rooms: ['a', 'b c'],
      bind: '127.0.0.1',
      name: 'box',
      webRoot: web,
      allowedOrigins: ['app://tincan'],
      durability: 'normal',
      limits: { ratePerSecond: 50 },
    });
    expect([...c.passwordFiles]).toEqual([['a', '/pw']]);
    expect(parseCliArgs([]).port).toBe(4747);
    rmSync(web, { recursive: true, force: true });
  });

  it('throw UsageError, never anything else, for bad flags', () => {
    for (const args of [
      ['--port', '1.5'],
      ['--port', ''],
      ['--port'],
      ['--limit', 'rateBurst'],
      ['--limit', 'rateBurst=1=2'],
      ['-x'],
    ]) {
      expect(() => parseCliArgs(args), args.join(' ')).toThrow(UsageError);
    }
  });

  it.each([
    [['--port', '0', '--port', '4747'], '--port was given twice; give it once'],
    [['--data', '/a', '--data', '/b'], '--data was given twice; give it once'],
    [['--name', 'a', '--name=b'], '--name was given twice; give it once'],
    [['--data', ''], '--data wants a value, not ""'],
    [['--data='], '--data wants a value, not ""'],
    [['--bind', ''], '--bind wants a value, not ""'],
    [['--name', ''], '--name wants a value, not ""'],
    [['--web', ''], '--web wants a value, not ""'],
    [['--name', 'lab\nbox'], /^--name: host name "lab\\nbox" must not contain control/],
    [['--name', '\u202eevil'], /^--name: host name .* must not contain control, bidi/],
    [['--name', ' box'], /^--name: host name " box" must not start or end with spaces/],
    [['--name', 'x'.repeat(65)], /^--name: host name .* must be at most 64 characters/],
    [['--limit', 'heartbeatIntervalMs=2147483648'], /heartbeatIntervalMs: must be at most 2147483647 ms/],
    [['--limit', 'helloTimeoutMs=3000000000'], /helloTimeoutMs: must be at most 2147483647 ms/],
    [['--limit', 'headersTimeoutMs=2147483648'], /headersTimeoutMs: must be at most 2147483647 ms/],
    [['--limit', 'challengeTimeoutMs=2147483648'], /challengeTimeoutMs: must be at most 2147483647 ms/],
    [['--limit', 'scramIterations=100'], /scramIterations: must be at least 4096/],
    [['--limit', 'historyPageSize=501'], /historyPageSize: must be at most 500 \(MAX_PAGE_SIZE\)/],
    [['--password-file', 'ops=/a', '--password-file', 'ops=/b'], '--password-file names room "ops" twice'],
    [['--bind', '999.1.1.1'], '--bind wants an IP address such as ::, 0.0.0.0 or 127.0.0.1, not "999.1.1.1"'],
    [['--bind', 'lanbox'], '--bind wants an IP address'],
    [['--web', '/nonexistent/web'], '--web: "/nonexistent/web" holds no index.html'],
    [['--allow-origin', 'http://Tools.LAN:8080'], 'browsers send "http://Tools.LAN:8080" as "http://tools.lan:8080"'],
    [['--allow-origin', 'https://tools.lan:443'], 'browsers send "https://tools.lan:443" as "https://tools.lan"'],
    [['--allow-origin', 'HTTP://tools.lan'], 'browsers send "HTTP://tools.lan" as "http://tools.lan"'],
    [
      ['--feed', 'ops=tail -f x', '--feed-stdin', 'ops=nobody', '--feed-stdin', 'ops=everyone'],
      '--feed-stdin names room "ops" twice',
    ],
  ])('refuse %j: %s', (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(UsageError);
    expect(() => parseCliArgs(args)).toThrow(message);
  });

  it('take every value at its edge: the longest timer, a 64-character host name, repeatable flags twice', () => {
    const c = parseCliArgs([
      '--limit',
      'heartbeatIntervalMs=2147483647',
      '--limit',
      'helloTimeoutMs=2147483647',
      '--limit',
      'historyPageSize=500',
      '--name',
      'x'.repeat(64),
      '--room',
      'a',
      '--room',
      'b',
    ]);
    expect(c.limits).toEqual({ heartbeatIntervalMs: 2147483647, helloTimeoutMs: 2147483647, historyPageSize: 500 });
    expect(c.name).toBe('x'.repeat(64));
    const origins = ['http://tools.lan:8080', 'https://[fd00::1]:8443', 'app://tincan'];
    expect(parseCliArgs(origins.flatMap((o) => ['--allow-origin', o])).allowedOrigins).toEqual(origins);
    expect(c.rooms).toEqual(['a', 'b']);
  });
});

describe('LAN addresses', () => {
  const fake = {
    lo: [
      { address: '127.0.0.1', family: 'IPv4', internal: true },
      { address: '::1', family: 'IPv6', internal: true },
    ],
    eth0: [
      { address: 'fe80::1', family: 'IPv6', internal: false },
      { address: 'fd00::2', family: 'IPv6', internal: false },
      { address: '10.0.0.2', family: 'IPv4', internal: false },
    ],
  } as never;

  it('list LAN IPv4 first, loopback last, without link-local IPv6', () => {
    expect(lanAddresses(fake).map((a) => a.address)).toEqual(['10.0.0.2', 'fd00::2', '127.0.0.1', '::1']);
  });

  it('follow the bind address', () => {
    const all = lanAddresses(fake);
    expect(listeningAddresses('0.0.0.0', all).map((a) => a.address)).toEqual(['10.0.0.2', '127.0.0.1']);
    expect(listeningAddresses('127.0.0.1', all).map((a) => a.address)).toEqual(['127.0.0.1']);
    expect(httpUrl('fd00::2', 4747)).toBe('http://[fd00::2]:4747/');
  });
});
