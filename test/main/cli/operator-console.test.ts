import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CONSOLE_LINE, parseOperatorLine } from '../../../src/main/cli/operator-console.ts';
import { spawnHost } from '../../helpers/host-process.ts';
import { TestClient } from '../../helpers/test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-console-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseOperatorLine', () => {
  it('reads announcements to every room, to one room, and warnings', () => {
    expect(parseOperatorLine('announce Lunch is here')).toEqual({
      kind: 'announce',
      text: 'Lunch is here',
      level: 'info',
    });
    expect(parseOperatorLine('  WARN   Power cut at 5  ')).toEqual({
      kind: 'announce',
      text: 'Power cut at 5',
      level: 'warning',
    });
    expect(parseOperatorLine('/announce #ops team: deploy done')).toEqual({
      kind: 'announce',
      text: 'deploy done',
      level: 'info',
      room: 'ops team',
    });
    expect(parseOperatorLine("announce Don't forget; it's $5 | `cheap`")).toMatchObject({
      text: "Don't forget; it's $5 | `cheap`",
    });
  });

  it('knows rooms, help and empty lines', () => {
    expect(parseOperatorLine('rooms')).toEqual({ kind: 'rooms' });
    expect(parseOperatorLine('help')).toEqual({ kind: 'help' });
    expect(parseOperatorLine('   ')).toEqual({ kind: 'empty' });
  });

  it('refuses what it cannot run, with a reason', () => {
    expect(() => parseOperatorLine('announce')).toThrow('nothing to announce');
    expect(() => parseOperatorLine('announce #ops no colon')).toThrow('colon');
    expect(() => parseOperatorLine('reboot')).toThrow('unknown command "reboot"');
    expect(() => parseOperatorLine(`announce ${'x'.repeat(MAX_CONSOLE_LINE)}`)).toThrow('line too long');
    expect(parseOperatorLine(`announce ${'x'.repeat(MAX_CONSOLE_LINE - 9)}`)).toMatchObject({ kind: 'announce' });
  });
});

describe('the headless host console', () => {
  it('posts what the operator types to the rooms, and explains what it refuses', async () => {
    const host = await spawnHost(['--port', '0', '--data', dir, '--room', 'general', '--room', 'ops'], {
      stdin: 'pipe',
    });
    try {
      const url = `ws://127.0.0.1:${host.port}/ws`;
      const ann = await TestClient.greeted(url, 'ann');
      ann.send({ type: 'join', room: 'general' });
      await ann.next('joined');
      host.child.stdin!.write('warn Fire drill at 3\n');
      expect(await ann.next('message')).toMatchObject({
        kind: 'announcement',
        text: 'Fire drill at 3',
        body: { level: 'warning' },
        from: { device: 'host', source: 'operator' },
      });
      host.child.stdin!.write('announce #nowhere: hi\nannounce #ops: ops only\nrooms\n');
      await expect.poll(() => host.stdout(), { timeout: 5000 }).toMatch(/ops: 0 here, 2 messages/);
      expect(host.stdout()).toMatch(/announced in 2 rooms: general #1, ops #1/);
      expect(host.stdout()).toMatch(/general: 1 here, 1 messages/);
      expect(host.stdout()).toMatch(/error: no room named "nowhere"/);
      expect(host.stdout()).toMatch(/announced in 1 room: ops #2/);
      await ann.close();
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  });
});

describe('invites from the console', () => {
  it('prints no join token at start, makes one on `invite`, and `revoke` ends it', async () => {
    const passwordFile = join(dir, 'vault.txt');
    writeFileSync(passwordFile, 'sesame\n');
    const host = await spawnHost(
      ['--port', '0', '--data', join(dir, 'invites'), '--room', 'general', '--password-file', `vault=${passwordFile}`],
      { stdin: 'pipe' },
    );
    try {
      await expect.poll(() => host.stdout(), { timeout: 5000 }).toMatch(/Invite links:/);
      expect(host.stdout()).not.toMatch(/token=/);
      expect(host.stdout()).toMatch(/vault: password room; type "invite vault"/);
      host.child.stdin!.write('invite vault\n');
      await expect.poll(() => /token=([A-Za-z0-9._-]+)/.exec(host.stdout())?.[1], { timeout: 5000 }).toBeTruthy();
      const link = /(http:\/\/\S+token=[A-Za-z0-9._-]+)/.exec(host.stdout())![1]!;
      const token = /token=([A-Za-z0-9._-]+)/.exec(link)![1]!;
      host.child.stdin!.write(`revoke ${link}\n`);
      await expect
        .poll(() => host.stdout(), { timeout: 5000 })
        .toMatch(/revoked: that token no longer admits anyone to vault/);
      const c = await TestClient.greeted(`ws://127.0.0.1:${host.port}/ws`, 'ann');
      c.send({ type: 'join', ref: 'j', room: 'vault', token });
      expect(await c.next('error')).toMatchObject({ code: 'wrong_password', message: 'The join token was revoked.' });
      await c.close();
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  });
});
