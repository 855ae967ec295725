import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../../src/main/cli/cli-args.ts';
import { parseOperatorLine } from '../../../src/main/cli/operator-console.ts';
import { spawnHost } from '../../helpers/host-process.ts';
import { TestClient } from '../../helpers/test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tincan-feeds-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--feed, --feed-stdin and --metrics', () => {
  it('reads ROOM=COMMAND with quotes honoured and metacharacters literal', () => {
    const config = parseCliArgs([
      '--feed',
      `ops=printf '%s\\n' "a b" a;b $(id) \`id\` | tee x`,
      '--feed',
      'logs=tail -F /var/log/syslog',
      '--feed-stdin',
      'ops=everyone',
      '--metrics',
      'ops',
    ]);
    expect(config.feeds).toEqual([
      { room: 'ops', command: ['printf', '%s\\n', 'a b', 'a;b', '$(id)', '`id`', '|', 'tee', 'x'] },
      { room: 'logs', command: ['tail', '-F', '/var/log/syslog'] },
    ]);
    expect(config.feedStdin.get('ops')).toEqual({ policy: 'everyone', allowed: [] });
    expect(config.metricsRoom).toBe('ops');
  });

  it('refuses what cannot run, with the reason', () => {
    expect(() => parseCliArgs(['--feed', 'echo hi'])).toThrow(/--feed: wants ROOM=COMMAND/);
    expect(() => parseCliArgs(['--feed', 'ops=echo "open'])).toThrow(/unclosed quote/);
    expect(() => parseCliArgs(['--feed', 'ops=   '])).toThrow(UsageError);
    expect(() => parseCliArgs(['--feed', ' ops=echo'])).toThrow(/--feed: room name/);
    expect(() => parseCliArgs(['--feed-stdin', 'ops=everyone'])).toThrow(/has no --feed/);
    expect(() => parseCliArgs(['--feed', 'ops=cat', '--feed-stdin', 'ops=anyone'])).toThrow(/16 hex digits/);
    expect(
      parseCliArgs(['--feed', 'ops=cat', '--feed-stdin', 'ops=0123456789abcdef,fedcba9876543210']).feedStdin.get('ops'),
    ).toEqual({
      policy: 'members',
      allowed: ['0123456789abcdef', 'fedcba9876543210'],
    });
  });

  it('console commands for feeds parse', () => {
    expect(parseOperatorLine('feeds')).toEqual({ kind: 'feeds' });
    expect(parseOperatorLine('stop tail')).toEqual({ kind: 'feed', action: 'stop', feed: 'tail' });
    expect(parseOperatorLine('restart tail')).toEqual({ kind: 'feed', action: 'restart', feed: 'tail' });
    expect(parseOperatorLine('stdin tail everyone')).toEqual({ kind: 'stdin', feed: 'tail', who: 'everyone' });
    expect(parseOperatorLine('metrics ops')).toEqual({ kind: 'metrics', room: 'ops' });
    expect(() => parseOperatorLine('stop')).toThrow(/one feed name/);
    expect(() => parseOperatorLine('stdin tail')).toThrow(/FEED WHO/);
  });

  it('the headless host runs the feed without a shell, members see it, and the console stops and starts it', async () => {
    const host = await spawnHost(
      ['--port', '0', '--data', dir, '--feed', "ops=sh -c 'echo ready; exec sleep 60'", '--feed', 'ops=echo x;y $HOME'],
      { stdin: 'pipe' },
    );
    try {
      expect(host.stdout()).toContain('Feed sh → ops');
      const ann = await TestClient.greeted(`ws://127.0.0.1:${host.port}/ws`, 'ann');
      ann.send({ type: 'join', room: 'ops', since: 0 });
      await ann.next('joined');
      const states = [await ann.next('feed'), await ann.next('feed')].map((f) => f.feed.name).sort();
      expect(states).toEqual(['echo', 'sh']);
      const lines = () =>
        [...ann.all('history').flatMap((h) => h.messages), ...ann.all('message')]
          .flatMap((m) => (m.body?.lines as { text: string; stream?: string }[] | undefined) ?? [])
          .filter((l) => !l.stream)
          .map((l) => l.text);
      const until = async (check: () => boolean) => {
        for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
        expect(check(), JSON.stringify(lines()) + host.stdout().slice(-300)).toBe(true);
      };
      await until(() => lines().includes('ready') && lines().includes('x;y $HOME'));
      host.child.stdin!.write('stop sh\n');
      await ann.next('feed', (f) => f.feed.name === 'sh' && f.feed.state === 'stopped');
      host.child.stdin!.write('start sh\n');
      await ann.next('feed', (f) => f.feed.name === 'sh' && f.feed.state === 'running');
      host.child.stdin!.write('feeds\n');
      await until(() => /sh in ops: running/.test(host.stdout()));
      await until(() => lines().filter((l) => l === 'ready').length === 2);
      await ann.close();
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  });
});
