import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FEED_LIMITS, type FeedLimits } from '../../../src/main/feeds/index.ts';
import { ProcessRunner, type RunStatus } from '../../../src/main/feeds/process-runner.ts';

const runners: ProcessRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

function run(command: string[], limits: Partial<FeedLimits> = {}) {
  const runner = new ProcessRunner({
    command,
    env: { PATH: process.env.PATH },
    limits: { ...DEFAULT_FEED_LIMITS, restartBaseMs: 50, restartMaxMs: 400, stopGraceMs: 300, ...limits },
    clock: Date.now,
  });
  runners.push(runner);
  const lines: [string, string][] = [];
  const states: RunStatus[] = [];
  runner.on('line', (text, stream) => lines.push([stream, text]));
  runner.on('status', (s) => states.push(s));
  const until = (check: () => boolean, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const tick = () => {
        if (check()) return resolve();
        if (Date.now() - started > ms) return reject(new Error(`timed out; lines ${JSON.stringify(lines)}`));
        setTimeout(tick, 10);
      };
      tick();
    });
  return { runner, lines, states, until };
}

describe('ProcessRunner', () => {
  it('runs without a shell: stdout and stderr become lines, and an exit with 0 is finished', async () => {
    const { runner, lines, states, until } = run(['sh', '-c', 'echo out; echo err >&2; printf "no newline"']);
    runner.start();
    await until(() => runner.status.state === 'finished');
    expect(lines.filter(([s]) => s !== 'sys')).toEqual(
      expect.arrayContaining([
        ['out', 'out'],
        ['err', 'err'],
        ['out', 'no newline'],
      ]),
    );
    expect(lines[0]).toEqual(['sys', expect.stringMatching(/^started: sh -c .* \(pid \d+\)$/)]);
    expect(lines.at(-1)).toEqual(['sys', 'finished (exit code 0)']);
    expect(states.map((s) => s.state)).toEqual(['starting', 'running', 'finished']);
    expect(runner.status).toMatchObject({ state: 'finished', code: 0, restarts: 0 });
  });

  it('restarts a failing process with a backoff that doubles (base 50 ms, max 400 ms)', async () => {
    const { runner, states, until, lines } = run(['sh', '-c', 'exit 3']);
    runner.start();
    await until(() => states.filter((s) => s.state === 'restarting').length >= 5);
    const waits = states.filter((s) => s.state === 'restarting').map((s) => s.retryAt! - s.since);
    expect(waits.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
    expect(runner.status.code).toBe(3);
    expect(lines).toContainEqual(['sys', 'exited with code 3; restarting in 50 ms']);
  });

  it('a command that does not exist fails once and is not restarted until the operator starts it', async () => {
    const { runner, until, lines, states } = run(['no-such-command-xyz', '--flag']);
    runner.start();
    await until(() => runner.status.state === 'failed');
    expect(runner.status).toMatchObject({ state: 'failed', error: 'ENOENT', restarts: 0 });
    expect(lines).toContainEqual([
      'sys',
      'command not found: no-such-command-xyz (ENOENT); not restarted until the operator starts it again',
    ]);
    await new Promise((r) => setTimeout(r, 300)); // six backoffs' worth (base 50 ms)
    expect(states.map((s) => s.state)).toEqual(['starting', 'failed']);
    runner.start(); // the operator tries again: one more try, and it stops again
    await until(() => states.length === 4);
    expect(states.map((s) => s.state)).toEqual(['starting', 'failed', 'starting', 'failed']);
    await runner.stop();
    expect(runner.status.state).toBe('stopped');
  });

  it('a file that is not executable fails the same way (EACCES), without restarts', async () => {
    const { runner, until, lines, states } = run([fileURLToPath(import.meta.url)]);
    runner.start();
    await until(() => runner.status.state === 'failed');
    expect(runner.status.error).toBe('EACCES');
    expect(lines.at(-1)?.[1]).toMatch(/^not executable: .*process-runner\.test\.ts \(EACCES\); not restarted/);
    await new Promise((r) => setTimeout(r, 300));
    expect(states.filter((s) => s.state === 'restarting')).toEqual([]);
  });

  it('a working folder that does not exist is named as such, not as a missing command', async () => {
    const runner = new ProcessRunner({
      command: ['sh', '-c', 'true'],
      env: { PATH: process.env.PATH },
      cwd: '/nonexistent/folder',
      limits: { ...DEFAULT_FEED_LIMITS, restartBaseMs: 50 },
      clock: Date.now,
    });
    runners.push(runner);
    const lines: string[] = [];
    runner.on('line', (text) => lines.push(text));
    runner.start();
    await new Promise<void>((resolve) => runner.on('status', (s) => s.state === 'failed' && resolve()));
    expect(lines.at(-1)).toMatch(/^working folder not found: \/nonexistent\/folder \(ENOENT\)/);
  });

  it('stop ends the whole process group, with SIGKILL after the grace when SIGTERM is ignored', async () => {
    const { runner, until, lines } = run(['sh', '-c', 'trap "" TERM; sleep 30 & echo child $!; wait']);
    runner.start();
    await until(() => lines.some(([, t]) => t.startsWith('child ')));
    const child = Number(lines.find(([, t]) => t.startsWith('child '))![1].slice(6));
    const started = Date.now();
    await runner.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(runner.status).toMatchObject({ state: 'stopped', signal: 'SIGKILL' });
    // The background sleep went with its group. Its pipes close early in the kernel's exit, a moment
    // before /proc shows it dead, so 'close' (and stop) can come first: give the kernel that moment.
    await until(() => gone(child), 2000);
    expect(lines.at(-1)).toEqual(['sys', 'stopped by the operator']);
    await new Promise((r) => setTimeout(r, 150));
    expect(runner.status.state).toBe('stopped'); // no restart after a stop
  });

  it('writes lines to stdin while running, and refuses when not', async () => {
    const { runner, lines, until } = run(['sh', '-c', 'while read l; do echo "got $l"; done']);
    expect(runner.write('early')).toBe(false);
    runner.start();
    await until(() => runner.running);
    expect(runner.write('hello ; $(id)')).toBe(true);
    await until(() => lines.some(([, t]) => t === 'got hello ; $(id)'));
    await runner.restart();
    await until(() => runner.running);
    expect(runner.status.restarts).toBe(0);
  });

  it('a run longer than stableMs resets the backoff', async () => {
    const { runner, states, until } = run(['sh', '-c', 'sleep 0.2; exit 1'], { stableMs: 100 });
    runner.start();
    await until(() => states.filter((s) => s.state === 'restarting').length >= 3);
    const waits = states.filter((s) => s.state === 'restarting').map((s) => s.retryAt! - s.since);
    expect(waits.slice(0, 3)).toEqual([50, 50, 50]);
  });
});

/** True when the process no longer runs (gone, or a zombie waiting for init to reap it). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}
