import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDuration, parseModerationLine } from '../../../src/main/cli/moderation-commands.ts';
import { parseOperatorLine } from '../../../src/main/cli/operator-console.ts';
import { CLOSE_CODES, type HostFrameOf } from '../../../src/shared/protocol/index.ts';
import { spawnHost } from '../../helpers/host-process.ts';
import { TestClient } from '../../helpers/test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-mod-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('moderation console lines', () => {
  it('reads who, kick, ban, unban, mute and unmute', () => {
    expect(parseOperatorLine('who')).toEqual({ kind: 'moderation', command: { kind: 'who' } });
    expect(parseModerationLine('kick', 'Ab3_x flooding the room')).toEqual({
      kind: 'kick',
      member: 'Ab3_x',
      reason: 'flooding the room',
    });
    expect(parseModerationLine('kick', 'Ab3_x')).toEqual({ kind: 'kick', member: 'Ab3_x' });
    expect(parseModerationLine('ban', '10.0.0.0/24 2h lab machines')).toEqual({
      kind: 'ban',
      who: '10.0.0.0/24',
      durationMs: 7_200_000,
      reason: 'lab machines',
    });
    expect(parseModerationLine('ban', 'a1b2c3d4e5f60718 forever spam')).toEqual({
      kind: 'ban',
      who: 'a1b2c3d4e5f60718',
      reason: 'spam',
    });
    expect(parseModerationLine('ban', 'Ab3_x being rude')).toEqual({ kind: 'ban', who: 'Ab3_x', reason: 'being rude' });
    expect(parseModerationLine('unban', '3')).toEqual({ kind: 'unban', id: 3 });
    expect(parseModerationLine('mute', '#general Ab3_x 10m cool off')).toEqual({
      kind: 'mute',
      room: 'general',
      who: 'Ab3_x',
      durationMs: 600_000,
      reason: 'cool off',
    });
    expect(parseModerationLine('unmute', '#general a1b2c3d4e5f60718')).toEqual({
      kind: 'unmute',
      room: 'general',
      device: 'a1b2c3d4e5f60718',
    });
    expect(parseModerationLine('announce', 'x')).toBeUndefined();
  });

  it('reads durations in s, m, h and d, and nothing else', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    for (const bad of ['10', '1w', '-1m', '1.5h', 'm', '1234567m']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('refuses what it cannot read, with a reason', () => {
    expect(() => parseOperatorLine('kick')).toThrow('kick wants a member id');
    expect(() => parseOperatorLine('unban x')).toThrow('unban wants a ban id');
    expect(() => parseOperatorLine('unban 0')).toThrow('unban wants a ban id');
    expect(() => parseOperatorLine('mute general Ab3_x')).toThrow('usage: mute #ROOM');
    expect(() => parseOperatorLine('unmute #general a b')).toThrow('one device tag');
  });

  it('refuses a mistyped TIME instead of taking it as the reason of a ban or mute that would never end', () => {
    for (const time of ['-5m', '+5m', '1.5h', '10M', '2H', '99999999d', '1234567s']) {
      expect(() => parseOperatorLine(`ban a1b2c3d4e5f60718 ${time} spam`), time).toThrow(`${time} is not a TIME`);
      expect(() => parseOperatorLine(`mute #general Ab3_x ${time}`), time).toThrow(`${time} is not a TIME`);
    }
    // The edges that are times, and a reason that merely starts with a digit.
    const command = (line: string) => (parseOperatorLine(line) as { command: object }).command;
    expect(command('ban a1b2c3d4e5f60718 999999s x')).toMatchObject({ durationMs: 999_999_000, reason: 'x' });
    expect(command('ban a1b2c3d4e5f60718 5x spam')).toMatchObject({ reason: '5x spam' });
    expect(command('ban a1b2c3d4e5f60718 forever')).not.toHaveProperty('durationMs');
  });
});

describe('the headless host: admin secret and moderation from its console', () => {
  it('keeps a 0600 admin secret it does not print to a log, answers the admin API with it, and kicks and bans from the console', async () => {
    const host = await spawnHost(['--port', '0', '--data', dir, '--room', 'general'], { stdin: 'pipe' });
    try {
      const secretPath = join(dir, 'admin-secret');
      const secret = readFileSync(secretPath, 'utf8').trim();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(statSync(secretPath).mode & 0o777).toBe(0o600);
      await expect.poll(() => host.stdout(), { timeout: 5000 }).toContain(`the secret is in ${secretPath}`);
      expect(host.stdout() + host.stderr()).not.toContain(secret); // stdout is a pipe here, not a terminal

      const view = await fetch(`http://127.0.0.1:${host.port}/admin/api/view`, {
        headers: { Authorization: `Bearer ${secret}` },
      });
      expect(view.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${host.port}/admin/api/view`)).status).toBe(401);

      const url = `ws://127.0.0.1:${host.port}/ws`;
      const ann = await TestClient.greeted(url, 'ann', 'device-ann-console');
      const bob = await TestClient.greeted(url, 'bob', 'device-bob-console');
      for (const c of [ann, bob]) {
        c.send({ type: 'join', room: 'general' });
        await c.next('joined');
      }
      const member = (c: TestClient) => (c.frames[0] as HostFrameOf<'welcome'>).member;
      host.child.stdin!.write('who\n');
      await expect.poll(() => host.stdout(), { timeout: 5000 }).toMatch(/bob \(device [0-9a-f]{16}\)/);
      expect(host.stdout()).toMatch(
        new RegExp(`${member(ann)}  ann \\(device [0-9a-f]{16}\\)  127\\.0\\.0\\.1  #general`),
      );

      host.child.stdin!.write(`kick ${member(ann)} time out\n`);
      expect(await ann.closed).toEqual({ code: CLOSE_CODES.kicked, reason: 'kicked: time out' });
      await expect
        .poll(() => host.stdout(), { timeout: 5000 })
        .toMatch(/kicked: 1 connection closed; recorded in general #1/);

      const ann2 = await TestClient.greeted(url, 'ann', 'device-ann2-console');
      ann2.send({ type: 'join', room: 'general' });
      await ann2.next('joined');
      host.child.stdin!.write(`ban ${member(bob)} 1h spam\nbans\nkick nobody\n`);
      expect((await bob.closed).code).toBe(CLOSE_CODES.banned);
      await expect.poll(() => host.stdout(), { timeout: 5000 }).toMatch(/error: no connected member "nobody"/);
      expect(host.stdout()).toMatch(/ban 1: 1 connection closed; recorded in general #2/);
      expect(host.stdout()).toMatch(/ {2}1: device [0-9a-f]{16} \(bob\) until \S+ — spam/);

      // A mute closes nothing, and says what it does.
      host.child.stdin!.write(`mute #general ${member(ann2)} 10m calm\nmutes\n`);
      await expect
        .poll(() => host.stdout(), { timeout: 5000 })
        .toMatch(/muted ann in #general until \S+: what they send there is refused; recorded in general #\d+/);
      await expect.poll(() => host.stdout(), { timeout: 5000 }).toMatch(/ {2}#general [0-9a-f]{16} \(ann\) until/);
      expect(host.stdout()).not.toMatch(/muted.*connections? closed/);
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  });
});
